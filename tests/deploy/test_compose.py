"""docker-compose.yml and the Dockerfile: the structure the deployment relies on, checked without an engine.

``docker compose config`` validates against the Compose specification where the compose plugin is
installed (no Docker engine needed); the structural tests run everywhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
ENV_DIR = REPO / "deploy" / "env"
LONG_RUNNING = ("kafka", "connectors", "worker-1", "worker-2", "postgres", "store", "prometheus", "grafana")
APP_SERVICES = ("kafka-init", "connectors", "worker-1", "worker-2", "store")
SECRET_WORDS = re.compile(r"PASSWORD|SECRET|TOKEN|WEBHOOK|_URL$", re.IGNORECASE)


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def services() -> dict[str, dict[str, Any]]:
    return dict(compose()["services"])


def _compose_plugin() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    return probe.returncode == 0


@pytest.mark.tooling  # needs the docker compose plugin: `make check-deploy`
def test_docker_compose_config_accepts_the_file() -> None:
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.tooling  # needs the docker compose plugin: `make check-deploy`
def test_docker_compose_config_resolves_services_and_volumes() -> None:
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--services"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == set(LONG_RUNNING) | {"kafka-init"}


def test_every_service_is_there() -> None:
    assert set(services()) == set(LONG_RUNNING) | {"kafka-init"}


def test_kafka_is_the_official_image_in_kraft_mode_with_a_volume() -> None:
    kafka = services()["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert not any("ZOOKEEPER" in key for key in env)
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka:9092"
    assert f"kafka-data:{env['KAFKA_LOG_DIRS']}" in kafka["volumes"]


def test_long_running_services_restart_and_have_health_checks() -> None:
    for name in LONG_RUNNING:
        service = services()[name]
        assert service.get("restart") in {"unless-stopped", "always"}, name
        check = service.get("healthcheck", {})
        assert check.get("test") and check.get("interval"), name


def test_topic_init_runs_once_before_the_pipeline() -> None:
    all_services = services()
    init = all_services["kafka-init"]
    assert init["command"] == ["topics"]
    assert init["restart"].startswith("on-failure")
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    for name in ("connectors", "worker-1", "worker-2"):
        assert all_services[name]["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"


def test_dependencies_name_real_services_with_valid_conditions() -> None:
    all_services = services()
    conditions = {"service_started", "service_healthy", "service_completed_successfully"}
    for name, service in all_services.items():
        for dependency, spec in (service.get("depends_on") or {}).items():
            assert dependency in all_services, f"{name} -> {dependency}"
            assert spec["condition"] in conditions, f"{name} -> {dependency}"
            if spec["condition"] == "service_healthy":
                assert "healthcheck" in all_services[dependency], f"{name} waits on {dependency}'s health"


def test_named_volumes_are_declared_and_state_is_persistent() -> None:
    data = compose()
    declared = set(data["volumes"])
    used = set()
    for name, service in data["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/")):
                if not source.startswith("./var/"):  # runtime folders are created by compose
                    assert (REPO / source).exists(), f"{name}: bind source {source} missing"
                continue
            used.add(source)
    assert used == declared
    assert {"kafka-data", "worker-1-state", "worker-2-state", "postgres-data", "connector-state"} <= declared
    for worker in ("worker-1", "worker-2"):
        env = data["services"][worker]["environment"]
        assert env["NEWSWATCH_WORKER__STORE"] == "rocksdb://", "table state must survive restarts"
        assert f"{worker}-state:{env['NEWSWATCH_WORKER__DATA_DIR']}" in data["services"][worker]["volumes"]


def test_secrets_come_from_env_files_only() -> None:
    for name, service in services().items():
        for key, value in (service.get("environment") or {}).items():
            assert not (SECRET_WORDS.search(key) and value), f"{name}: {key} must come from an env file"
        for entry in service.get("env_file", []):
            path = REPO / entry["path"]
            if entry.get("required", True):
                assert path.name.endswith(".env.example") and path.is_file(), f"{name}: {entry['path']}"
            else:
                assert path.name.endswith(".env"), f"{name}: optional env file {entry['path']}"


def test_env_examples_hold_no_real_secrets_and_agree() -> None:
    def read(name: str) -> dict[str, str]:
        pairs = {}
        for line in (ENV_DIR / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                key, _, value = line.partition("=")
                pairs[key] = value
        return pairs

    app, postgres, grafana = (
        read("newswatch.env.example"),
        read("postgres.env.example"),
        read("grafana.env.example"),
    )
    for values in (app, postgres, grafana):
        for key, value in values.items():
            if "PASSWORD" in key:
                assert value.startswith("change-me"), key
    store_url = app["NEWSWATCH_STORE__URL"]
    assert (
        f"{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}@postgres:5432/{postgres['POSTGRES_DB']}"
        in (store_url)
    )
    assert grafana["NEWSWATCH_POSTGRES_READER_USER"] == postgres["NEWSWATCH_POSTGRES_READER_USER"]
    assert grafana["NEWSWATCH_POSTGRES_READER_PASSWORD"] == postgres["NEWSWATCH_POSTGRES_READER_PASSWORD"]
    provisioning = (REPO / "deploy/grafana/provisioning/datasources/newswatch.yml").read_text()
    for variable in re.findall(r"\$\{(\w+)\}", provisioning):
        assert variable in grafana, f"datasource provisioning needs {variable} in grafana.env.example"


def test_prometheus_scrapes_the_compose_services_on_their_metrics_ports() -> None:
    config = yaml.safe_load((REPO / "deploy/prometheus/prometheus.yml").read_text())
    targets = {
        job["job_name"]: [t for sc in job.get("static_configs", []) for t in sc["targets"]]
        for job in config["scrape_configs"]
    }
    assert targets["newswatch-worker"] == ["worker-1:9108", "worker-2:9108"]
    assert targets["newswatch-connectors"] == ["connectors:9109"]
    assert targets["newswatch-store"] == ["store:8088"]
    all_services = services()
    for job, addresses in targets.items():
        if job == "prometheus":
            continue
        for address in addresses:
            assert address.split(":")[0] in all_services, f"{job}: {address}"
    mounted = all_services["prometheus"]["volumes"]
    assert "./deploy/prometheus:/etc/prometheus:ro" in mounted


def test_grafana_mounts_provisioning_and_dashboards_where_the_provider_looks() -> None:
    grafana = services()["grafana"]
    provider = yaml.safe_load((REPO / "deploy/grafana/provisioning/dashboards/newswatch.yml").read_text())
    path = provider["providers"][0]["options"]["path"]
    assert f"./deploy/grafana/dashboards:{path}:ro" in grafana["volumes"]
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in grafana["volumes"]
    assert "127.0.0.1:3000:3000" in grafana["ports"]


def test_app_services_bind_metrics_beyond_loopback() -> None:
    for name in APP_SERVICES:
        env = services()[name]["environment"]
        assert env["NEWSWATCH_WORKER__METRICS_HOST"] == "0.0.0.0", name
        assert env["NEWSWATCH_KAFKA__BOOTSTRAP_SERVERS"] == "kafka:9092", name


def test_app_commands_exist_in_the_cli() -> None:
    """Each compose command is a real ``newswatch`` subcommand (``--help`` exits 0)."""
    commands = {tuple(services()[name]["command"]): name for name in APP_SERVICES}
    for command, name in commands.items():
        result = subprocess.run(
            [sys.executable, "-m", "streams.cli", *command, "--help"],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
        )
        assert result.returncode == 0, f"{name}: newswatch {' '.join(command)}: {result.stderr[-500:]}"


def test_dockerfile_runs_newswatch_as_an_unprivileged_user() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11", text, re.MULTILINE)
    assert re.search(r"^USER newswatch$", text, re.MULTILINE)
    assert 'ENTRYPOINT ["newswatch"]' in text
    for port in ("9108", "9109", "8088"):
        assert port in re.search(r"^EXPOSE (.+)$", text, re.MULTILINE).group(1)  # type: ignore[union-attr]
    for package in ("streams", "connectors", "alerts"):
        assert f"COPY {package} ./{package}" in text
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


def _env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_app_environment_is_valid_settings() -> None:
    """Every NEWSWATCH_ variable the services get names a real setting (settings reject unknown keys)."""
    from streams.settings import load_settings

    for name in APP_SERVICES:
        service = services()[name]
        env: dict[str, str] = {}
        for entry in service["env_file"]:
            if entry.get("required", True):
                env.update(_env_file(REPO / entry["path"]))
        env.update({key: str(value) for key, value in service["environment"].items()})
        settings = load_settings(None, environ=env)
        assert settings.kafka.bootstrap_servers == "kafka:9092", name
        assert settings.worker.metrics_host == "0.0.0.0", name
        assert settings.store.url.get_secret_value().startswith("postgresql://"), name
        if name.startswith("worker"):
            assert settings.worker.store == "rocksdb://", name
