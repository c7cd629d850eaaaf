"""Where a SHIP_NOTIFY's resource_url is fetched from: ShipStation's documented API hosts
(`https://ssapi.shipstation.com/`, V1 API reference, Production Server; `ssapiN` shards)
lend only their path and query — the fetch goes to the configured API — and the items
are always asked for; anything else is refused."""

from pydantic import SecretStr

from services.shipping_bridge.shipstation import ShipStationSettings, fetch_url


def settings(api_url: str = "http://127.0.0.1:9401") -> ShipStationSettings:
    secret = SecretStr("x")
    return ShipStationSettings(
        api_url=api_url, api_key=secret, api_secret=secret, fulfiller="tpl-b", token=secret
    )


def test_a_documented_host_lends_its_path_to_the_configured_api() -> None:
    url = "https://ssapi.shipstation.com/shipments?batchId=12345&includeShipmentItems=False"
    assert fetch_url(url, settings()) == (
        "http://127.0.0.1:9401/shipments?batchId=12345&includeShipmentItems=True"
    )
    shard = "https://ssapi6.shipstation.com/shipments?batchId=9"
    assert fetch_url(shard, settings()) == (
        "http://127.0.0.1:9401/shipments?batchId=9&includeShipmentItems=True"
    )


def test_a_proxy_s_path_prefix_is_kept_once() -> None:
    proxy = settings("https://proxy.example/shipstation")
    assert fetch_url("https://ssapi.shipstation.com/shipments?batchId=1", proxy) == (
        "https://proxy.example/shipstation/shipments?batchId=1&includeShipmentItems=True"
    )
    own = "https://proxy.example/shipstation/shipments?batchId=2"
    assert fetch_url(own, proxy) == (
        "https://proxy.example/shipstation/shipments?batchId=2&includeShipmentItems=True"
    )


def test_anything_else_is_refused() -> None:
    for url in (
        "http://ssapi.shipstation.com/shipments",  # not over TLS
        "https://ssapi.shipstation.com:8443/shipments",
        "https://ssapi.shipstation.com.evil.test/shipments",
        "https://evil.test/shipments",
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:9999/shipments",
    ):
        assert fetch_url(url, settings()) is None, url
