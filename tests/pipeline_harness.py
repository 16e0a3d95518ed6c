"""Run the real pipeline (worker + connectors as subprocesses) against the real broker, for tests.

Each run gets its own topic prefix, Faust app id, folders and ports, so runs never share state.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stage_seeds(seeds: Path, spool: Path, names: list[str] | None = None) -> list[Path]:
    """Copy seeds with their sidecars into ``spool`` (the same code `make run` uses)."""
    sys.path.insert(0, str(REPO / "deploy" / "seeds"))
    try:
        from stage_seeds import stage  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return stage(seeds, spool, names)


def scrape(port: int) -> dict[str, float]:
    """The /metrics page of a process as {series: value} (labels kept in the series name)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    values: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            try:
                values[name] = float(value)
            except ValueError:
                continue
    return values


def metric_sum(values: dict[str, float], name: str) -> float:
    """Sum of every series of one metric (all label sets)."""
    return sum(v for k, v in values.items() if k == name or k.startswith(name + "{"))


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception as exc:  # the process may not be up yet
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last_error})")


@dataclass
class Pipeline:
    """Config, folders and child processes of one test pipeline."""

    root: Path
    bootstrap: str
    prefix: str
    overrides: dict[str, Any] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.spool = self.root / "spool"
        self.worker_metrics_port = free_port()
        self.connector_metrics_port = free_port()
        self.web_port = free_port()
        self.api_port = free_port()
        self.config_path = self.root / "newswatch.yaml"
        config: dict[str, Any] = {
            "kafka": {"bootstrap_servers": self.bootstrap, "topic_prefix": self.prefix, "partitions": 2},
            "worker": {
                "app_id": f"{self.prefix}newswatch",
                "data_dir": str(self.root / "worker"),
                "metrics_port": self.worker_metrics_port,
                "web_port": self.web_port,
            },
            "connectors": {
                "spool_dir": str(self.spool),
                "spool_poll_seconds": 0.2,
                "metrics_port": self.connector_metrics_port,
                "state_dir": str(self.root / "connectors"),
                "use_default_feeds": False,
            },
            "alerts": {"console": True, "state_dir": str(self.root / "alerts")},
            "store": {
                "url": f"sqlite:///{self.root / 'events.db'}",
                "serve_api_in_worker": True,
                "api_port": self.api_port,
            },
        }
        for section, values in self.overrides.items():
            config.setdefault(section, {}).update(values)
        self.root.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
        self.create_topics()

    def create_topics(self) -> None:
        """Create the run's topics up front, so a test producer never auto-creates one with 1 partition."""
        from streams.admin import ensure_topics
        from streams.settings import load_settings

        ensure_topics(load_settings(self.config_path, environ={}))

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        env["NEWSWATCH_CONFIG"] = str(self.config_path)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def start(self, name: str) -> subprocess.Popen[bytes]:
        """Start ``newswatch worker`` or ``newswatch connectors``; output goes to <root>/<name>.log."""
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", name], cwd=REPO, env=self._env(), stdout=log, stderr=log
        )
        self.processes[name] = process
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 60) -> int | None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return None if process is None else process.returncode
        process.send_signal(sig)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def log_text(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def worker_metrics(self) -> dict[str, float]:
        return scrape(self.worker_metrics_port)

    def connector_metrics(self) -> dict[str, float]:
        return scrape(self.connector_metrics_port)

    def api(self, path: str) -> Any:
        """GET a JSON document from the worker's event API."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}{path}", timeout=5) as response:
            return json.loads(response.read())

    def assert_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(
                    f"{name} exited with {process.returncode}:\n{self.log_text(name)[-4000:]}"
                )


def alert_payloads(requests: list[Any]) -> list[dict[str, Any]]:
    """JSON bodies of the webhook requests a pytest-httpserver received."""
    return [json.loads(request.get_data()) for request in requests]
