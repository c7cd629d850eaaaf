"""Crossdock's own notices to customers: the letter for each notice, in the channel's
language, and the mail connector against a real SMTP server on loopback — accepted,
refused for good (a 550 is kept with the reason), or unreachable (retried)."""

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from services.storefront_gateway.connectors.errors import Refused, Unavailable
from services.storefront_gateway.connectors.smtp import Mailer
from services.storefront_gateway.domain import language_tag
from services.storefront_gateway.feedback.notices import letter, notice_language
from simulators.mailbox import Mailbox

SHIPPED = {
    "to": "ada@example.com",
    "kind": "shipped",
    "language": "de",
    "order": "#1001",
    "carrier": "DHL",
    "tracking_number": "00340434161234567890",
    "tracking_url": "https://www.dhl.de/track?id=00340434161234567890",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def test_a_shipped_notice_in_german_names_the_carrier_and_the_tracking_link() -> None:
    mail = letter(SHIPPED, "<notice-1@crossdock>")
    assert mail.subject == "Ihre Bestellung #1001 ist unterwegs"
    assert "mit DHL unterwegs, Sendungsnummer 00340434161234567890" in mail.body
    assert mail.body.endswith(SHIPPED["tracking_url"])


def test_a_language_without_templates_falls_back_to_english() -> None:
    mail = letter({**SHIPPED, "language": "fi", "kind": "cancelled"}, "<notice-2@crossdock>")
    assert mail.subject == "Your order #1001 was cancelled"


async def test_the_mail_server_gets_the_letter_with_its_message_id(
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    await Mailer("127.0.0.1", port, "Shop <orders@shop.test>").send(letter(SHIPPED, "<n-3@x>"))
    [got] = box.messages
    assert got["to"] == ["ada@example.com"] and got["message_id"] == "<n-3@x>"
    assert got["subject"] == "Ihre Bestellung #1001 ist unterwegs"
    assert "00340434161234567890" in got["body"]


async def test_a_refused_recipient_is_kept_with_the_servers_reason(
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    box.refuse_next = 1
    with pytest.raises(Refused, match=r"550 5\.1\.1 mailbox unavailable"):
        await Mailer("127.0.0.1", port, "orders@shop.test").send(letter(SHIPPED, "<n-4@x>"))
    assert box.messages == []


async def test_an_unreachable_mail_server_is_tried_again_later() -> None:
    with pytest.raises(Unavailable):
        await Mailer("127.0.0.1", free_port(), "orders@shop.test", timeout=2).send(
            letter(SHIPPED, "<n-5@x>")
        )


def test_the_customer_s_language_wins_where_we_write_it() -> None:
    assert notice_language("de-DE", "en") == "de"
    assert notice_language("fr-CA", "de") == "de"  # no French letters: the channel's
    assert notice_language(None, "en") == "en"


def test_a_channel_locale_is_a_language_tag_or_nothing() -> None:
    assert [language_tag(x) for x in ("fr-FR", "pt_BR", "DE", "", None, "<b>", 7)] == [
        "fr-FR",
        "pt-BR",
        "de",
        None,
        None,
        None,
        None,
    ]


def test_a_refund_letter_says_how_much() -> None:
    refund = {
        "to": "ada@example.com",
        "kind": "refunded",
        "language": "en",
        "order": "#1001",
        "refund_amount": "7.70 USD",
    }
    mail = letter(refund, "<r1@crossdock>")
    assert mail.subject == "A refund for your order #1001"
    assert "refunded 7.70 USD for your order #1001" in mail.body
