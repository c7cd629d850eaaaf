"""`kustomize build` of the base and of the production overlay works, and what it builds
would be accepted: every object against the Kubernetes API's schemas (kubernetes-validate,
strict: an unknown field fails), Strimzi's KafkaTopics and KEDA's ScaledObjects against
the schemas in deploy/k8s/schemas (written from their documentation). And the rules we
hold ourselves to: replicas left to KEDA, one disruption budget per service, non-root
pods on a read-only root filesystem, memory limits, the configuration mounted where the
services read it, and the image's own mapping files not hidden by it."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy/k8s"
SCHEMAS = {
    "KafkaTopic": K8S / "schemas/kafkatopic-kafka.strimzi.io-v1beta2.json",
    "ScaledObject": K8S / "schemas/scaledobject-keda.sh-v1alpha1.json",
}
KUBERNETES = "1.30.0"
SERVICES = {"storefront-gateway", "order-router", "inventory-ledger", "shipping-bridge"}
SERVICES |= {"accounting-poster"}


def kustomize(folder: Path) -> list[dict[str, Any]]:
    built_here = ROOT / ".local/bin/kustomize"  # `make test-tools` without kubectl
    if shutil.which("kustomize") or built_here.exists():
        command = [shutil.which("kustomize") or str(built_here), "build", str(folder)]
    elif shutil.which("kubectl"):
        command = ["kubectl", "kustomize", str(folder)]
    else:
        pytest.fail("neither kustomize nor kubectl: `make test-tools` builds kustomize")
    built = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    return [doc for doc in yaml.safe_load_all(built.stdout) if doc]


def problems(doc: dict[str, Any]) -> list[str]:
    kind = doc["kind"]
    if kind in SCHEMAS:
        schema = json.loads(SCHEMAS[kind].read_text())
        validator = jsonschema.Draft202012Validator(schema)
        return [
            f"{kind} {doc['metadata']['name']}: {e.message}" for e in validator.iter_errors(doc)
        ]
    try:
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{kind} {doc['metadata'].get('name')}: {exc.message} at {list(exc.path)}"]
    return []


@pytest.fixture(scope="module", params=["base", "overlays/production"])
def built(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return kustomize(K8S / request.param)


def of_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_every_object_is_one_the_cluster_accepts(built: list[dict[str, Any]]) -> None:
    found = [p for doc in built for p in problems(doc)]
    assert found == []
    assert {"Deployment", "Service", "KafkaTopic", "ScaledObject", "PodDisruptionBudget"} <= {
        d["kind"] for d in built
    }


def test_the_checks_refuse_an_object_the_cluster_would_refuse() -> None:
    wrong = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "x"},
        "spec": {"prots": []},
    }
    assert problems(wrong)
    scaled = {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "x"}}
    scaled["spec"] = {
        "scaleTargetRef": {"name": "x"},
        "triggers": [{"type": "kafka", "metadata": {}}],
    }
    assert problems(scaled)


def test_replicas_are_kedas_and_every_service_keeps_a_pod_through_a_drain(
    built: list[dict[str, Any]],
) -> None:
    deployments = of_kind(built, "Deployment")
    assert set(deployments) == SERVICES
    assert all("replicas" not in d["spec"] for d in deployments.values())
    scaled = {d["spec"]["scaleTargetRef"]["name"] for d in of_kind(built, "ScaledObject").values()}
    budgets = {
        d["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        for d in of_kind(built, "PodDisruptionBudget").values()
    }
    assert scaled == budgets == SERVICES


def test_pods_run_unprivileged_on_a_read_only_root_with_memory_limits(
    built: list[dict[str, Any]],
) -> None:
    for name, deployment in of_kind(built, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert "memory" in container["resources"]["limits"], name
            assert container["resources"]["requests"]["cpu"], name


def test_the_configuration_is_mounted_where_the_services_read_it(
    built: list[dict[str, Any]],
) -> None:
    maps = of_kind(built, "ConfigMap")
    [hub] = [m for n, m in maps.items() if n.startswith("crossdock-hub")]
    [config] = [m for n, m in maps.items() if n.startswith("crossdock-config")]
    read = {v for k, v in hub["data"].items() if k.endswith("_FILE")}
    assert read == {f"/etc/crossdock/{name}" for name in config["data"]}
    for name, deployment in of_kind(built, "Deployment").items():
        mounts = {
            m["mountPath"]
            for m in deployment["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
        }
        # /app/config keeps the image's mapping files; the merchant's files sit beside it.
        assert "/etc/crossdock" in mounts and "/app/config" not in mounts, name
    assert json.loads(hub["data"]["CROSSDOCK_CONSOLE_URLS"]).keys() == SERVICES - {
        "storefront-gateway"
    }
