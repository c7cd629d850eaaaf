"""What Crossdock tells a customer itself (a channel whose `customer_notices` is
`crossdock`), in the customer's language where the channel says it and we write it,
else the channel's: order confirmed, shipped with the carrier and the tracking link,
delivered, cancelled, refunded (how much). Pure: a notice's facts in, a letter out."""

from typing import Any

from services.storefront_gateway.connectors.smtp import Letter

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "order_confirmed": (
            "Your order {order} is confirmed",
            "Thank you for your order {order}. We are getting it ready and will tell you "
            "when it ships.",
        ),
        "shipped": (
            "Your order {order} has shipped",
            "Your order {order} is on its way with {carrier}, tracking number "
            "{tracking_number}.\n\nFollow it here: {tracking_url}",
        ),
        "delivered": (
            "Your order {order} was delivered",
            "Your order {order} has been delivered. We hope you enjoy it.",
        ),
        "cancelled": (
            "Your order {order} was cancelled",
            "Your order {order} has been cancelled. Any payment taken will be refunded.",
        ),
        "refunded": (
            "A refund for your order {order}",
            "We have refunded {refund_amount} for your order {order}. Depending on your "
            "bank it can take a few days to show.",
        ),
    },
    "de": {
        "order_confirmed": (
            "Ihre Bestellung {order} ist bestätigt",
            "Vielen Dank für Ihre Bestellung {order}. Wir bereiten sie vor und melden "
            "uns, sobald sie versandt ist.",
        ),
        "shipped": (
            "Ihre Bestellung {order} ist unterwegs",
            "Ihre Bestellung {order} ist mit {carrier} unterwegs, Sendungsnummer "
            "{tracking_number}.\n\nSendungsverfolgung: {tracking_url}",
        ),
        "delivered": (
            "Ihre Bestellung {order} wurde zugestellt",
            "Ihre Bestellung {order} wurde zugestellt. Viel Freude damit!",
        ),
        "cancelled": (
            "Ihre Bestellung {order} wurde storniert",
            "Ihre Bestellung {order} wurde storniert. Bereits gezahlte Beträge werden erstattet.",
        ),
        "refunded": (
            "Erstattung zu Ihrer Bestellung {order}",
            "Wir haben Ihnen {refund_amount} für Ihre Bestellung {order} erstattet. Je nach "
            "Bank kann es einige Tage dauern, bis der Betrag sichtbar ist.",
        ),
    },
}
LANGUAGES = frozenset(TEMPLATES)


def letter(notice: dict[str, Any], message_id: str) -> Letter:
    """The letter for a queued notice: `to`, `kind`, `language`, `order` (the channel's
    order name) and, for a shipment, `carrier`, `tracking_number`, `tracking_url`."""
    language = notice["language"] if notice["language"] in LANGUAGES else "en"
    subject, body = TEMPLATES[language][notice["kind"]]
    facts = {
        "order": notice["order"],
        "carrier": notice.get("carrier") or "the carrier",
        "tracking_number": notice.get("tracking_number") or "-",
        "tracking_url": notice.get("tracking_url") or "-",
        "refund_amount": notice.get("refund_amount") or "-",
    }
    return Letter(notice["to"], subject.format(**facts), body.format(**facts), message_id)


def notice_language(customer: str | None, channel_default: str) -> str:
    """The customer's own language where we write it (its primary subtag: `fr-CA` is
    `fr`), else the channel's."""
    primary = (customer or "").split("-")[0].lower()
    return primary if primary in LANGUAGES else channel_default


# EasyPost's tracker statuses as Shopify's fulfillment event statuses (REST
# FulfillmentEvent; GraphQL FulfillmentEventStatus: in_transit, out_for_delivery,
# delivered, ready_for_pickup, failure, confirmed, label_purchased...).
SHOPIFY_EVENT_STATUS = {
    "pre_transit": "label_purchased",
    "in_transit": "in_transit",
    "out_for_delivery": "out_for_delivery",
    "delivered": "delivered",
    "available_for_pickup": "ready_for_pickup",
    "return_to_sender": "failure",
    "failure": "failure",
}


def tracking_event(event: Any) -> dict[str, Any]:
    """A ShipmentTrackingUpdated as the channel update that carries it."""
    where = ", ".join(p for p in (event.city, event.region, event.country) if p)
    said = event.message or event.status.replace("_", " ")
    return {
        "tracking_number": event.tracking_number,
        "status": event.status,
        "shopify_status": SHOPIFY_EVENT_STATUS.get(event.status),
        "message": said,
        "happened_at": event.happened_at.isoformat(),
        "city": event.city,
        "province": event.region,
        "country": event.country,
        "zip": event.postal_code,
        "note": f"Tracking {event.tracking_number}: {said}" + (f" ({where})" if where else ""),
    }


def has_template(kind: str) -> bool:
    return kind in TEMPLATES["en"]
