from pathlib import Path

import yaml

from shared.topics import SERVICES

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_is_valid_yaml_naming_all_services_kafka_and_postgres() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = set(compose["services"])
    assert set(SERVICES) <= services
    assert {"kafka", "postgres"} <= services


def test_compose_services_point_at_the_compose_kafka_and_postgres() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name in SERVICES:
        env = compose["services"][name]["environment"]
        assert env["KAFKA_BOOTSTRAP_SERVERS"].startswith("kafka:")
        assert "@postgres:" in env["DATABASE_URL"]
