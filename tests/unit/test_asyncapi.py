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
