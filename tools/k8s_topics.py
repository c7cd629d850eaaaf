"""Strimzi `KafkaTopic` resources for every topic of the registry, so Kubernetes creates
exactly the topics `shared/topics.py` declares (`make k8s-topics` writes the file;
a test keeps the committed file equal to the registry)."""

import sys

import yaml

from shared.topics import ALL_TOPICS


def manifests(cluster: str = "crossdock", replicas: int = 3) -> str:
    documents = [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaTopic",
            "metadata": {
                "name": topic.name,
                "labels": {"strimzi.io/cluster": cluster},
                "annotations": {"crossdock/writer": topic.writer, "crossdock/key": topic.key},
            },
            "spec": {
                "partitions": topic.partitions,
                "replicas": replicas,
                "config": {"min.insync.replicas": "2", **topic.config},
            },
        }
        for topic in ALL_TOPICS
    ]
    header = "# Generated from shared/topics.py by `make k8s-topics`: edit the registry.\n"
    return header + yaml.safe_dump_all(documents, sort_keys=False)


if __name__ == "__main__":
    sys.stdout.write(manifests())
