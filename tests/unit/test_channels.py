from pathlib import Path

import pytest

from services.storefront_gateway.channels import ChannelConfig, ChannelError, Channels, Platform
from services.storefront_gateway.domain import order_id_for
from services.storefront_gateway.intake.signatures import is_valid, sign
from tests.support.keys import TEST_ORDER_ID_KEY

CONFIG = """
channels:
  - {id: main, platform: shopify, shop: Main.myshopify.com, secret_env: MAIN_SECRET}
  - {id: eu, platform: woocommerce, shop: "https://eu.test/", secret_env: EU_SECRET}
"""


def load(tmp_path: Path, text: str, env: dict[str, str]) -> Channels:
    path = tmp_path / "channels.yaml"
    path.write_text(text)
    return Channels.load(path, {"CROSSDOCK_ORDER_ID_KEY": TEST_ORDER_ID_KEY.decode(), **env})


def test_order_ids_are_stable_per_key_and_unguessable_without_it(tmp_path) -> None:
    channel = load(tmp_path, CONFIG, {"MAIN_SECRET": "a", "EU_SECRET": "b"}).by_id("main")
    other_key = ChannelConfig.model_validate(channel.model_dump()).keyed(b"k" * 32)
    assert order_id_for(channel, "1001") == order_id_for(channel, "1001")
    assert order_id_for(channel, "1001") != order_id_for(channel, "1002")
    assert order_id_for(channel, "1001") != order_id_for(other_key, "1001")


def test_channels_without_the_order_id_key_do_not_load(tmp_path) -> None:
    path = tmp_path / "channels.yaml"
    path.write_text(CONFIG)
    with pytest.raises(ChannelError, match="CROSSDOCK_ORDER_ID_KEY"):
        Channels.load(path, {"MAIN_SECRET": "a", "EU_SECRET": "b"})


def test_channels_are_found_by_platform_and_shop_case_and_slash_insensitively(tmp_path) -> None:
    channels = load(tmp_path, CONFIG, {"MAIN_SECRET": "a", "EU_SECRET": "b"})
    assert channels.find(Platform.SHOPIFY, "main.myshopify.com").id == "main"
    assert channels.find(Platform.WOOCOMMERCE, "https://eu.test").id == "eu"
    assert channels.find(Platform.WOOCOMMERCE, "main.myshopify.com") is None


def test_a_missing_secret_is_an_error_at_load_time_naming_the_variable(tmp_path) -> None:
    with pytest.raises(ChannelError, match="EU_SECRET"):
        load(tmp_path, CONFIG, {"MAIN_SECRET": "a"})


def test_an_unknown_field_in_the_channel_file_is_an_error(tmp_path) -> None:
    text = "channels:\n  - {id: x, platform: shopify, shop: s, secret_env: S, colour: red}\n"
    with pytest.raises(ChannelError, match="colour"):
        load(tmp_path, text, {"S": "a"})


def test_signature_is_checked_over_the_exact_raw_bytes() -> None:
    body = b'{"id": 1}'
    signature = sign(b"secret", body)
    assert is_valid(b"secret", body, signature)
    assert not is_valid(b"secret", b'{"id":1}', signature)
    assert not is_valid(b"other", body, signature)
    assert not is_valid(b"secret", body, None)
