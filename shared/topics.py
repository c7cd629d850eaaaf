"""Every Kafka topic, declared once: name, key, event types, single writer, partitions.

Topics are created from this registry (`tools/provisioning.py`, the Kubernetes
manifests), never by broker auto-creation. A service publishes only to the topics
whose `writer` it is; verdicts go on the verdict-maker's own topic.
"""

from dataclasses import dataclass, field

from shared.events.catalog import CustomerChanged, PriceScheduled, ProductChanged
from shared.events.envelope import Event
from shared.events.fulfilment import (
    ShipmentCancellationFailed,
    ShipmentCancellationRequested,
    ShipmentCancelled,
    ShipmentDelivered,
    ShipmentDispatched,
    ShipmentExceptionReported,
    ShipmentRefused,
    ShipmentRequested,
    ShipmentSentToFulfiller,
    ShipmentTrackingUpdated,
)
from shared.events.inventory import (
    HandOverStock,
    ReallocateStock,
    ReleaseStock,
    ReserveStock,
    StockCounted,
    StockHandedOver,
    StockLevelChanged,
    StockReallocated,
    StockReleased,
    StockReservationRejected,
    StockReserved,
)
from shared.events.notifications import CustomerNotificationRequested
from shared.events.orders import (
    OrderAmended,
    OrderApproved,
    OrderCancellationRefused,
    OrderCancellationRequested,
    OrderPaid,
    OrderPlaced,
    OrderStatusChanged,
)
from shared.events.returns import RefundIssued, ReturnExpected, ReturnReceived

STOREFRONT_GATEWAY = "storefront-gateway"
ORDER_ROUTER = "order-router"
INVENTORY_LEDGER = "inventory-ledger"
SHIPPING_BRIDGE = "shipping-bridge"
ACCOUNTING_POSTER = "accounting-poster"
SERVICES = (STOREFRONT_GATEWAY, ORDER_ROUTER, INVENTORY_LEDGER, SHIPPING_BRIDGE, ACCOUNTING_POSTER)


@dataclass(frozen=True)
class Topic:
    name: str
    key: str
    writer: str
    event_types: tuple[type[Event], ...]
    partitions: int = 6
    config: dict[str, str] = field(default_factory=dict)

    def qualified(self, prefix: str) -> str:
        return f"{prefix}{self.name}"


STOREFRONT_ORDERS = Topic(
    "storefront-orders",
    key="order_id",
    writer=STOREFRONT_GATEWAY,
    event_types=(OrderPlaced, OrderPaid, OrderAmended, OrderCancellationRequested, RefundIssued),
)
ORDERS = Topic(
    "orders",
    key="order_id",
    writer=ORDER_ROUTER,
    event_types=(OrderStatusChanged, OrderCancellationRefused, OrderApproved),
)
STOCK_COMMANDS = Topic(
    "stock-commands",
    key="order_id",
    writer=ORDER_ROUTER,
    event_types=(ReserveStock, ReleaseStock, HandOverStock, ReallocateStock),
)
STOCK_RESERVATIONS = Topic(
    "stock-reservations",
    key="order_id",
    writer=INVENTORY_LEDGER,
    event_types=(
        StockReserved,
        StockReservationRejected,
        StockReleased,
        StockHandedOver,
        StockReallocated,
    ),
)
STOCK_LEVELS = Topic(
    "stock-levels",
    key="sku",
    writer=INVENTORY_LEDGER,
    event_types=(StockLevelChanged,),
    config={"cleanup.policy": "compact,delete"},
)
STOCK_COUNTS = Topic(
    "stock-counts",
    key="sku",
    writer=STOREFRONT_GATEWAY,
    event_types=(StockCounted,),
)

CATALOG = Topic(
    "catalog",
    key="sku",
    writer=STOREFRONT_GATEWAY,
    event_types=(ProductChanged, PriceScheduled),
    # Not compacted: a SKU's product and its several price entries share the key.
    config={"retention.ms": str(90 * 24 * 3600 * 1000)},
)
CUSTOMERS = Topic(
    "customers",
    key="customer_id",
    writer=STOREFRONT_GATEWAY,
    event_types=(CustomerChanged,),
    config={"cleanup.policy": "compact,delete"},
)

FULFILMENT_REQUESTS = Topic(
    "fulfilment-requests",
    key="order_id",
    writer=ORDER_ROUTER,
    event_types=(ShipmentRequested, ShipmentCancellationRequested, ReturnExpected),
)
CUSTOMER_NOTIFICATIONS = Topic(
    "customer-notifications",
    key="order_id",
    writer=STOREFRONT_GATEWAY,
    event_types=(CustomerNotificationRequested,),
)
SHIPMENTS = Topic(
    "shipments",
    key="order_id",
    writer=SHIPPING_BRIDGE,
    event_types=(
        ShipmentSentToFulfiller,
        ShipmentRefused,
        ShipmentDispatched,
        ShipmentDelivered,
        ShipmentExceptionReported,
        ShipmentTrackingUpdated,
        ShipmentCancelled,
        ShipmentCancellationFailed,
        ReturnReceived,
    ),
)

DOMAIN_TOPICS = (
    STOREFRONT_ORDERS,
    ORDERS,
    STOCK_COMMANDS,
    STOCK_RESERVATIONS,
    STOCK_LEVELS,
    STOCK_COUNTS,
    FULFILMENT_REQUESTS,
    SHIPMENTS,
    CUSTOMER_NOTIFICATIONS,
    CATALOG,
    CUSTOMERS,
)


def dead_letter_topic(service: str) -> Topic:
    """Each service parks the messages it gave up on in a topic of its own."""
    return Topic(
        f"{service}-dead-letters",
        key="original key",
        writer=service,
        event_types=(),
        partitions=1,
        config={"retention.ms": str(30 * 24 * 3600 * 1000)},
    )


ALL_TOPICS = DOMAIN_TOPICS + tuple(dead_letter_topic(service) for service in SERVICES)


def topic_for(event_type: type[Event]) -> Topic:
    for topic in DOMAIN_TOPICS:
        if event_type in topic.event_types:
            return topic
    raise LookupError(f"no topic carries {event_type.__name__}")
