"""Each platform's mapping file is the only mapping of its orders: these payloads
(awkward ones included — a line by variant only, an unmapped line, a tip, discounts,
a POS sale, tax-included prices, fees, a coupon, cancellations) keep giving the same
canonical events. The expected events in `fixtures/canonical/` are what the platforms'
former Python mappings gave, to the cent, when the files replaced them."""

import json
from pathlib import Path
from typing import Any

import pytest

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.domain import MappingError
from tests.support.keys import TEST_ORDER_ID_KEY
from tests.support.platform_mapping import by_platform

FIXTURES = Path(__file__).parent / "fixtures" / "canonical"
CHANNELS = {
    "shopify": ChannelConfig(
        id="shop",
        platform=Platform.SHOPIFY,
        shop="s.myshopify.com",
        secret_env="X",
        variant_skus={"111": "SKU-FROM-VARIANT"},
        sku_aliases={"OLD-1": "NEW-1"},
        pos_locations={"5001": "store-soho"},
    ).keyed(TEST_ORDER_ID_KEY),
    "woocommerce": ChannelConfig(
        id="woo",
        platform=Platform.WOOCOMMERCE,
        shop="https://w.test",
        secret_env="X",
        variant_skus={"222": "SKU-FROM-PRODUCT"},
        sku_aliases={"MUG-01": "MUG-WHT"},
    ).keyed(TEST_ORDER_ID_KEY),
    "marketplace": ChannelConfig(
        id="market",
        platform=Platform.MARKETPLACE,
        shop="S1",
        secret_env="X",
        sku_aliases={"M-1": "A"},
    ).keyed(TEST_ORDER_ID_KEY),
    "pos": ChannelConfig(
        id="pos",
        platform=Platform.POS,
        shop="P1",
        secret_env="X",
        pos_locations={"soho": "store-1"},
    ).keyed(TEST_ORDER_ID_KEY),
}


def comparable(event: Any) -> dict[str, Any]:
    found: dict[str, Any] = event.model_dump(
        mode="json", exclude={"event_id", "occurred_at", "correlation_id"}
    )
    for line in found.get("unmapped_lines", []):
        line.pop("reason")  # each names the failure in its own words
    return found


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_the_platforms_file_gives_the_canonical_event(path: Path) -> None:
    case = json.loads(path.read_text())
    channel = CHANNELS[path.stem.split("-")[0]]
    assert comparable(by_platform(case["payload"], channel, case["kind"]).event) == case["expected"]


def test_every_platform_with_a_file_has_cases() -> None:
    platforms = {p.stem.split("-")[0] for p in FIXTURES.glob("*.json")}
    assert platforms == set(CHANNELS)


def test_a_pos_sale_from_an_unknown_outlet_is_refused_with_its_reason() -> None:
    sale = json.loads((FIXTURES / "pos-plain.json").read_text())["payload"]
    with pytest.raises(MappingError, match="'airport' is not mapped to a location"):
        by_platform({**sale, "outlet_id": "airport"}, CHANNELS["pos"])
