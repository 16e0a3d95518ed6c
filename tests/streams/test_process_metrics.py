"""Each process serves only its own metric families (issue 17 item 9): the connectors no alert or worker
families, the worker no feed or spool families, though the CLI imports every package into both."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.deploy.metrics_inventory import faust_metrics, project_metrics

ROOT = Path(__file__).resolve().parents[2]
# Load every command module, as ``newswatch`` does before any command runs, then serve one process' metrics.
SERVE = {
    "connectors": "from connectors.runner import serve_metrics; serve_metrics({port})",
    "worker": "from streams.settings import Settings; from streams.worker.run import serve_metrics; "
    "serve_metrics(Settings(worker={{'metrics_port': {port}, 'metrics_host': '127.0.0.1'}}))",
}
PRELUDE = "import importlib, time; from streams.cli import COMMAND_MODULES; "
PRELUDE += "[importlib.import_module(m) for m in COMMAND_MODULES]; "


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _families(kind: str) -> set[str]:
    port = _free_port()
    code = PRELUDE + SERVE[kind].format(port=port) + "; print('ready', flush=True); time.sleep(120)"
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                    body = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        child.kill()
        child.wait(timeout=10)
    # unlabelled counters and histograms also give a ``<name>_created`` sample, parsed as a family
    return {f.name for f in text_string_to_metric_families(body) if not f.name.endswith("_created")}


def _declared(process: str) -> set[str]:
    """Family names (as the exposition parser gives them: counters without ``_total``) per process."""
    names = set()
    for metric in project_metrics():
        if process in metric.process.split(", "):
            names.add(metric.name.removesuffix("_total") if metric.kind == "counter" else metric.name)
    return names


@pytest.mark.timeout(120)
def test_connectors_serve_only_connector_families() -> None:
    served = {name for name in _families("connectors") if name.startswith("newswatch_")}
    assert served == _declared("connectors")
    assert "newswatch_alert_dlq_size" not in served and "newswatch_articles_received" not in served


@pytest.mark.timeout(120)
def test_worker_serves_only_worker_families() -> None:
    served = _families("worker")
    own = {
        name for name in served if name.startswith("newswatch_") and not name.startswith("newswatch_faust")
    }
    assert own == _declared("worker")
    assert "newswatch_feeds_configured" not in served and "newswatch_spool_files" not in served
    faust = {m.name.removesuffix("_total") if m.kind == "counter" else m.name for m in faust_metrics()}
    assert faust <= served
    assert "process_resident_memory_bytes" in served
