"""Crossdock's common kit: events, topics, settings, bus, database, outbox and inbox.

Every service builds on these pieces; none of them connects to anything at import.
"""
