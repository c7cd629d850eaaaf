from shared.events.envelope import Event
from shared.topics import ALL_TOPICS, DOMAIN_TOPICS, SERVICES, topic_for


def _all_event_types() -> set[type[Event]]:
    return {et for topic in DOMAIN_TOPICS for et in topic.event_types}


def test_every_event_type_travels_on_exactly_one_topic() -> None:
    for event_type in _all_event_types():
        carriers = [t for t in DOMAIN_TOPICS if event_type in t.event_types]
        assert len(carriers) == 1, event_type.__name__
        assert topic_for(event_type) is carriers[0]


def test_every_topic_has_one_known_writer_and_a_unique_kebab_case_name() -> None:
    names = [t.name for t in ALL_TOPICS]
    assert len(names) == len(set(names))
    for topic in ALL_TOPICS:
        assert topic.writer in SERVICES
        assert topic.name == topic.name.lower() and "_" not in topic.name


def test_every_service_has_its_own_dead_letter_topic() -> None:
    dead_letters = {t.writer for t in ALL_TOPICS if t.name.endswith("-dead-letters")}
    assert dead_letters == set(SERVICES)


def test_prefix_isolates_topic_names() -> None:
    assert DOMAIN_TOPICS[0].qualified("t1.") == f"t1.{DOMAIN_TOPICS[0].name}"
