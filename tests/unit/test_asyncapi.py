from tools.asyncapi import document


def test_asyncapi_of_the_router_lists_what_it_consumes_and_what_it_publishes() -> None:
    channels = document("order-router")["channels"]
    names = {spec.get("address", name) for name, spec in channels.items()}
    assert {"storefront-orders", "stock-reservations"} <= names, names
    assert {"stock-commands", "orders", "order-router-dead-letters"} <= names, names


def test_asyncapi_of_the_ledger_carries_the_event_schemas_it_publishes() -> None:
    schemas = document("inventory-ledger")["components"]["schemas"]
    assert "StockLevelChanged" in schemas
    assert "version" in schemas["StockLevelChanged"]["properties"]


def test_every_domain_message_carries_the_schemas_of_its_events() -> None:
    gateway = document("storefront-gateway")
    messages = gateway["components"]["messages"]
    [placed] = [
        m for name, m in messages.items() if name.endswith("storefront-orders:publish:Message")
    ]
    refs = {r["$ref"].rsplit("/", 1)[-1] for r in placed["payload"]["oneOf"]}
    assert {"OrderPlaced", "OrderPaid", "OrderAmended", "RefundIssued"} <= refs
    schemas = gateway["components"]["schemas"]
    assert "lines" in schemas["OrderPlaced"]["properties"]
    assert "tax_rate" in schemas["OrderLine"]["properties"]  # nested models are components


def test_the_committed_documents_are_those_the_code_gives() -> None:
    """`make asyncapi` after an event or a subscription changes; stale documents fail."""
    import json
    from pathlib import Path

    from shared.topics import SERVICES

    folder = Path(__file__).resolve().parents[2] / "docs" / "asyncapi"
    for service in SERVICES:
        committed = json.loads((folder / f"{service}.json").read_text())
        assert committed == json.loads(json.dumps(document(service))), (
            f"docs/asyncapi/{service}.json is stale: run `make asyncapi`"
        )
