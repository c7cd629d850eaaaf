"""Crossdock under faults: a steady mixed workload, one fault per scenario, quiescence,
then every invariant the design promises (`make chaos`; a short form in `make test`)."""
