"""The Kubernetes manifests in deploy/k8s: a kustomization that builds, a multi-worker deployment whose
pods Prometheus finds, and config copies identical to the canonical files."""

from __future__ import annotations

import filecmp
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
DOCS = REPO / "docs" / "observability.md"
SECRETS = {"newswatch-app", "newswatch-postgres", "newswatch-grafana"}
COPIES = [
    (REPO / "deploy/prometheus/rules", K8S / "prometheus/rules", "*.yml"),
    (REPO / "deploy/grafana/dashboards", K8S / "grafana/dashboards", "*.json"),
    (REPO / "deploy/grafana/provisioning/datasources", K8S / "grafana/provisioning", "*.yml"),
    (REPO / "deploy/grafana/postgres-init", K8S / "postgres-init", "*"),
]


def kustomization() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return data


def resources() -> list[dict[str, Any]]:
    docs = []
    for name in kustomization()["resources"]:
        docs += [d for d in yaml.safe_load_all((K8S / name).read_text()) if d]
    return docs


def workloads() -> list[dict[str, Any]]:
    return [d for d in resources() if d["kind"] in {"Deployment", "StatefulSet", "Job"}]


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    return list(workload["spec"]["template"]["spec"]["containers"])


def by_name(kind: str, name: str) -> dict[str, Any]:
    return next(d for d in resources() if d["kind"] == kind and d["metadata"]["name"] == name)


def test_copies_match_the_canonical_files() -> None:
    """kustomize cannot read outside deploy/k8s; deploy/k8s/sync-config.sh refreshes these copies."""
    for source, copy, pattern in COPIES:
        originals = sorted(p.name for p in source.glob(pattern))
        assert originals, source
        assert sorted(p.name for p in copy.glob(pattern)) == originals, (
            f"run deploy/k8s/sync-config.sh ({copy})"
        )
        for name in originals:
            assert filecmp.cmp(source / name, copy / name, shallow=False), (
                f"{copy / name} is stale: sync-config.sh"
            )
    provider = REPO / "deploy/grafana/provisioning/dashboards/newswatch.yml"
    assert filecmp.cmp(provider, K8S / "grafana/dashboard-provider.yml", shallow=False)


def test_generator_files_exist() -> None:
    for generator in kustomization()["configMapGenerator"]:
        for entry in generator["files"]:
            path = entry.split("=", 1)[-1]
            assert (K8S / path).is_file(), f"{generator['name']}: {path}"


@pytest.mark.tooling  # needs kubectl: `make check-deploy`
def test_kustomize_builds() -> None:
    result = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    built = [d for d in yaml.safe_load_all(result.stdout) if d]
    kinds = {(d["kind"], d["metadata"]["name"].rsplit("-", 1)[0]) for d in built}
    assert ("ConfigMap", "grafana-dashboards") in kinds
    assert all(d["metadata"].get("namespace") == "newswatch" for d in built if d["kind"] != "Namespace")


def test_workloads_are_probed_bounded_and_pinned() -> None:
    for workload in workloads():
        name = workload["metadata"]["name"]
        spec = workload["spec"]
        if workload["kind"] != "Job":
            labels = spec["template"]["metadata"]["labels"]
            assert spec["selector"]["matchLabels"].items() <= labels.items(), name
        for container in containers(workload):
            image = container["image"]
            assert ":" in image and not image.endswith(":latest"), f"{name}: {image}"
            resources_ = container["resources"]
            assert resources_["requests"]["cpu"] and resources_["limits"]["memory"], name
            if workload["kind"] != "Job":
                assert "readinessProbe" in container and "livenessProbe" in container, name


def test_app_pods_run_unprivileged_and_read_config_and_secrets() -> None:
    config_maps = {d["metadata"]["name"] for d in resources() if d["kind"] == "ConfigMap"}
    config_maps |= {g["name"] for g in kustomization()["configMapGenerator"]}
    for workload in workloads():
        for container in containers(workload):
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in config_maps
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in SECRETS
            for variable in container.get("env", []):
                assert not any(w in variable["name"] for w in ("PASSWORD", "SECRET", "WEBHOOK")), variable
        if containers(workload)[0]["image"].startswith("newswatch"):
            assert workload["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    text = DOCS.read_text()
    for secret in SECRETS:
        assert f"create secret generic {secret}" in text, f"docs must show how to create {secret}"


def test_several_workers_with_their_own_table_state() -> None:
    worker = by_name("StatefulSet", "newswatch-worker")
    assert worker["spec"]["replicas"] >= 2
    claims = {c["metadata"]["name"] for c in worker["spec"]["volumeClaimTemplates"]}
    mounts = {m["name"]: m["mountPath"] for m in containers(worker)[0]["volumeMounts"]}
    env = {e["name"]: e["value"] for e in containers(worker)[0]["env"]}
    assert "state" in claims and mounts["state"] == env["NEWSWATCH_WORKER__DATA_DIR"]
    assert env["NEWSWATCH_WORKER__STORE"] == "rocksdb://"
    assert by_name("PodDisruptionBudget", "newswatch-worker")["spec"]["maxUnavailable"] == 1
    assert by_name("Deployment", "newswatch-connectors")["spec"]["replicas"] == 1


def test_prometheus_finds_the_pods_through_headless_services() -> None:
    config = yaml.safe_load((K8S / "prometheus/prometheus.yml").read_text())
    services = {d["metadata"]["name"]: d for d in resources() if d["kind"] == "Service"}
    for job in config["scrape_configs"]:
        for sd in job.get("dns_sd_configs", []):
            for dns_name in sd["names"]:
                service_name, namespace = dns_name.split(".")[:2]
                assert namespace == kustomization()["namespace"]
                service = services[service_name]
                assert service["spec"].get("clusterIP") == "None", f"{service_name} must be headless"
                assert sd["port"] in {p["port"] for p in service["spec"]["ports"]}, job["job_name"]
    rule_keys = {
        Path(f).name
        for g in kustomization()["configMapGenerator"]
        if g["name"] == "prometheus-rules"
        for f in g["files"]
    }
    assert {Path(r).name for r in config["rule_files"]} == rule_keys


def test_app_config_points_at_the_in_cluster_kafka() -> None:
    config = by_name("ConfigMap", "newswatch-env")["data"]
    assert config["NEWSWATCH_KAFKA__BOOTSTRAP_SERVERS"].startswith("kafka-0.kafka.newswatch.svc")
    assert config["NEWSWATCH_WORKER__METRICS_HOST"] == "0.0.0.0"
    kafka = by_name("StatefulSet", "kafka")
    assert containers(kafka)[0]["image"].startswith("apache/kafka:")
    env = {e["name"]: e["value"] for e in containers(kafka)[0]["env"]}
    assert env["KAFKA_ADVERTISED_LISTENERS"].endswith("kafka-0.kafka.newswatch.svc.cluster.local:9092")


def test_app_config_is_valid_settings() -> None:
    """The ConfigMap and the worker's env name real settings (unknown keys would fail at start-up)."""
    from streams.settings import load_settings

    env = dict(by_name("ConfigMap", "newswatch-env")["data"])
    env.update(
        {e["name"]: e["value"] for e in containers(by_name("StatefulSet", "newswatch-worker"))[0]["env"]}
    )
    env["NEWSWATCH_STORE__URL"] = "postgresql://newswatch:x@postgres:5432/newswatch"  # from the Secret
    settings = load_settings(None, environ=env)
    assert settings.kafka.partitions == 12
    assert settings.worker.log_json is True
