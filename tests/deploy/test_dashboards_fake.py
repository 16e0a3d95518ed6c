"""Real Prometheus scraping stand-in processes that declare the project's real metrics.

Faster and independent of Kafka: proves every dashboard panel, variable and recording rule finds data
under the names and labels the code declares, and every rule evaluates without error. The end-to-end
version against a real pipeline run is test_dashboards_live.py.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_checks import evaluate_everything, undeclared_metrics
from prometheus_harness import PrometheusHarness, free_port, prometheus_binary

HERE = Path(__file__).resolve().parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        prometheus_binary() is None, reason="prometheus not installed (apt-get install prometheus)"
    ),
]


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"fake exporter exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"fake exporter not listening on {port}")


@pytest.fixture(scope="module")
def fake_targets() -> Iterator[dict[str, list[str]]]:
    processes = []
    targets: dict[str, list[str]] = {}
    try:
        for role, job in (("worker", "newswatch-worker"), ("connectors", "newswatch-connectors")):
            port = free_port()
            process = subprocess.Popen(
                [
                    sys.executable,
                    str(HERE / "fake_exporter.py"),
                    "--role",
                    role,
                    "--port",
                    str(port),
                    "--seconds",
                    "300",
                ],
                stdout=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
            )
            processes.append(process)
            _wait_listening(port, process)
            targets[job] = [f"127.0.0.1:{port}"]
        yield targets
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def prom(
    fake_targets: dict[str, list[str]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrometheusHarness]:
    with PrometheusHarness(fake_targets, tmp_path_factory.mktemp("prometheus")) as harness:
        harness.wait_for_targets()
        # Rates need two scrapes inside the window; recording rules a couple of evaluations.
        harness.wait_for("sum(rate(newswatch_articles_produced_total[30s])) > 0", timeout=30)
        harness.wait_for_rule_evaluations(rounds=2)
        yield harness


def test_every_dashboard_and_rule_expression_returns_data(prom: PrometheusHarness) -> None:
    report = evaluate_everything(prom, rate_interval="30s", range_="5m")
    print(report.summary())
    assert not report.failures, report.summary()
    assert report.evaluated > 60


def test_the_checks_catch_a_query_without_data_and_an_undeclared_metric(prom: PrometheusHarness) -> None:
    assert prom.query('sum(rate(newswatch_feed_fetches_total{feed="no-such-feed"}[30s]))') == []
    missing = undeclared_metrics(
        prom, [("panel", "rate(newswatch_feed_fetches_total[1m]) / rate(newswatch_no_such_thing_total[1m])")]
    )
    assert missing == ["panel: newswatch_no_such_thing_total"]


def test_harness_keeps_the_deployment_jobs_and_rules(prom: PrometheusHarness) -> None:
    jobs = {t["labels"]["job"] for t in prom.targets_health()}
    assert jobs == {"newswatch-worker", "newswatch-connectors"}
    files = {g["file"].rsplit("/", 1)[-1] for g in prom.rule_groups()}
    assert files == {"newswatch-recording.yml", "newswatch-alerts.yml"}
