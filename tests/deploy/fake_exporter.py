"""A stand-in for the worker or connector process: the project's real metric definitions, exercised.

``python fake_exporter.py --role worker --port N`` imports every metrics module that process loads
(the declarations are the real ones, so a renamed metric shows up here at once), registers Faust's
Prometheus sensor metrics under the prefix the worker uses, gives every labelled metric a few typical
label values and keeps counting, so rates are non-zero. Used by test_dashboards_fake.py when no real
pipeline run is available; the live test uses the real processes instead.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import random
import sys
import time
from pathlib import Path

from prometheus_client import REGISTRY, start_http_server
from prometheus_client.metrics import Counter, Gauge, Histogram, MetricWrapperBase, Summary

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

#: The metrics modules each process imports (modules that do not exist yet are skipped).
ROLE_MODULES = {
    "worker": (
        "streams.worker.metrics",
        "streams.dedupe.metrics",
        "streams.detect.metrics",
        "streams.store.metrics",
        "alerts.metrics",
    ),
    "connectors": ("connectors.metrics",),
}
FAUST_PREFIX = "newswatch_faust"

#: Typical values per label name; a label missing here gets "x".
LABEL_VALUES: dict[str, tuple[str, ...]] = {
    "feed": ("example-news", "example-wire"),
    "host": ("news.example.org",),
    "status": ("200", "304", "timeout"),
    "outcome": ("ok", "new", "seen", "done", "delivered", "dead_lettered", "inserted", "unique", "duplicate"),
    "result": ("delivered", "retry"),
    "sink": ("console", "webhook"),
    "type": ("leader_call", "ceasefire_violated"),
    "reason": ("first", "new_source", "negated"),
    "sent": ("true", "false"),
    "stage": ("dedupe", "detect", "merge", "alert", "store"),
    "connector": ("rss", "spool"),
    "language": ("en",),
    "table": ("events", "deliveries"),
    "route": ("/api/events",),
    "topic": ("articles.raw", "events"),
    "partition": ("0", "1"),
    "stream": ("stream.articles_raw.events",),
    "operation": ("completed",),
    "metric": ("x",),
    "status_code": ("200",),
}


def load_modules(role: str) -> list[str]:
    loaded = []
    for name in ROLE_MODULES[role]:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
            continue
        loaded.append(name)
    if role == "worker":
        from faust.sensors.prometheus import FaustMetrics

        FaustMetrics.create(REGISTRY, FAUST_PREFIX)
    return loaded


def project_metrics() -> list[MetricWrapperBase]:
    collectors = getattr(REGISTRY, "_collector_to_names", {})
    return [c for c in list(collectors) if isinstance(c, MetricWrapperBase)]


def children(metric: MetricWrapperBase) -> list[MetricWrapperBase]:
    names = list(getattr(metric, "_labelnames", ()))
    if not names:
        return [metric]
    combos = itertools.product(*(LABEL_VALUES.get(n, ("x",)) for n in names))
    return [metric.labels(*combo) for combo in combos]


def tick(metrics: list[MetricWrapperBase], step: int) -> None:
    for metric in metrics:
        for child in children(metric):
            if isinstance(metric, Counter):
                child.inc(random.randint(1, 3))  # type: ignore[attr-defined]
            elif isinstance(metric, (Histogram, Summary)):
                child.observe(random.uniform(0.001, 0.5))  # type: ignore[attr-defined]
            elif isinstance(metric, Gauge):
                name = metric._name
                if "offset_commited" in name:
                    child.set(step * 10 - 3)  # type: ignore[attr-defined]
                elif "offset" in name:
                    child.set(step * 10)  # type: ignore[attr-defined]
                elif name.endswith("_timestamp_seconds"):
                    child.set(time.time() - random.uniform(0, 30))  # type: ignore[attr-defined]
                else:
                    child.set(random.randint(0, 3))  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", choices=sorted(ROLE_MODULES), required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=600.0, help="exit after this long")
    args = parser.parse_args(argv)
    loaded = load_modules(args.role)
    metrics = project_metrics()
    start_http_server(args.port, addr="127.0.0.1")
    print(f"fake {args.role} exporter on 127.0.0.1:{args.port}: {', '.join(loaded)}", flush=True)
    deadline = time.monotonic() + args.seconds
    step = 0
    while time.monotonic() < deadline:
        step += 1
        tick(metrics, step)
        time.sleep(0.5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
