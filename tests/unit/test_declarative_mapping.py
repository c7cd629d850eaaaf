"""Declarative mappings: loaded with file-and-line errors, applied to realistic payloads."""

import json
from pathlib import Path

import pytest

from services.storefront_gateway.channels import ChannelConfig, Platform
from services.storefront_gateway.domain import MappingError, order_id_for
from services.storefront_gateway.mapping.engine import Mapper
from services.storefront_gateway.mapping.spec import MappingFileError, load_mapping
from shared.events.orders import OrderCancellationRequested, OrderPlaced
from tests.support.keys import TEST_ORDER_ID_KEY

ROOT = Path(__file__).resolve().parents[2]
SPEC = load_mapping(ROOT / "config" / "mappings" / "social-shop.yaml")
CHANNEL = ChannelConfig(
    id="social-shop",
    platform=Platform.JSON,
    shop="SOC-1",
    secret_env="X",
    mapping=ROOT / "config" / "mappings" / "social-shop.yaml",
).keyed(TEST_ORDER_ID_KEY)
ITEMS = {"IT-1001": "TEE-BLK-M", "IT-2001": "MUG-WHT"}


async def resolve(table: str, value: str) -> str | None:
    return ITEMS.get(value) if table == "item_number" else None


def payload(name: str) -> dict:
    return json.loads((ROOT / "tests" / "fixtures" / "social" / name).read_text())


async def test_an_order_maps_money_from_strings_and_numbers_and_items_through_the_xref() -> None:
    event = (await Mapper(SPEC, resolve).map(payload("order_placed.json"), CHANNEL)).event
    assert isinstance(event, OrderPlaced)
    assert event.order_id == order_id_for(CHANNEL, "5762201")
    assert [(x.sku, x.quantity, x.gross_minor, x.tax_minor) for x in event.lines] == [
        ("TEE-BLK-M", 2, 3500, 315),
        ("MUG-WHT", 1, 1600, 234),
    ]
    assert event.lines[1].title == "Mug 白" and event.customer_email == "zoë@example.com"
    assert (event.totals.shipping_minor, event.totals.total_minor) == (499, 6148)


async def test_an_unknown_item_number_names_the_line_and_the_value() -> None:
    with pytest.raises(MappingError, match=r"order.lines\[0\].sku: unknown item_number 'ABC-1'"):
        await Mapper(SPEC, resolve).map(payload("order_unknown_item.json"), CHANNEL)


async def test_a_cancellation_maps_with_its_reason() -> None:
    event = (await Mapper(SPEC, resolve).map(payload("order_cancelled.json"), CHANNEL)).event
    assert isinstance(event, OrderCancellationRequested)
    assert event.reason == "buyer changed their mind"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d["data"]["payment"].pop("total"), "order.total: missing"),
        (
            lambda d: d["data"]["items"][0].update(quantity="two"),
            r"order.lines\[0\].quantity: 'two' is not a whole number",
        ),
        (lambda d: d["data"]["payment"].update(currency="DOLLARS"), "currency"),
        (
            lambda d: d["data"]["items"][0].update(unit_price="17.505"),
            r"order.lines\[0\].gross: '17.505' has more decimals",
        ),
        (lambda d: d["data"]["payment"].update(total="99.00"), "total"),
        (lambda d: d.update(type="ORDER_SHIPPED"), "kind: 'ORDER_SHIPPED' is not handled"),
    ],
)
async def test_a_payload_that_cannot_be_mapped_says_which_field_and_why(
    change, reason: str
) -> None:
    data = payload("order_placed.json")
    change(data)
    with pytest.raises(MappingError, match=reason):
        await Mapper(SPEC, resolve).map(data, CHANNEL)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    return path


def test_a_mapping_with_an_unknown_key_fails_at_load_with_its_line(tmp_path: Path) -> None:
    text = (ROOT / "config" / "mappings" / "social-shop.yaml").read_text()
    broken = text.replace(
        '  ship_to_country: "data.recipient.region_code"', '  ship_to_countyr: "x"'
    )
    line = broken.splitlines().index('  ship_to_countyr: "x"') + 1
    with pytest.raises(
        MappingFileError, match=rf"m.yaml:{line}: order.ship_to_countyr: Extra inputs"
    ):
        load_mapping(write(tmp_path, broken))


def test_a_mapping_missing_a_required_target_fails_at_load(tmp_path: Path) -> None:
    text = (ROOT / "config" / "mappings" / "social-shop.yaml").read_text()
    broken = text.replace('  total: {path: "data.payment.total", money: true}\n', "")
    with pytest.raises(MappingFileError, match=r"order.total: Field required"):
        load_mapping(write(tmp_path, broken))


def test_a_mapping_with_a_bad_expression_or_type_fails_at_load(tmp_path: Path) -> None:
    text = (ROOT / "config" / "mappings" / "social-shop.yaml").read_text()
    bad_path = text.replace('"data.recipient.region_code"', '"data.recipient[["')
    with pytest.raises(MappingFileError, match="not a JMESPath expression"):
        load_mapping(write(tmp_path, bad_path))
    bad_type = text.replace('{path: "quantity", type: int}', '{path: "quantity", type: float}')
    with pytest.raises(
        MappingFileError, match=r"m.yaml:\d+: order.lines.0.quantity.type: Input should be"
    ):
        load_mapping(write(tmp_path, bad_type))
