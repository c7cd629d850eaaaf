import pytest

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.domain import MappingError
from tests.support.keys import TEST_ORDER_ID_KEY
from tests.support.platform_mapping import by_platform

MARKET = ChannelConfig(
    id="market", platform=Platform.MARKETPLACE, shop="S1", secret_env="X", sku_aliases={"M-1": "A"}
).keyed(TEST_ORDER_ID_KEY)
POS = ChannelConfig(
    id="pos", platform=Platform.POS, shop="P1", secret_env="X", pos_locations={"soho": "store-1"}
).keyed(TEST_ORDER_ID_KEY)


def order(**overrides: object) -> dict:
    base = {
        "order_id": "MKT-1",
        "currency": "USD",
        "items": [
            {
                "seller_sku": "M-1",
                "title": "Tasse à café",
                "quantity": 2,
                "item_price": "24.00",
                "item_tax": 2.4,
            }
        ],
        "shipping_price": 5,
        "order_total": "31.40",
        "ship_to": {"country_code": "US"},
    }
    return base | overrides


def test_marketplace_line_totals_map_to_minor_units_from_strings_and_numbers() -> None:
    event = by_platform(order(), MARKET).event
    [line] = event.lines
    assert (line.sku, line.quantity, line.gross_minor, line.tax_minor) == ("A", 2, 2400, 240)
    assert line.title == "Tasse à café"
    assert event.totals.total_minor == 3140 and event.totals.shipping_minor == 500


def test_a_marketplace_line_without_seller_sku_is_kept_unmapped_with_a_reason() -> None:
    items = [{"title": "Mystery", "quantity": 1, "item_price": "26.40"}]
    event = by_platform(order(items=items), MARKET).event
    reason = event.unmapped_lines[0].reason
    assert not event.lines and "line 'Mystery'" in reason and "seller_sku" in reason


def test_a_marketplace_order_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(MappingError, match="total"):
        by_platform(order(order_total="99.00"), MARKET)


def sale(**overrides: object) -> dict:
    base = {
        "sale_id": "S-1",
        "outlet_id": "soho",
        "currency": "USD",
        "tax_inclusive": True,
        "lines": [
            {"sku": "A", "name": "Mug", "quantity": 1, "line_total_minor": 1200, "tax_minor": 100}
        ],
        "total_minor": 1200,
        "total_tax_minor": 100,
    }
    return base | overrides


def test_a_pos_sale_is_a_counter_sale_at_the_outlets_location() -> None:
    event = by_platform(sale(), POS).event
    assert event.sold_at_location == "store-1"
    assert event.totals.taxes_included and event.totals.total_minor == 1200


def test_a_sale_from_an_unmapped_outlet_cannot_be_placed() -> None:
    with pytest.raises(MappingError, match="'airport' is not mapped to a location"):
        by_platform(sale(outlet_id="airport"), POS)
