from pathlib import Path

import pytest

from services.storefront_gateway.channels import ChannelError, Channels, Platform
from services.storefront_gateway.signatures import is_valid, sign

CONFIG = """
channels:
  - {id: main, platform: shopify, shop: Main.myshopify.com, secret_env: MAIN_SECRET}
  - {id: eu, platform: woocommerce, shop: "https://eu.test/", secret_env: EU_SECRET}
"""


def load(tmp_path: Path, text: str, env: dict[str, str]) -> Channels:
    path = tmp_path / "channels.yaml"
    path.write_text(text)
    return Channels.load(path, env)


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
