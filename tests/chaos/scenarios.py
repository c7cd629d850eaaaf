"""Every scenario: a name, its fault, and whether it needs the run's own stack (a fault
of Kafka or PostgreSQL cannot be played on infrastructure other tests share)."""

from dataclasses import dataclass

from tests.chaos import faults
from tests.support.hub import SERVICES


@dataclass(frozen=True)
class Scenario:
    name: str
    fault: faults.Fault
    owns_stack: bool = False


SCENARIOS = (
    Scenario("baseline", faults.nothing),
    *(Scenario(f"kill-{service}", faults.kill(service)) for service in SERVICES),
    Scenario(
        "failpoint-ledger-after-commit",
        faults.at_failpoint("inventory-ledger", "after-commit-before-ack"),
    ),
    Scenario(
        "failpoint-router-after-relay-publish",
        faults.at_failpoint("order-router", "after-publish-before-delete"),
    ),
    Scenario(
        "failpoint-gateway-after-relay-publish",
        faults.at_failpoint("storefront-gateway", "after-publish-before-delete"),
    ),
    Scenario("3pl-hanging", faults.tpl(20, hang_next=6)),
    Scenario("3pl-failing", faults.tpl(20, fail_next=30)),
    Scenario("3pl-slow", faults.tpl(20, ship_delay=2.0)),
    Scenario("channels-429", faults.channels_down(429, 20)),
    Scenario("channels-5xx", faults.channels_down(503, 20)),
    Scenario("rebalance-order-router", faults.second_instance("order-router")),
    Scenario("rebalance-shipping-bridge", faults.second_instance("shipping-bridge")),
    Scenario("ledger-group-of-three", faults.group_of_three("inventory-ledger")),
    Scenario("clock-skew", faults.clock_skew),
    Scenario("duplicate-storm", faults.duplicate_storm),
    Scenario("poison-message", faults.poison),
    Scenario("kafka-restart", faults.kafka_restart, owns_stack=True),
    Scenario("postgres-crash", faults.postgres_crash, owns_stack=True),
)
SHORT = ("kill-inventory-ledger", "3pl-hanging", "duplicate-storm")


def named(names: list[str]) -> list[Scenario]:
    by_name = {s.name: s for s in SCENARIOS}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SystemExit(f"no scenario {', '.join(unknown)}; known: {', '.join(by_name)}")
    return [by_name[n] for n in names]
