"""Every metric the code declares, read from the packages' metrics modules (and Faust's sensor).

``python tests/deploy/metrics_inventory.py`` prints the reference table of docs/observability.md.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.metrics import Counter, Gauge, Histogram, MetricWrapperBase, Summary

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

#: Metrics modules, in pipeline order, with the process that exposes them.
MODULES: tuple[tuple[str, str], ...] = (
    ("connectors.metrics", "connectors"),
    ("streams.worker.metrics", "worker"),
    ("streams.dedupe.metrics", "worker"),
    ("streams.detect.metrics", "worker"),
    ("alerts.metrics", "worker"),
    ("streams.store.metrics", "worker, store"),
)
FAUST_PREFIX = "newswatch_faust"


@dataclass(frozen=True)
class Metric:
    name: str  # as queried: counters with _total, histograms by their base name
    kind: str  # counter | gauge | histogram | summary
    labels: tuple[str, ...]
    help: str
    module: str
    process: str


def _kind(metric: MetricWrapperBase) -> str:
    for cls, kind in ((Counter, "counter"), (Histogram, "histogram"), (Summary, "summary"), (Gauge, "gauge")):
        if isinstance(metric, cls):
            return kind
    return "untyped"


def _describe(metric: MetricWrapperBase, module: str, process: str) -> Metric:
    kind = _kind(metric)
    name = metric._name + ("_total" if kind == "counter" else "")
    return Metric(name, kind, tuple(metric._labelnames), metric._documentation, module, process)


def project_metrics(strict: bool = False) -> list[Metric]:
    """The metrics of every module in ``MODULES`` that exists (all must exist when ``strict``)."""
    found = []
    for module_name, process in MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if strict or exc.name is None or not module_name.startswith(exc.name):
                raise
            continue
        seen: set[int] = set()
        for value in vars(module).values():
            if isinstance(value, MetricWrapperBase) and not value._labelvalues and id(value) not in seen:
                seen.add(id(value))
                found.append(_describe(value, module_name, process))
    return sorted(found, key=lambda m: (MODULES.index(next(x for x in MODULES if x[0] == m.module)), m.name))


def faust_metrics() -> list[Metric]:
    """Faust's Prometheus sensor metrics as the worker registers them (prefix ``newswatch_faust``)."""
    from faust.sensors.prometheus import FaustMetrics

    registry = CollectorRegistry()
    metrics = FaustMetrics.create(registry, FAUST_PREFIX)
    module = "faust.sensors.prometheus"
    described = (_describe(m, module, "worker") for m in metrics if isinstance(m, MetricWrapperBase))
    return sorted(described, key=lambda m: m.name)


def table(metrics: list[Metric]) -> str:
    lines = ["| metric | type | labels | process | meaning |", "| --- | --- | --- | --- | --- |"]
    for m in metrics:
        labels = ", ".join(f"`{label}`" for label in m.labels) or "—"
        meaning = m.help.replace("|", "\\|")
        lines.append(f"| `{m.name}` | {m.kind} | {labels} | {m.process} | {meaning} |")
    return "\n".join(lines)


DOC = REPO / "docs" / "observability.md"
MARKERS = {
    "project": ("<!-- metrics-table:project:begin -->", "<!-- metrics-table:project:end -->"),
    "faust": ("<!-- metrics-table:faust:begin -->", "<!-- metrics-table:faust:end -->"),
}


def render_doc(text: str) -> str:
    """The docs text with both generated tables replaced by what the code declares now."""
    tables = {"project": table(project_metrics()), "faust": table(faust_metrics())}
    for key, (begin, end) in MARKERS.items():
        head, found, rest = text.partition(begin)
        if not found:
            raise ValueError(f"{begin} missing in {DOC}")
        _, found, tail = rest.partition(end)
        if not found:
            raise ValueError(f"{end} missing in {DOC}")
        text = f"{head}{begin}\n{tables[key]}\n{end}{tail}"
    return text


if __name__ == "__main__":
    if "--write-docs" in sys.argv:
        DOC.write_text(render_doc(DOC.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"updated the metric tables in {DOC.relative_to(REPO)}")
    else:
        print(table(project_metrics()))
        print()
        print(table(faust_metrics()))
