from pathlib import Path

import yaml

from shared.topics import SERVICES
from tools.k8s_topics import manifests

BASE = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "base"


def test_committed_topic_manifests_match_the_registry() -> None:
    assert (BASE / "topics.yaml").read_text() == manifests(), "run `make k8s-topics`"


def test_every_service_is_deployed_with_readiness_on_kafka_and_postgres() -> None:
    docs = list(yaml.safe_load_all((BASE / "services.yaml").read_text()))
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    assert set(deployments) == set(SERVICES)
    for deployment in deployments.values():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"


def test_autoscaling_never_goes_beyond_the_partitions() -> None:
    docs = list(yaml.safe_load_all((BASE / "autoscaling.yaml").read_text()))
    assert {d["metadata"]["name"] for d in docs} == set(SERVICES)
    assert all(d["spec"]["maxReplicaCount"] <= 6 for d in docs)


def test_every_topic_a_service_reads_scales_it_on_its_groups_lag() -> None:
    """A topic added to a service's routes without a KEDA trigger would never scale it."""
    from tools.asyncapi import runtime_of

    docs = list(yaml.safe_load_all((BASE / "autoscaling.yaml").read_text()))
    triggered = {
        (d["metadata"]["name"], t["metadata"]["consumerGroup"], t["metadata"]["topic"])
        for d in docs
        for t in d["spec"]["triggers"]
    }
    read = {
        (service, service, topic.name)
        for service in SERVICES
        for topic in runtime_of(service).subscriptions.topics.values()
    }
    assert read == triggered, (read - triggered, triggered - read)
