"""What Crossdock tells a customer itself (a channel whose `customer_notices` is
`crossdock`), in the channel's language: order confirmed, shipped with the carrier and
the tracking link, delivered, cancelled. Pure: a notice's facts in, a letter out."""

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
    }
    return Letter(notice["to"], subject.format(**facts), body.format(**facts), message_id)


def has_template(kind: str) -> bool:
    return kind in TEMPLATES["en"]
