"""Run Debian's real ``prometheus`` against local targets and query it through its HTTP API.

The generated configuration keeps the scrape jobs (names, metrics paths, relabelling) and rule files of
``deploy/prometheus/prometheus.yml`` and only swaps each job's targets for the given ``127.0.0.1``
addresses, so what the tests evaluate is what a deployment evaluates. Storage goes to a temporary
folder, the server listens on a free loopback port, scrapes and rule evaluations run every second.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
PROMETHEUS_CONFIG = PROMETHEUS_DIR / "prometheus.yml"


class PrometheusError(RuntimeError):
    """Prometheus did not start, a target stayed down, or the API answered with an error."""


def prometheus_binary() -> str | None:
    """The path of the ``prometheus`` server binary, or None when it is not installed."""
    return shutil.which("prometheus")


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def local_config(
    targets: Mapping[str, Sequence[str]],
    *,
    base: Path = PROMETHEUS_CONFIG,
    interval: str = "1s",
    extra_rule_files: Sequence[Path] = (),
) -> dict[str, Any]:
    """The deployment's configuration with each job in ``targets`` pointed at local addresses.

    Jobs of the deployment that ``targets`` does not name are dropped; a name that is no job of the
    deployment is an error (a typo would otherwise test nothing).
    """
    config = yaml.safe_load(base.read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config.get("scrape_configs", [])}
    unknown = sorted(set(targets) - set(jobs))
    if unknown:
        raise PrometheusError(f"no scrape job named {unknown} in {base} (jobs: {sorted(jobs)})")
    scrape_configs = []
    for name, addresses in targets.items():
        job = {
            key: value
            for key, value in jobs[name].items()
            if key not in {"static_configs", "file_sd_configs", "kubernetes_sd_configs", "dns_sd_configs"}
        }
        job["static_configs"] = [{"targets": list(addresses)}]
        job["scrape_interval"] = interval
        job["scrape_timeout"] = interval
        scrape_configs.append(job)
    rule_files = []
    for pattern in config.get("rule_files", []):
        rule_files.append(str((base.parent / pattern).resolve()))
    rule_files += [str(Path(p).resolve()) for p in extra_rule_files]
    glob = dict(config.get("global", {}))
    glob.update({"scrape_interval": interval, "scrape_timeout": interval, "evaluation_interval": interval})
    return {"global": glob, "rule_files": rule_files, "scrape_configs": scrape_configs}


class PrometheusHarness:
    """A throwaway Prometheus server; use as a context manager or call ``start``/``stop``."""

    def __init__(
        self,
        targets: Mapping[str, Sequence[str]],
        workdir: Path,
        *,
        base_config: Path = PROMETHEUS_CONFIG,
        interval: str = "1s",
        extra_rule_files: Sequence[Path] = (),
    ) -> None:
        self.targets = {job: list(addresses) for job, addresses in targets.items()}
        self.workdir = Path(workdir)
        self.config = local_config(
            self.targets, base=base_config, interval=interval, extra_rule_files=extra_rule_files
        )
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log_path = self.workdir / "prometheus.log"

    # -- lifecycle ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        binary = prometheus_binary()
        if binary is None:
            raise PrometheusError("the prometheus binary is not installed (apt-get install -y prometheus)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        config_path = self.workdir / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(self.config, sort_keys=False), encoding="utf-8")
        self.port = free_port()
        log = self._log_path.open("wb")
        self._process = subprocess.Popen(
            [
                binary,
                f"--config.file={config_path}",
                f"--storage.tsdb.path={self.workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--storage.tsdb.retention.time=1h",
                "--log.level=warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise PrometheusError(
                    f"prometheus exited with {self._process.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise PrometheusError(f"prometheus not ready after {timeout}s:\n{self.log_tail()}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def __enter__(self) -> PrometheusHarness:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self._log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- HTTP API ----------------------------------------------------------------------------------
    def api(self, path: str, **params: str | Sequence[str]) -> Any:
        """GET ``/api/v1/<path>``; the ``data`` member of a successful answer."""
        query = urllib.parse.urlencode(params, doseq=True)
        url = f"{self.url}/api/v1/{path}" + (f"?{query}" if query else "")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                body = json.load(response)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            raise PrometheusError(f"GET {path} {params}: HTTP {exc.code}: {detail}") from exc
        if body.get("status") != "success":
            raise PrometheusError(f"GET {path} {params}: {body}")
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """Evaluate an instant query now; the result series (a scalar comes back as one series)."""
        data = self.api("query", query=expr)
        if data["resultType"] in {"scalar", "string"}:
            return [{"metric": {}, "value": data["result"]}]
        return list(data["result"])

    def targets_health(self) -> list[dict[str, Any]]:
        return list(self.api("targets")["activeTargets"])

    def wait_for_targets(self, timeout: float = 30.0) -> None:
        """Wait until every configured target was scraped successfully at least once."""
        expected = sum(len(addresses) for addresses in self.targets.values())
        deadline = time.monotonic() + timeout
        health: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            health = self.targets_health()
            if len(health) == expected and all(t["health"] == "up" for t in health):
                return
            time.sleep(0.5)
        summary = [(t["scrapeUrl"], t["health"], t.get("lastError")) for t in health]
        raise PrometheusError(f"targets not up after {timeout}s: {summary}")

    def wait_for(self, expr: str, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Poll an expression until it returns data."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.query(expr)
            if result or time.monotonic() > deadline:
                return result
            time.sleep(0.5)

    def wait_for_rule_evaluations(self, rounds: int = 2, timeout: float = 30.0) -> None:
        """Wait until every rule group has been evaluated ``rounds`` more times."""

        def stamps() -> dict[str, str]:
            return {f"{g['file']}:{g['name']}": g.get("lastEvaluation", "") for g in self.rule_groups()}

        deadline = time.monotonic() + timeout
        for _ in range(rounds):
            before = stamps()
            while stamps() == before or any(v.startswith("0001") for v in stamps().values()):
                if time.monotonic() > deadline:
                    raise PrometheusError(f"rule groups not evaluated within {timeout}s")
                time.sleep(0.3)

    def rule_groups(self) -> list[dict[str, Any]]:
        return list(self.api("rules")["groups"])

    def metric_metadata(self) -> dict[str, list[dict[str, Any]]]:
        """Metric families the targets declare (``# HELP``/``# TYPE``), even those with no sample yet."""
        return dict(self.api("metadata"))

    def series_names(self) -> set[str]:
        return set(self.api("label/__name__/values"))


@contextlib.contextmanager
def running_prometheus(
    targets: Mapping[str, Sequence[str]], workdir: Path, **kwargs: Any
) -> Iterator[PrometheusHarness]:
    """Start Prometheus, wait for every target to be up, yield the harness, stop it."""
    harness = PrometheusHarness(targets, workdir, **kwargs)
    harness.start()
    try:
        harness.wait_for_targets()
        yield harness
    finally:
        harness.stop()
