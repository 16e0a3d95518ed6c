"""Worker-level metrics: what enters each stage, what leaves it, and every failure path."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram

from streams.process_metrics import optional_modules, process_registry

STAGES = ("dedupe", "detect", "merge", "alert", "store")
#: The metrics modules of the stages the worker runs (alerts and store are plugged in by name).
WORKER_METRICS_MODULES = (
    "streams.worker.metrics",
    "streams.dedupe.metrics",
    "streams.detect.metrics",
    "streams.store.metrics",
    "alerts.metrics",
)

ARTICLES_RECEIVED = Counter(
    "newswatch_articles_received_total", "Articles read from articles.raw by the worker."
)
ARTICLES_INVALID = Counter(
    "newswatch_articles_invalid_total",
    "Records on articles.raw that could not be decoded (sent to articles.dlq).",
)
ARTICLES_UNIQUE = Counter("newswatch_articles_unique_total", "Articles found unique and passed to detection.")
ARTICLES_DUPLICATE = Counter(
    "newswatch_articles_duplicate_total",
    "Articles found to duplicate one already seen (recorded, not detected again).",
)
EVENT_REPORTS = Counter(
    "newswatch_event_reports_total", "Event reports sent to the events topic, by type.", ["type"]
)
EVENTS_MERGED = Counter(
    "newswatch_events_merged_total",
    "Event reports merged into the event table, by the merge's reason (first, confirmed, new_source, ...).",
    ["reason"],
)
ALERTS_EMITTED = Counter(
    "newswatch_alerts_emitted_total", "Alerts written to the alerts topic, by reason.", ["reason"]
)
STAGE_ERRORS = Counter(
    "newswatch_stage_errors_total", "Records a stage failed to process (logged and dead-lettered).", ["stage"]
)
STAGE_SECONDS = Histogram(
    "newswatch_stage_seconds",
    "Time a stage spends on one record, by stage.",
    ["stage"],
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
MERGE_SEND_RETRIES = Counter(
    "newswatch_merge_send_retries_total",
    "Merge-stage records (alerts, merged events, dead letters) sent again because the broker did not "
    "acknowledge them, by reason (timeout, unavailable, broker_refused, alone: a refused burst's record "
    "sent again on its own).",
    ["reason"],
)
MERGE_DEAD_LETTERS = Counter(
    "newswatch_merge_dead_letters_total",
    "Merge-stage records the broker refused for good (too_large, invalid_record), replaced by a dead "
    "letter with their key and reason on events.dlq.",
    ["reason"],
)
EVENT_REPORTS_DEAD_LETTERED = Counter(
    "newswatch_event_reports_dead_lettered_total",
    "Event reports the merge stage could not fold (undecodable, merge_failed), sent to events.dlq under "
    "their event id.",
    ["reason"],
)
PARTITIONS_REWOUND = Counter(
    "newswatch_partitions_rewound_total",
    "Partitions without a committed offset read again from their first record after a rebalance, by outcome "
    "(rewound, failed: the next rebalance seeks them).",
    ["outcome"],
)
EVENT_LAG_SECONDS = Histogram(
    "newswatch_article_to_event_seconds",
    "Time from an article's fetch to its event report leaving detection.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)


def init_labels() -> None:
    """Create every labelled series at zero so dashboards show 0 rather than nothing."""
    for stage in STAGES:
        STAGE_ERRORS.labels(stage=stage)
    for reason in ("first", "confirmed", "new_source", "new_report", "duplicate"):
        EVENTS_MERGED.labels(reason=reason)
    for reason in ("first", "confirmed"):
        ALERTS_EMITTED.labels(reason=reason)
    for reason in ("timeout", "unavailable", "broker_refused", "alone"):
        MERGE_SEND_RETRIES.labels(reason=reason)
    for reason in ("too_large", "invalid_record"):
        MERGE_DEAD_LETTERS.labels(reason=reason)
    for reason in ("undecodable", "merge_failed"):
        EVENT_REPORTS_DEAD_LETTERED.labels(reason=reason)


def worker_registry(*extra: Iterable[object]) -> CollectorRegistry:
    """What the worker process serves: its stages' families (``extra``: Faust's sensor set) and the
    process' own, none of the connectors'."""
    return process_registry([*optional_modules(WORKER_METRICS_MODULES), *extra])
