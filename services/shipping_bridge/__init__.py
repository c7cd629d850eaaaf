"""shipping-bridge: the edge to 3PLs and shipping platforms.

Today it runs the kit (schema with outbox and inbox, health, metrics) and consumes
nothing yet; outbound fulfilment requests and inbound 3PL tracking arrive with the
order-lifecycle work (see docs/architecture.md, "Next").
"""
