"""A chart per business: channels grouped into legal entities, each with its own
postings where they differ (a clearing account per payment gateway, VAT accounts) and
its own accounting systems; a channel may override its entity's rules."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from services.accounting_poster.chart import Chart

BASE = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "config" / "accounts.yaml").read_text()
)


def chart(**more: Any) -> Chart:
    document = {**BASE, **more}
    document["accounts"] = BASE["accounts"] + [
        {"code": "1120", "name": "Stripe clearing", "type": "asset"},
        {"code": "1130", "name": "PayPal clearing", "type": "asset"},
        {"code": "2219", "name": "VAT 19 %", "type": "liability"},
    ]
    return Chart.model_validate(document)


ENTITIES = [
    {"id": "eu-gmbh", "channels": ["woo-de", "market-de"], "exports": ["xero"],
     "rules": {"receivable": "1120", "tax_accounts": {"19": "2219"}}},
]  # fmt: skip


def test_a_channel_posts_by_its_entitys_rules_and_exports_to_its_systems() -> None:
    books = chart(entities=ENTITIES, channel_rules={"market-de": {"receivable": "1130"}})
    woo, market, web = (books.rules.for_channel(c) for c in ("woo-de", "market-de", "web-us"))
    assert (woo.receivable, woo.tax_account("19"), woo.exports_to) == ("1120", "2219", ("xero",))
    assert market.receivable == "1130"  # its own gateway's clearing account
    assert market.tax_account("19") == "2219" and market.exports_to == ("xero",)
    assert web is books.rules and web.exports_to is None  # no entity: the chart, every system


@pytest.mark.parametrize(
    ("more", "why"),
    [
        ({"entities": [{**ENTITIES[0], "rules": {"receivable": "9999"}}]}, "not in the chart"),
        ({"entities": [*ENTITIES, {"id": "other", "channels": ["woo-de"]}]}, "two entities"),
        ({"entities": [{**ENTITIES[0], "exports": ["sage"]}]}, "unknown targets"),
    ],
)
def test_a_chart_that_cannot_be_right_is_refused(more: dict[str, Any], why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        chart(**more)
