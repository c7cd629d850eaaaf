"""BigCommerce refunds mapped to the canonical refund (platforms/bigcommerce.py), amounts
worked by hand: the goods part and the tax shared among the refunded products in
proportion to their price ex tax, the remainder to the last, adding up to the cent."""

import pytest

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.domain import MappingError
from services.storefront_gateway.platforms.bigcommerce import BigCommerceRefund, map_refund
from shared.events.returns import RefundIssued
from simulators.bigcommerce_payloads import bigcommerce_refund
from tests.support.keys import TEST_ORDER_ID_KEY

CHANNEL = ChannelConfig(
    id="bc", platform=Platform.BIGCOMMERCE, shop="stores/abc", secret_env="X", mapping="m.yaml"
).keyed(TEST_ORDER_ID_KEY)
PRODUCTS = [
    {"id": 11, "sku": "MUG", "quantity": 1, "price_ex_tax": "10.0000"},
    {"id": 12, "sku": "TEE", "quantity": 2, "price_ex_tax": "5.0000"},
    {"id": 13, "sku": "CAP", "quantity": 3, "price_ex_tax": "3.3333"},
]


def product(item_id: int, quantity: int) -> dict[str, object]:
    return {"item_type": "PRODUCT", "item_id": item_id, "quantity": quantity}


def mapped(items: list[dict[str, object]], total: str, tax: str) -> RefundIssued:
    raw = bigcommerce_refund(77, 1001, items, total=total, tax=tax)
    event = map_refund(BigCommerceRefund.model_validate(raw), PRODUCTS, CHANNEL, "USD").event
    assert isinstance(event, RefundIssued)
    return event


def test_two_products_share_the_goods_and_the_tax_by_their_price() -> None:
    # 10.00 x 1 and 5.00 x 2 back, 8% tax: 20.00 of goods, 1.60 of tax, 21.60 in all.
    refund = mapped([product(11, 1), product(12, 2)], total="21.60", tax="1.60")
    lines = [(x.line_ref, x.sku, x.quantity, x.amount_minor, x.tax_minor) for x in refund.lines]
    assert lines == [("11", "MUG", 1, 1000, 80), ("12", "TEE", 2, 1000, 80)]
    assert (refund.shipping_minor, refund.total_minor, refund.refund_ref) == (0, 2160, "77")


def test_a_share_that_does_not_divide_gives_the_remainder_to_the_last_line() -> None:
    # Three caps at 3.3333 and one mug at 10.00 weigh alike: 10.00 of goods, 0.01 of tax.
    refund = mapped([product(13, 3), product(11, 1)], total="10.01", tax="0.01")
    assert [(x.amount_minor, x.tax_minor) for x in refund.lines] == [(499, 0), (501, 1)]
    assert sum(x.amount_minor + x.tax_minor for x in refund.lines) == 1001


def test_shipping_and_an_order_level_amount() -> None:
    shipping = {"item_type": "SHIPPING", "item_id": 1, "requested_amount": 6.0}
    refund = mapped([product(11, 1), shipping], total="16.80", tax="0.80")
    assert (refund.lines[0].amount_minor, refund.lines[0].tax_minor) == (1000, 80)
    assert refund.shipping_minor == 600

    goodwill = {"item_type": "ORDER", "item_id": 1001, "requested_amount": 5.0}
    money_only = mapped([goodwill], total="5.00", tax="0")
    [line] = money_only.lines
    assert (line.line_ref, line.sku, line.quantity, line.amount_minor) == ("order", None, 0, 500)


def test_a_refund_of_a_product_not_on_the_order_or_beyond_its_total_is_refused() -> None:
    with pytest.raises(MappingError, match="not on the order"):
        mapped([product(99, 1)], total="10.80", tax="0.80")
    with pytest.raises(MappingError, match="exceed the total"):
        mapped([product(11, 1)], total="0.50", tax="0.80")
