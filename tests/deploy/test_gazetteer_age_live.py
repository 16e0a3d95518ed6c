"""Debian's real Prometheus scrapes the worker's metric families with the gazetteer age set by the
worker's start-up code: a stale user file makes NewswatchGazetteerStale pending (it fires after its
``for: 1h``, proven by the promtool unit test), a fresh one keeps it inactive."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_harness import PrometheusHarness, free_port, prometheus_binary

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        prometheus_binary() is None, reason="prometheus not installed (apt-get install prometheus)"
    ),
]

EXPORTER = textwrap.dedent(
    """
    import sys, time
    from prometheus_client import start_http_server
    from streams.detect.gazetteer import Gazetteer
    from streams.detect.gazetteer_age import watch_gazetteer_age
    from streams.worker.metrics import worker_registry
    watch_gazetteer_age(Gazetteer.load(sys.argv[2]))
    start_http_server(int(sys.argv[1]), addr="127.0.0.1", registry=worker_registry())
    while True:
        time.sleep(1)
    """
)

USER_FILE = """format: 1
as_of: {as_of}
people: []
"""


@pytest.fixture
def worker_metrics(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Two exporters serving the worker registry: one with data 60 days old, one with data 2 days old."""
    today = datetime.now(UTC).date()
    processes: list[subprocess.Popen[bytes]] = []
    addresses: dict[str, str] = {}
    try:
        for name, age in (("stale", 60), ("fresh", 2)):
            path = tmp_path / f"{name}.yaml"
            path.write_text(USER_FILE.format(as_of=(today - timedelta(days=age)).isoformat()))
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-c", EXPORTER, str(port), str(path)],
                    cwd=REPO,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            addresses[name] = f"127.0.0.1:{port}"
        yield addresses
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def test_stale_data_makes_the_alert_pending_on_a_real_prometheus(
    worker_metrics: dict[str, str], tmp_path: Path
) -> None:
    targets = {"newswatch-worker": [worker_metrics["stale"], worker_metrics["fresh"]]}
    with PrometheusHarness(targets, tmp_path / "prometheus") as prom:
        prom.wait_for_targets(timeout=120)
        ages = prom.wait_for("newswatch_gazetteer_age_days", timeout=60)
        by_instance = {r["metric"]["instance"]: float(r["value"][1]) for r in ages}
        assert by_instance == {worker_metrics["stale"]: 60.0, worker_metrics["fresh"]: 2.0}
        deadline = time.monotonic() + 60
        alerts: list[dict[str, str]] = []
        while time.monotonic() < deadline:
            prom.wait_for_rule_evaluations(rounds=1)
            alerts = [
                {"instance": a["labels"]["instance"], "state": a["state"]}
                for a in prom.api("alerts")["alerts"]
                if a["labels"]["alertname"] == "NewswatchGazetteerStale"
            ]
            if alerts:
                break
    assert alerts == [{"instance": worker_metrics["stale"], "state": "pending"}]
