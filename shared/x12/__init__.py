"""X12 interchanges: envelopes, 997 codes and acknowledgements — no partner's meaning."""
