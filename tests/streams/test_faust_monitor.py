"""The cached Faust sensor writes exactly the series Faust's own PrometheusMonitor writes."""

from __future__ import annotations

from types import SimpleNamespace

from faust.sensors.prometheus import FaustMetrics, PrometheusMonitor
from faust.types import TP
from prometheus_client import CollectorRegistry

from streams.worker.faust_monitor import CachedPrometheusMonitor

TIMED = ("_ms_", "latency")  # histograms of wall time: compared by count only


def _samples(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for metric in registry.collect():
        for sample in metric.samples:
            if sample.name.endswith("_created"):  # creation time stamps
                continue
            timed = any(part in sample.name for part in TIMED)
            if timed and not sample.name.endswith("_count"):
                continue
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


class _Task:
    """An agent's task, as a stream's owner (Faust keys its lookups by it, weakly)."""


class _Stream:
    def __init__(self, name: str) -> None:
        self.shortlabel = f"Stream: {name}"
        self.task_owner = _Task()


def _drive(monitor: PrometheusMonitor) -> None:
    """A day in the life of a worker: records, events, sends, table use, commits, a rebalance."""
    raw, unique = TP("articles.raw", 0), TP("articles.unique", 1)
    streams = [_Stream("newswatch.articles"), _Stream("newswatch.merge")]
    table = SimpleNamespace(name="dedupe-fingerprints")
    for round_ in range(3):
        for offset in range(5):
            for tp, stream in zip((raw, unique), streams, strict=True):
                message = SimpleNamespace(time_in=None)
                monitor.on_message_in(tp, offset, message)  # type: ignore[arg-type]
                state = monitor.on_stream_event_in(tp, offset, stream, None)  # type: ignore[arg-type]
                monitor.on_table_get(table, b"k")  # type: ignore[arg-type]
                monitor.on_table_set(table, b"k", b"v")  # type: ignore[arg-type]
                sent = monitor.on_send_initiated(None, "events", None, 1, 2)  # type: ignore[arg-type]
                monitor.on_send_completed(None, sent, None)  # type: ignore[arg-type]
                monitor.on_stream_event_out(tp, offset, stream, None, state)  # type: ignore[arg-type]
                monitor.on_message_out(tp, offset, message)  # type: ignore[arg-type]
            monitor.track_tp_end_offset(raw, 100 + offset)
        monitor.on_table_del(table, b"k")  # type: ignore[arg-type]
        monitor.on_tp_commit({raw: 5 * (round_ + 1), unique: 4})
        if round_ == 1:  # Faust removes the partition series; both must start them again
            app = SimpleNamespace(rebalancing_count=1)
            rebalance = monitor.on_rebalance_start(app)  # type: ignore[arg-type]
            monitor.on_rebalance_return(app, rebalance)  # type: ignore[arg-type]
            monitor.on_rebalance_end(app, rebalance)  # type: ignore[arg-type]


def test_cached_monitor_writes_the_same_series_as_faust() -> None:
    stock_registry, cached_registry = CollectorRegistry(), CollectorRegistry()
    _drive(PrometheusMonitor(metrics=FaustMetrics.create(stock_registry, "nw")))
    _drive(CachedPrometheusMonitor(metrics=FaustMetrics.create(cached_registry, "nw")))

    stock, cached = _samples(stock_registry), _samples(cached_registry)

    assert cached == stock
    assert stock[("nw_messages_received_per_topic_total", (("topic", "articles.raw"),))] == 5
    assert (
        stock[
            (
                "nw_table_operations_total",
                (("operation", "keys_updated"), ("table", "table.dedupe-fingerprints")),
            )
        ]
        == 30
    )
