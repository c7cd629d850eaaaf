"""Events for the customer: what to tell them, and when (a mailer or CRM consumes them)."""

from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.events.envelope import Event

NotificationKind = Literal["order_confirmed", "shipped", "delivered", "cancelled", "refunded"]


class CustomerNotificationRequested(Event):
    event_type: Literal["CustomerNotificationRequested"] = "CustomerNotificationRequested"
    order_id: UUID
    channel: str
    channel_order_ref: str
    kind: NotificationKind
    customer_email: str | None = Field(None, description="As the channel gave it.")
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    refund_amount: str | None = Field(
        None, description="What went back, with its currency (`12.50 USD`): a refund's."
    )
