"""accounting-poster: the double-entry books and the export to accounting systems.

Today it runs the kit (schema with outbox and inbox, health, metrics) and consumes
nothing yet; journal postings arrive with the order-lifecycle work (see
docs/architecture.md, "Next").
"""
