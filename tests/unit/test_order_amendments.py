"""Amendments: an edited order as the channels document it, what counts as a change, and
the order-router's reading of one."""

from datetime import UTC, datetime, timedelta, timezone

from services.order_router.domain import amended, amended_parts
from services.storefront_gateway.domain import amendment_digest
from services.storefront_gateway.intake.amendments import amended_at, amendment_of
from simulators.storefronts import SHOPIFY_ADDRESS, Line, shopify_order
from tests.unit.test_shopify_mapping import mapped

# orders/updated after an order edit, as the Order resource documents it (REST Admin API
# 2025-10, https://shopify.dev/docs/api/admin-rest/2025-10/resources/order): a removed
# line stays with `current_quantity` 0, a reduced one keeps its `quantity` and says what
# is left in `current_quantity` (changelog "Addition of LineItem current_quantity on
# Admin REST API", 2024-01), an added one is a new line; `total_price` is the order as
# placed, `current_total_price` "reflects order edits, returns, and refunds".
EDITED = {
    **shopify_order(5001, [Line("MUG", 2, "10.00"), Line("CUP", 3, "4.00")], tax_rate="0"),
    "updated_at": "2026-11-28T11:00:00-05:00",
}
EDITED["line_items"] = [
    {**EDITED["line_items"][0], "current_quantity": 0},
    {**EDITED["line_items"][1], "current_quantity": 1},
    {
        **EDITED["line_items"][1],
        "id": 500109,
        "sku": "BOWL",
        "quantity": 1,
        "current_quantity": 1,
        "price": "6.00",
    },
]
EDITED |= {
    "current_total_price": "15.00",
    "current_total_tax": "0.00",
    "current_total_discounts": "0.00",
    "current_subtotal_price": "10.00",
}


def test_an_edited_shopify_order_maps_to_what_is_left_and_its_current_totals() -> None:
    event = mapped(EDITED)
    assert [(line.sku, line.quantity) for line in event.lines] == [("CUP", 1), ("BOWL", 1)]
    assert (event.totals.items_minor, event.totals.total_minor) == (1000, 1500)


def test_an_unedited_order_maps_as_placed_when_current_fields_are_absent() -> None:
    placed = shopify_order(5002, [Line("MUG", 2, "10.00")], tax_rate="0")
    assert [(line.sku, line.quantity) for line in mapped(placed).lines] == [("MUG", 2)]


def test_only_what_the_hub_carries_changes_the_digest() -> None:
    payload = shopify_order(5003, [Line("MUG", 1, "10.00")])
    before = amendment_digest(mapped(payload))
    assert amendment_digest(mapped({**payload, "tags": "vip", "updated_at": "later"})) == before
    moved = {**payload, "shipping_address": {**SHOPIFY_ADDRESS, "zip": "10001"}}
    assert amendment_digest(mapped(moved)) != before
    assert amendment_digest(amendment_of(mapped(payload), None)) == before


def test_the_channels_modification_times_are_read_with_their_zones() -> None:
    shopify = amended_at({"updated_at": "2026-11-28T11:00:00-05:00"})
    assert shopify == datetime(2026, 11, 28, 11, tzinfo=timezone(timedelta(hours=-5)))
    assert amended_at({"date_modified_gmt": "2026-11-28T16:00:00"}) == datetime(
        2026, 11, 28, 16, tzinfo=UTC
    )
    assert amended_at({"updated_at": "not a time"}) is None


def test_the_router_tells_a_warehouse_change_from_a_price_change() -> None:
    placed = mapped(shopify_order(5004, [Line("MUG", 2, "10.00")]))
    same = amendment_of(placed, None)
    assert amended_parts(placed, same) == ()
    noted = same.model_copy(update={"customer_note": "ring twice"})
    assert amended_parts(placed, noted) == ("customer_note",)
    fewer = amendment_of(mapped(shopify_order(5004, [Line("MUG", 1, "10.00")])), None)
    assert amended_parts(placed, fewer) == ("lines",)
    cheaper = amendment_of(mapped(shopify_order(5004, [Line("MUG", 2, "9.00")])), None)
    assert amended_parts(placed, cheaper) == ("prices",)
    assert amended(placed, fewer).stock_lines[0].quantity == 1
    assert amended(placed, noted).customer_note == "ring twice"
