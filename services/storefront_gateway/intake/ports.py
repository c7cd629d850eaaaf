"""What the rest of the gateway may ask of intake: the channel's order as intake
accepted it (its ref, line ids per SKU, the customer's email), for feedback to answer
the channel and the customer about it."""

from services.storefront_gateway.intake.repository import channel_order

__all__ = ["channel_order"]
