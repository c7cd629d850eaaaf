"""The Shopify and WooCommerce mapping files say what the built-in mappings do: the same
payloads, awkward ones included, give the same canonical orders."""

from pathlib import Path
from typing import Any

import pytest

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.mapping.engine import Mapper
from services.storefront_gateway.mapping.spec import load_mapping
from services.storefront_gateway.platforms import shopify, woocommerce
from simulators.storefronts import Line, shopify_order, woocommerce_order
from tests.support.keys import TEST_ORDER_ID_KEY

ROOT = Path(__file__).resolve().parents[2]
SHOP = ChannelConfig(
    id="shop",
    platform=Platform.SHOPIFY,
    shop="s.myshopify.com",
    secret_env="X",
    variant_skus={"111": "SKU-FROM-VARIANT"},
    sku_aliases={"OLD-1": "NEW-1"},
    pos_locations={"5001": "store-soho"},
).keyed(TEST_ORDER_ID_KEY)
WOO = ChannelConfig(
    id="woo",
    platform=Platform.WOOCOMMERCE,
    shop="https://w.test",
    secret_env="X",
    variant_skus={"222": "SKU-FROM-PRODUCT"},
    sku_aliases={"MUG-01": "MUG-WHT"},
).keyed(TEST_ORDER_ID_KEY)


def comparable(event: Any) -> dict[str, Any]:
    found = event.model_dump(mode="json", exclude={"event_id", "occurred_at", "correlation_id"})
    for line in found.get("unmapped_lines", []):
        line.pop("reason")  # each names the failure in its own words
    return found


def shopify_cases() -> list[dict[str, Any]]:
    plain = shopify_order(
        1001, [Line("A", 2, "19.99"), Line("OLD-1", 1, "5.00", title="Zoë's mug")]
    )
    by_variant = shopify_order(1002, [Line(None, 1, "9.00", variant_id=111)])
    unmapped = shopify_order(1003, [Line("A", 1, "10.00"), Line(None, 1, "3.00", title="Mystery")])
    tip = shopify_order(
        1004, [Line("A", 1, "10.00"), Line(None, 1, "2.00", title="Tip", requires_shipping=False)]
    )
    discounted = shopify_order(1005, [Line("A", 2, "10.00")])
    discounted["line_items"][0]["discount_allocations"] = [{"amount": "1.50"}, {"amount": 0.5}]
    discounted["total_discounts"] = "2.00"
    discounted["total_price"] = str(round(float(discounted["total_price"]) - 2, 2))
    pos = shopify_order(1006, [Line("A", 1, "10.00")])
    pos.update(source_name="pos", location_id=5001)
    included = shopify_order(1007, [Line("A", 1, "11.00")], tax_rate="0")
    included.update(taxes_included=True)
    return [plain, by_variant, unmapped, tip, discounted, pos, included]


@pytest.mark.parametrize("payload", shopify_cases(), ids=lambda p: str(p["id"]))
async def test_the_shopify_file_maps_as_the_built_in_mapping(payload: dict[str, Any]) -> None:
    built_in = shopify.map_order(shopify.ShopifyOrder.model_validate(payload), SHOP).event
    spec = load_mapping(ROOT / "config" / "mappings" / "shopify-orders.yaml")
    declared = (await Mapper(spec).map(payload, SHOP)).event
    assert comparable(declared) == comparable(built_in)


def woo_cases() -> list[dict[str, Any]]:
    plain = woocommerce_order(2001, [Line("A", 2, "12.00"), Line("MUG-01", 1, "8.00")])
    fees = woocommerce_order(2002, [Line("A", 1, "12.00")], fees=[("Gift wrap", "3.50")])
    by_product = woocommerce_order(2003, [Line(None, 1, "5.00", variant_id=222)])
    unmapped = woocommerce_order(
        2004, [Line("A", 1, "5.00"), Line(None, 1, "1.00", title="Sample")]
    )
    coupon = woocommerce_order(2005, [Line("A", 2, "10.00")])
    coupon["line_items"][0]["total"] = "18.00"
    coupon["discount_total"] = "2.00"
    coupon["total"] = f"{float(coupon['total']) - 2:.2f}"
    return [plain, fees, by_product, unmapped, coupon]


@pytest.mark.parametrize("payload", woo_cases(), ids=lambda p: str(p["id"]))
async def test_the_woocommerce_file_maps_as_the_built_in_mapping(payload: dict[str, Any]) -> None:
    built_in = woocommerce.map_order(woocommerce.WooOrder.model_validate(payload), WOO).event
    spec = load_mapping(ROOT / "config" / "mappings" / "woocommerce-orders.yaml")
    declared = (await Mapper(spec).map(payload, WOO)).event
    assert comparable(declared) == comparable(built_in)


MARKET = ChannelConfig(
    id="market", platform=Platform.MARKETPLACE, shop="S1", secret_env="X", sku_aliases={"M-1": "A"}
).keyed(TEST_ORDER_ID_KEY)
POS = ChannelConfig(
    id="pos", platform=Platform.POS, shop="P1", secret_env="X", pos_locations={"soho": "store-1"}
).keyed(TEST_ORDER_ID_KEY)


def market_order(**overrides: Any) -> dict[str, Any]:
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
            },
            {"seller_sku": "B", "title": "Bowl", "quantity": 1, "item_price": 10, "item_tax": "0"},
        ],
        "shipping_price": 5,
        "order_total": "41.40",
        "ship_to": {"country_code": "US"},
        "buyer": {"email": "b@m.test"},
    }
    return base | overrides


@pytest.mark.parametrize(
    "payload",
    [
        market_order(),
        market_order(
            items=[{"title": "No SKU", "quantity": 1, "item_price": "5.00"}], order_total="10.00"
        ),
    ],
    ids=["plain", "without-sku"],
)
async def test_the_marketplace_file_maps_as_the_built_in_mapping(payload: dict[str, Any]) -> None:
    from services.storefront_gateway.platforms import marketplace

    built_in = marketplace.map_order(
        marketplace.MarketplaceOrder.model_validate(payload), MARKET
    ).event
    spec = load_mapping(ROOT / "config" / "mappings" / "marketplace-orders.yaml")
    assert comparable((await Mapper(spec).map(payload, MARKET)).event) == comparable(built_in)


def sale(**overrides: Any) -> dict[str, Any]:
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


async def test_the_pos_file_maps_as_the_built_in_mapping_and_refuses_an_unknown_outlet() -> None:
    from services.storefront_gateway.domain import MappingError
    from services.storefront_gateway.platforms import pos

    spec = load_mapping(ROOT / "config" / "mappings" / "pos-sales.yaml")
    built_in = pos.map_sale(pos.PosSale.model_validate(sale()), POS).event
    assert comparable((await Mapper(spec).map(sale(), POS)).event) == comparable(built_in)
    with pytest.raises(MappingError, match="'airport' is not mapped to a location"):
        await Mapper(spec).map(sale(outlet_id="airport"), POS)


async def test_the_files_map_cancellations_as_the_built_in_mappings() -> None:
    order = shopify_order(3001, [Line("A", 1, "5.00")])
    order["cancel_reason"] = "customer"
    spec = load_mapping(ROOT / "config" / "mappings" / "shopify-orders.yaml")
    built_in = shopify.map_cancellation(shopify.ShopifyOrder.model_validate(order), SHOP).event
    declared = (await Mapper(spec).map(order, SHOP, "cancellation")).event
    assert comparable(declared) == comparable(built_in)
    woo = {**woocommerce_order(3002, [Line("A", 1, "5.00")]), "status": "cancelled"}
    spec = load_mapping(ROOT / "config" / "mappings" / "woocommerce-orders.yaml")
    built_in = woocommerce.map_cancellation(woocommerce.WooOrder.model_validate(woo), WOO).event
    declared = (await Mapper(spec).map(woo, WOO, "cancellation")).event
    assert comparable(declared) == comparable(built_in)
