"""Crossdock's domain events: facts in the past tense, frozen, declared once.

`envelope` holds what every event carries; one module per bounded context holds the
events themselves. `codec` turns any of them to and from Kafka records.
"""
