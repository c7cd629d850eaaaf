"""`make asyncapi`: writes each service's AsyncAPI document from its real subscribers.

The subscribed channels come from each service's FastStream broker as wired by its
`create_app`; the published channels come from the topic registry (the relay, not a
FastStream publisher, writes them). Nothing connects: building an app does no I/O.
"""

import json
import sys
from pathlib import Path
from typing import Any

from faststream.specification import AsyncAPI
from pydantic import SecretStr

from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import DOMAIN_TOPICS, dead_letter_topic
from tools.documents import write_documents

LOCAL_BROKER = "127.0.0.1:19092"


def runtime_of(service: str) -> ServiceRuntime:
    """The service's runtime with its real subscribers, built without connecting."""
    from services.accounting_poster import subscribers as books
    from services.accounting_poster.chart import load_chart
    from services.inventory_ledger import subscribers as ledger
    from services.order_router import subscribers as router
    from services.shipping_bridge import subscribers as bridge

    package = service.replace("-", "_")
    # The documented server is the local stack's broker, whatever this shell points at.
    settings = HubSettings(
        admin_token=SecretStr("documents-only-" + "0" * 32),
        kafka_bootstrap_servers=LOCAL_BROKER,
    )
    runtime = ServiceRuntime(service, settings, f"services.{package}.migrations")
    if service == "order-router":
        router.register(runtime, ())
    elif service == "inventory-ledger":
        ledger.register(runtime)
    elif service == "shipping-bridge":
        bridge.register(runtime)
    elif service == "storefront-gateway":
        from services.storefront_gateway import subscribers as gateway
        from services.storefront_gateway.channels import Channels

        gateway.register(runtime, Channels.load(Path("config/channels.yaml"), _Placeholders()))
    elif service == "accounting-poster":
        books.register(runtime, load_chart(Path("config/accounts.yaml")).rules)
    runtime.subscribe()
    return runtime


class _Placeholders(dict[str, str]):
    """Every secret a configuration names, as a placeholder: documents need no secret."""

    def get(self, key: str, default: Any = None) -> str:
        return "documents-only-" + "0" * 32

    def __getitem__(self, key: str) -> str:
        return self.get(key)


def document(service: str) -> dict[str, Any]:
    runtime = runtime_of(service)
    for topic in (*DOMAIN_TOPICS, dead_letter_topic(service)):
        if topic.writer != service:
            continue
        publisher = runtime.broker.publisher(
            topic.name,
            title=f"{service}:{topic.name}:publish",
            description=f"Keyed by {topic.key}. Events: "
            + (", ".join(t.__name__ for t in topic.event_types) or "dead-lettered copies"),
            schema=topic.event_types[0] if len(topic.event_types) == 1 else None,
        )
        del publisher
    spec = AsyncAPI(runtime.broker, title=f"Crossdock {service}", version="1.0.0")
    result: dict[str, Any] = spec.to_specification().to_jsonable()
    with_event_schemas(result)
    return result


def with_event_schemas(document: dict[str, Any]) -> None:
    """Every message of a domain topic carries the schema of each event the topic holds
    (one of them, told apart by `event_type`), from the frozen pydantic models."""
    topics = {t.name: t for t in DOMAIN_TOPICS}
    components = document["components"]
    schemas = components.setdefault("schemas", {})
    for channel in document["channels"].values():
        topic = topics.get(channel.get("address", ""))
        if topic is None:
            continue
        for event in topic.event_types:
            found = event.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(found.pop("$defs", {}))
            schemas[event.__name__] = found
        refs = [{"$ref": f"#/components/schemas/{e.__name__}"} for e in topic.event_types]
        for ref in channel["messages"].values():
            name = ref["$ref"].rsplit("/", 1)[-1]
            components["messages"][name]["payload"] = {
                "oneOf": refs,
                "discriminator": "event_type",
            }
    used = json.dumps(document)
    for name in [n for n in schemas if n == "EmptyPayload" or n.endswith(":Payload")]:
        if f'#/components/schemas/{name}"' not in used:
            del schemas[name]


def main(out: Path) -> None:
    write_documents(out, document)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/asyncapi"))
