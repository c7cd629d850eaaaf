from services.storefront_gateway.channels import ChannelConfig, Platform
from shared.events.orders import LineKind
from simulators.storefronts import Line, woocommerce_order
from tests.support.keys import TEST_ORDER_ID_KEY
from tests.support.platform_mapping import by_platform

CHANNEL = ChannelConfig(
    id="woo",
    platform=Platform.WOOCOMMERCE,
    shop="https://w.test",
    secret_env="X",
    hold_until_mapped=True,
).keyed(TEST_ORDER_ID_KEY)


def mapped(payload: dict):
    return by_platform(payload, CHANNEL).event


def test_fee_lines_are_non_stock_lines_counted_in_the_money() -> None:
    event = mapped(woocommerce_order(5, [Line("MUG", 2, "12.50")], fees=[("Gift wrap", "3.00")]))
    assert [(line.kind, line.gross_minor) for line in event.lines] == [
        (LineKind.STOCK, 2500),
        (LineKind.NON_STOCK, 300),
    ]
    assert event.totals.total_minor == 2500 + 300 + 490


def test_coupon_discount_is_the_difference_between_subtotal_and_total() -> None:
    payload = woocommerce_order(5, [Line("MUG", 2, "10.00")], shipping="0.00")
    payload["line_items"][0]["total"] = "15.00"
    payload.update(discount_total="5.00", total="15.00")
    event = mapped(payload)
    assert event.lines[0].discount_minor == 500
    assert event.totals.discount_minor == 500


def test_line_tax_and_shipping_tax_reconcile_with_the_order_total() -> None:
    payload = woocommerce_order(5, [Line("MUG", 1, "10.00")], shipping="5.00")
    payload["line_items"][0]["total_tax"] = "1.90"
    payload.update(total_tax="2.85", shipping_tax="0.95", total="17.85")
    assert mapped(payload).totals.tax_minor == 285


def test_empty_sku_without_a_known_product_is_unmapped_and_policy_is_carried() -> None:
    event = mapped(
        woocommerce_order(5, [Line(None, 1, "4.00", title="Ünïcödé Tasse", variant_id=55)])
    )
    assert event.unmapped_lines[0].title == "Ünïcödé Tasse"
    assert event.hold_until_mapped is True


def test_order_name_uses_the_store_order_number() -> None:
    assert mapped(woocommerce_order(77, [Line("A", 1, "1.00")])).channel_order_name == "#77"
