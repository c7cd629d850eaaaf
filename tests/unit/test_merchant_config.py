"""`make up` runs the merchant's own configuration where the environment names it, and
starts only the simulators that configuration refers to."""

from pathlib import Path

import pytest

from deploy.local.merchant_config import ROOT, ConfigMissing, config_files, local_ports


def test_without_a_word_the_repository_s_config_is_used_and_all_its_simulators() -> None:
    files = config_files({})
    assert files["CROSSDOCK_CHANNELS_FILE"] == ROOT / "config" / "channels.yaml"
    ports = local_ports(files, "http://127.0.0.1:9601")
    assert {9201, 9301, 9101, 9102, 9601} <= ports


def test_a_merchant_s_files_win_and_real_endpoints_need_no_simulator(tmp_path: Path) -> None:
    channels = tmp_path / "channels.yaml"
    channels.write_text(
        "channels:\n  - {id: shop, platform: shopify, shop: s.myshopify.com,"
        " secret_env: S, api_url: 'https://s.myshopify.com'}\n"
    )
    fulfillers = tmp_path / "fulfillers.yaml"
    fulfillers.write_text("fulfillers:\n  - {id: east, base_url: 'http://localhost:9102/v1'}\n")
    environ = {
        "CROSSDOCK_CHANNELS_FILE": str(channels),
        "CROSSDOCK_FULFILLERS_FILE": str(fulfillers),
    }
    files = config_files(environ)
    assert files["CROSSDOCK_CHANNELS_FILE"] == channels.resolve()
    assert files["CROSSDOCK_LOCATIONS_FILE"] == ROOT / "config" / "locations.yaml"
    ports = local_ports(
        {k: files[k] for k in ("CROSSDOCK_CHANNELS_FILE", "CROSSDOCK_FULFILLERS_FILE")},
        "https://erp.example.com",
    )
    assert ports == {9102}  # one simulated 3PL; no store, no ERP


def test_a_named_file_that_does_not_exist_stops_everything(tmp_path: Path) -> None:
    with pytest.raises(ConfigMissing, match=r"CROSSDOCK_LOCATIONS_FILE=.*no such file"):
        config_files({"CROSSDOCK_LOCATIONS_FILE": str(tmp_path / "nope.yaml")})
