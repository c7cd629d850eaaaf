"""The configuration files a test hub's services read: the chart of accounts and its
exports, the channels, the file feeds, the locations and the fulfillers — each written
into the hub's own directory, pointing at the hub's own simulators."""

from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from tests.support.hub import Hub

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = ROOT / "config" / "mappings"
MARKET_SELLER = "SELLER-T1"
POS_ACCOUNT = "POS-ACCT-T1"
SOCIAL_SHOP = "SOC-T1"
BC_STORE = "bcstore1"
EDI_PARTNER = "RETAILER01"
CUSTOM_SHOP = "custom-mapped.myshopify.com"
FULFILLERS = ("tpl-a", "tpl-b")


def env_name(fulfiller: str) -> str:
    return "TEST_" + fulfiller.upper().replace("-", "_")


def write_all(hub: "Hub", known_hosts: Path) -> None:
    write_chart(hub)
    write_channels(hub)
    write_custom_mapping(hub.workdir)
    (hub.workdir / "tokens.yaml").write_text("tokens: []\n")
    write_feeds(hub, known_hosts)
    write_locations(hub.workdir)
    write_fulfillers(hub)


def write_chart(hub: "Hub") -> None:
    chart = yaml.safe_load((ROOT / "config" / "accounts.yaml").read_text())
    # VAT at 7 % and 19 % on accounts of their own, as a German chart has them.
    chart["accounts"] += [
        {"code": "2207", "name": "VAT 7 %", "type": "liability"},
        {"code": "2219", "name": "VAT 19 %", "type": "liability"},
    ]
    chart["rules"]["tax_accounts"] = {"7": "2207", "19%": "2219"}
    # Two legal entities: the BigCommerce store belongs to the European company, which
    # books into its Xero tenant only, its payments cleared through their own account;
    # every other channel to the US company, into both systems (QuickBooks takes USD).
    chart["accounts"].append(
        {"code": "1120", "name": "Payment clearing (EU gateway)", "type": "asset"}
    )
    chart["entities"] = [
        {"id": "eu-gmbh", "channels": ["bc-test"], "exports": ["xero"],
         "rules": {"receivable": "1120"}},
    ]  # fmt: skip
    books = hub.url("accounting-api", "")
    chart["exports"] = [
        {
            "id": "quickbooks",
            "kind": "quickbooks",
            "base_url": books,
            "company": "4620816365",
            "token_env": "TEST_QBO_TOKEN",
            "currency": "USD",
        },
        {
            "id": "xero",
            "kind": "xero",
            "base_url": books,
            "company": "tenant-test",
            # Xero by OAuth 2.0: short-lived access tokens from its token endpoint.
            "oauth": {
                "token_url": f"{books}/connect/token",
                "client_id_env": "TEST_XERO_CLIENT_ID",
                "client_secret_env": "TEST_XERO_CLIENT_SECRET",
                "refresh_token_env": "TEST_XERO_REFRESH",
            },
        },
    ]
    (hub.workdir / "accounts.yaml").write_text(yaml.safe_dump(chart))


def write_channels(hub: "Hub") -> None:
    store = hub.url("storefront-api", "")
    (hub.workdir / "channels.yaml").write_text(
        "channels:\n"
        f"  - {{id: shopify-test, platform: shopify, shop: {hub.shop},"
        " secret_env: TEST_SHOPIFY_SECRET, variant_skus: {'777': SKU-BY-VARIANT},"
        " pos_locations: {'8801': wh-2},"
        f" api_url: '{store}', api_token_env: TEST_SHOPIFY_TOKEN,"
        " stock: {platform_location_id: 'gid://shopify/Location/1', drift_grace_seconds: 1,"
        " counted_locations: {'8801': wh-2},"
        " requests_per_second: 8, burst: 20}, currency: USD}\n"
        f"  - {{id: woo-test, platform: woocommerce, shop: '{hub.woo}',"
        " secret_env: TEST_WOO_SECRET, hold_until_mapped: true, backorder_when_short: true,"
        f" api_url: '{store}', api_token_env: TEST_WOO_API,"
        " stock: {buffer: 1, requests_per_second: 20, burst: 40}, currency: USD}\n"
        # The marketplace allows 2 calls/s (bursts of 4): the hub keeps under it.
        f"  - {{id: market-test, platform: marketplace, shop: {MARKET_SELLER},"
        f" secret_env: TEST_MARKET_SECRET, api_url: '{hub.url('marketplace', '')}',"
        " api_token_env: TEST_MARKET_TOKEN,"
        " stock: {buffer: '10%', requests_per_second: 1.8, burst: 3}, currency: USD}\n"
        f"  - {{id: pos-test, platform: pos, shop: {POS_ACCOUNT},"
        f" secret_env: TEST_POS_SECRET, api_url: '{hub.url('pos', '')}',"
        " api_token_env: TEST_POS_TOKEN, pos_locations: {outlet-1: wh-2},"
        " stock: {locations: [wh-2], platform_location_id: outlet-1,"
        " requests_per_second: 8, burst: 10}, currency: USD}\n"
        f"  - {{id: social-test, platform: json, shop: {SOCIAL_SHOP},"
        f" secret_env: TEST_SOCIAL_SECRET, mapping: '{MAPPINGS / 'social-shop.yaml'}',"
        " customer_notices: crossdock, notice_language: de}\n"
        f"  - {{id: bc-test, platform: bigcommerce, shop: 'stores/{BC_STORE}',"
        f" secret_env: TEST_BC_HEADER, api_url: '{store}/stores/{BC_STORE}',"
        f" api_token_env: TEST_BC_TOKEN, mapping: '{MAPPINGS / 'bigcommerce.yaml'}',"
        " stock: {requests_per_second: 5, burst: 10}, currency: USD}\n"
        f"  - {{id: edi-test, platform: edi, shop: {EDI_PARTNER}, secret_env: TEST_EDI_HUB,"
        f" api_url: '{hub.url('edi_partner', '/as2/inbound')}',"
        " api_token_env: TEST_EDI_PARTNER}\n"
        "  - {id: wholesale-test, platform: feed, shop: wholesale}\n"
        f"  - {{id: shopify-custom, platform: shopify, shop: {CUSTOM_SHOP},"
        " secret_env: TEST_SHOPIFY_SECRET, customer_notices: crossdock,"
        f" mapping: '{hub.workdir / 'shopify-custom.yaml'}'}}\n"
    )


def write_custom_mapping(workdir: Path) -> None:
    """One merchant's Shopify mapping: its line SKUs are legacy item numbers."""
    built_in = ROOT / "services/storefront_gateway/mapping/platforms/shopify.yaml"
    (workdir / "shopify-custom.yaml").write_text(
        built_in.read_text().replace(
            'lookup: "channel:sku_aliases"\n      keep_unknown: true', "lookup: item_number"
        )
    )


def write_feeds(hub: "Hub", known_hosts: Path) -> None:
    (hub.workdir / "feeds.yaml").write_text(
        "feeds:\n"
        f"  - {{id: drop-counts, kind: inventory, folder: '{hub.workdir / 'drop'}',"
        " mode: overwrite, location: wh-1, every_seconds: 0.3,"
        " columns: {sku: item no, quantity: qty on hand}}\n"
        "  - {id: sftp-counts, kind: inventory, mode: report, every_seconds: 0.5,"
        f" sftp: {{host: 127.0.0.1, port: {hub.ports['sftp']}, username: legacy,"
        " password_env: TEST_SFTP_PASSWORD, path: /counts,"
        f" known_hosts: '{known_hosts}'}}}}\n"
        f"  - {{id: wholesale-orders, kind: orders, folder: '{hub.workdir / 'orders'}',"
        " channel: wholesale-test, group_by: order no, every_seconds: 0.3,"
        f" mapping: '{MAPPINGS / 'wholesale-export.yaml'}'}}\n"
    )


def write_locations(workdir: Path) -> None:
    (workdir / "locations.yaml").write_text(
        "locations:\n"
        "  - {id: wh-1, kind: warehouse, fulfiller: tpl-a, countries: [US], priority: 1}\n"
        "  - {id: wh-2, kind: 3pl, fulfiller: tpl-b, countries: [US, DE], priority: 2}\n"
    )


def edi_id_of(fulfiller: str) -> str:
    """The 3PL's X12 interchange id in the test hub (ISA06 of its ship notices)."""
    return fulfiller.replace("-", "").upper() + "EDI"


def write_fulfillers(hub: "Hub") -> None:
    (hub.workdir / "fulfillers.yaml").write_text(
        "fulfillers:\n"
        + "".join(
            f"  - {{id: {f}, base_url: 'http://127.0.0.1:{hub.ports[f]}',"
            f" api_key_env: {env_name(f)}_API, inbound_key_env: {env_name(f)}_INBOUND,"
            f" timeout_seconds: 2, edi_id: {edi_id_of(f)}}}\n"
            for f in FULFILLERS
        )
    )
