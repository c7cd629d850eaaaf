"""Each platform's documented webhook payload, and its mapping to the canonical order."""
