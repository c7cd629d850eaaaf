import pytest

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.domain import MappingError, order_id_for
from shared.events.orders import LineKind
from simulators.storefronts import Line, shopify_order
from tests.support.keys import TEST_ORDER_ID_KEY
from tests.support.platform_mapping import by_platform

CHANNEL = ChannelConfig(
    id="shop",
    platform=Platform.SHOPIFY,
    shop="s.myshopify.com",
    secret_env="X",
    variant_skus={"111": "SKU-FROM-VARIANT"},
    sku_aliases={"OLD-1": "NEW-1"},
).keyed(TEST_ORDER_ID_KEY)


def mapped(payload: dict):
    return by_platform(payload, CHANNEL).event


def test_maps_lines_money_and_totals_into_minor_units() -> None:
    event = mapped(shopify_order(1001, [Line("A", 2, "19.99")], shipping="5.00", tax_rate="0.10"))
    line = event.lines[0]
    assert (line.sku, line.quantity, line.gross_minor, line.tax_minor) == ("A", 2, 3998, 400)
    assert event.totals.total_minor == 3998 + 400 + 500
    assert event.order_id == order_id_for(CHANNEL, "1001")


def test_line_without_sku_is_mapped_through_the_variant_table() -> None:
    event = mapped(shopify_order(1, [Line(None, 1, "1.00", variant_id=111)]))
    assert event.lines[0].sku == "SKU-FROM-VARIANT"


def test_channel_sku_alias_is_translated_to_the_crossdock_sku() -> None:
    assert mapped(shopify_order(1, [Line("OLD-1", 1, "1.00")])).lines[0].sku == "NEW-1"


def test_unknown_line_is_unmapped_with_a_reason_but_still_counts_in_the_money() -> None:
    event = mapped(shopify_order(1, [Line("A", 1, "10.00"), Line(None, 1, "5.00", variant_id=9)]))
    assert [line.sku for line in event.lines] == ["A"]
    assert "unknown channel:variant_skus '9'" in event.unmapped_lines[0].reason
    assert event.totals.items_minor == 1500


def test_tip_that_needs_no_shipping_is_a_non_stock_line() -> None:
    event = mapped(shopify_order(1, [Line(None, 1, "3.00", title="Tip", requires_shipping=False)]))
    assert event.lines[0].kind is LineKind.NON_STOCK
    assert event.stock_lines == ()


def test_taxes_included_in_prices_reconcile_without_adding_tax_twice() -> None:
    payload = shopify_order(1, [Line("A", 1, "11.00")], shipping="0.00", tax_rate="0")
    payload.update(taxes_included=True, total_tax="1.00", total_price="11.00")
    assert mapped(payload).totals.total_minor == 1100


def test_discounts_are_explicit_on_the_line_and_in_the_totals() -> None:
    payload = shopify_order(1, [Line("A", 2, "10.00")], shipping="0.00", tax_rate="0")
    payload["line_items"][0]["discount_allocations"] = [{"amount": "2.50"}]
    payload.update(total_discounts="2.50", total_price="17.50")
    event = mapped(payload)
    assert event.lines[0].discount_minor == 250
    assert event.totals.discount_minor == 250


def test_money_as_numbers_is_accepted_like_money_as_strings() -> None:
    payload = shopify_order(1, [Line("A", 1, "10.00")], shipping="0.00", tax_rate="0")
    payload["line_items"][0]["price"] = 10
    payload["total_price"] = 10.0
    assert mapped(payload).totals.total_minor == 1000


def test_totals_that_do_not_reconcile_are_a_mapping_error() -> None:
    payload = {**shopify_order(1, [Line("A", 1, "1.00")]), "total_price": "2.00"}
    with pytest.raises(MappingError, match="do not reconcile"):
        mapped(payload)


def test_amount_with_too_many_decimals_is_a_mapping_error_naming_the_field() -> None:
    payload = shopify_order(1, [Line("A", 1, "1.001")])
    with pytest.raises(
        MappingError, match=r"order.lines\[0\].gross: '1.001' has more decimals than USD allows"
    ):
        mapped(payload)


def test_a_lowercase_currency_code_is_read_as_the_iso_code() -> None:
    assert mapped(shopify_order(1, [Line("A", 1, "1.00")], currency="usd")).currency == "USD"


def test_an_unknown_currency_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="currency"):
        mapped(shopify_order(1, [Line("A", 1, "1.00")], currency="XYZ"))
