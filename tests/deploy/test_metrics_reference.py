"""Declared metrics follow the naming rules; docs/observability.md lists exactly what the code declares."""

from __future__ import annotations

import re

from metrics_inventory import DOC, MODULES, REPO, faust_metrics, project_metrics, render_doc
from promql_catalog import (
    FORBIDDEN_LABELS,
    family,
    metric_names,
    panel_queries,
    recorded_names,
    rule_queries,
    variable_queries,
)

NAME = re.compile(r"^newswatch_[a-z][a-z0-9_]*[a-z0-9]$")
TIME_WORDS = re.compile(r"\b(time|duration|latency|seconds?)\b", re.IGNORECASE)


def test_names_follow_the_rules() -> None:
    metrics = project_metrics()
    assert len(metrics) >= 40
    for m in metrics:
        assert NAME.match(m.name), m.name
        if m.kind == "counter":
            assert m.name.endswith("_total"), m.name
        else:
            assert not m.name.endswith("_total"), m.name
        assert not re.search(r"_(ms|milliseconds|kb|mb|minutes|hours)(_|$)", m.name), (
            f"{m.name}: use base units"
        )
        if m.kind == "histogram" and TIME_WORDS.search(m.help):
            assert m.name.endswith("_seconds"), f"{m.name}: durations are histograms in seconds"


def test_names_are_unique_and_labels_bounded() -> None:
    names = [m.name for m in project_metrics()]
    assert len(names) == len(set(names))
    for m in project_metrics():
        assert not set(m.labels) & FORBIDDEN_LABELS, f"{m.name}: {m.labels}"
        assert len(m.labels) <= 3, f"{m.name}: {m.labels}"


def test_faust_sensor_metrics_are_documented_under_the_worker_prefix() -> None:
    names = {m.name for m in faust_metrics()}
    assert {
        "newswatch_faust_topic_partition_end_offset",
        "newswatch_faust_topic_partition_offset_commited",
        "newswatch_faust_total_events_per_stream_total",
    } <= names


def test_docs_tables_match_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render_doc(text) == text, "run: .venv/bin/python tests/deploy/metrics_inventory.py --write-docs"


PROCESS_METRICS = {
    "up",
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "process_virtual_memory_bytes",
    "process_open_fds",
    "process_max_fds",
    "process_start_time_seconds",
}


def test_every_metric_a_dashboard_or_rule_reads_is_declared_in_the_code() -> None:
    """The static half of the live test: no query reads a name that no metrics module declares."""
    declared = {m.name for m in project_metrics()} | {m.name for m in faust_metrics()} | PROCESS_METRICS
    declared |= recorded_names()
    queries = [(q.origin, q.expr) for q in panel_queries() + rule_queries()]
    queries += [(v.origin, v.selector) for v in variable_queries() if v.selector]
    missing = sorted(
        f"{origin}: {name}"
        for origin, expr in queries
        for name in metric_names(expr)
        if name not in declared and family(name) not in declared
    )
    assert not missing, "\n".join(missing)


def test_no_metric_is_declared_outside_the_inventoried_modules() -> None:
    """A new metrics module must be added to metrics_inventory.MODULES (and so to the docs)."""
    known = {name for name, _ in MODULES}
    pattern = re.compile(
        r"^from prometheus_client(?:\.metrics)? import .*\b(Counter|Gauge|Histogram|Summary)\b", re.M
    )
    strays = []
    for package in ("streams", "connectors", "alerts"):
        for path in sorted((REPO / package).rglob("*.py")):
            if pattern.search(path.read_text(encoding="utf-8")):
                module = ".".join(path.relative_to(REPO).with_suffix("").parts)
                if module not in known:
                    strays.append(module)
    assert not strays, f"metrics declared outside the inventory: {strays}"
