"""Each service's card (its package docstring) says what it consumes and produces; the
card is checked against the service's real subscriptions and the topic registry, so it
cannot drift from the code again. Event types named on a card must travel on the topic
they are named with."""

import importlib
import re
from pathlib import Path

import pytest

from shared.topics import DOMAIN_TOPICS, SERVICES
from tools.asyncapi import runtime_of

TOPICS = {t.name: t for t in DOMAIN_TOPICS}
SECTION = re.compile(r"^(Consumes|Produces|Receives|Asks|Serves|Owns)[^:\n]*:", re.M)


def card(service: str) -> str:
    module = importlib.import_module(f"services.{service.replace('-', '_')}")
    return module.__doc__ or ""


def section(text: str, name: str) -> str:
    """The text of one section of a card, up to the next section."""
    starts = [(m.group(1), m.start(), m.end()) for m in SECTION.finditer(text)]
    for i, (found, _, end) in enumerate(starts):
        if found == name:
            stop = starts[i + 1][1] if i + 1 < len(starts) else len(text)
            return text[end:stop]
    return ""


def topics_named(text: str) -> set[str]:
    return {name for name in re.findall(r"`([a-z-]+)`", text) if name in TOPICS}


def events_named(text: str) -> dict[str, set[str]]:
    """Topic -> the event types named in its parentheses."""
    named: dict[str, set[str]] = {}
    for topic, inside in re.findall(r"`([a-z-]+)`\s*\(([^)]*)\)", text):
        named[topic] = set(re.findall(r"\b([A-Z][a-z]+[A-Z][A-Za-z]*)\b", inside))
    return named


@pytest.mark.parametrize("service", SERVICES)
def test_the_card_lists_exactly_the_topics_the_service_consumes(service: str) -> None:
    runtime = runtime_of(service)
    consumed = {t.name for sub in runtime.broker.subscribers for t in sub.topics}
    assert topics_named(section(card(service), "Consumes")) == consumed


@pytest.mark.parametrize("service", SERVICES)
def test_the_card_lists_exactly_the_topics_the_service_writes(service: str) -> None:
    written = {t.name for t in DOMAIN_TOPICS if t.writer == service}
    assert topics_named(section(card(service), "Produces")) == written


@pytest.mark.parametrize("service", SERVICES)
def test_events_on_the_card_travel_on_the_topic_they_are_named_with(service: str) -> None:
    text = section(card(service), "Consumes") + section(card(service), "Produces")
    for topic, events in events_named(text).items():
        known = {e.__name__ for e in TOPICS[topic].event_types}
        assert events <= known, f"{service}: {topic} carries {sorted(known)}, card says {events}"


def test_a_section_is_read_up_to_the_next() -> None:
    text = "x\nConsumes: `orders` (OrderStatusChanged).\nProduces: `shipments`.\n"
    assert topics_named(section(text, "Consumes")) == {"orders"}
    assert topics_named(section(text, "Produces")) == {"shipments"}
    assert events_named(section(text, "Consumes")) == {"orders": {"OrderStatusChanged"}}


def test_the_architecture_topic_table_names_each_topics_writer_and_readers() -> None:
    """docs/architecture.md's topic table, read back: writer and readers as in the code."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    rows = {
        cells[1].strip("` "): (cells[3].strip(), cells[4].strip())
        for line in doc.splitlines()
        if line.startswith("| `") and (cells := line.split("|"))[1].strip("` ") in TOPICS
    }
    readers: dict[str, set[str]] = {name: set() for name in TOPICS}
    for service in SERVICES:
        for sub in runtime_of(service).broker.subscribers:
            for topic in sub.topics:
                readers[topic.name].add(service)
    assert set(rows) == set(TOPICS)
    for name, (writer, read_by) in rows.items():
        assert writer == TOPICS[name].writer, name
        assert {r.strip() for r in read_by.split(",")} & set(SERVICES) == readers[name], name
