"""Every Prometheus metric of the alerts package (names and labels are listed in docs/alerts.md)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DELIVERIES = Counter(
    "newswatch_alert_deliveries_total",
    "Finished deliveries by sink and outcome (delivered, permanent, dead_lettered, duplicate).",
    ["sink", "outcome"],
)
ATTEMPTS = Counter(
    "newswatch_alert_delivery_attempts_total",
    "Delivery attempts by sink and attempt result (delivered, retry, permanent, circuit_open).",
    ["sink", "result"],
)
LATENCY = Histogram(
    "newswatch_alert_delivery_latency_seconds",
    "Time from the alert's creation (event time) to its successful delivery.",
    ["sink"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900),
)
ATTEMPT_SECONDS = Histogram(
    "newswatch_alert_attempt_seconds",
    "Duration of one delivery attempt (request to classified response).",
    ["sink"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUEUE_DEPTH = Gauge("newswatch_alert_queue_depth", "Deliveries queued or in flight per sink.", ["sink"])
DEAD_LETTERS = Counter(
    "newswatch_alert_dead_letters_total", "Alerts this process sent to the dead-letter topic.", ["sink"]
)
DLQ_SIZE = Gauge(
    "newswatch_alert_dlq_size", "Messages in alerts.dlq, as last counted by `newswatch dlq list`."
)
CIRCUIT_STATE = Gauge(
    "newswatch_alert_circuit_state", "Circuit breaker per sink: 0 closed, 1 half-open, 2 open.", ["sink"]
)
DECISIONS = Counter(
    "newswatch_alert_decisions_total",
    "Submit decisions by reason (first, new_source, ... when sent; silenced, repeat_interval, duplicate, "
    "no_route when suppressed) and whether the alert was sent.",
    ["reason", "sent"],
)
PENDING_GROUPS = Gauge(
    "newswatch_alert_pending_groups", "Alert groups waiting for group_wait/group_interval."
)
UNSETTLED = Gauge(
    "newswatch_alert_unsettled_alerts",
    "Alerts handed to their sinks and not yet delivered, dead-lettered or suppressed by every one "
    "(their offsets are not committed yet).",
)
QUEUE_OVERFLOWS = Counter(
    "newswatch_alert_queue_overflows_total",
    "Deliveries dead-lettered at once because the sink's queue was full while its circuit was open.",
    ["sink"],
)
QUEUE_FULL_WAITS = Counter(
    "newswatch_alert_queue_full_waits_total",
    "Times a full sink queue made the alert agent wait (back-pressure on the alerts topic).",
    ["sink"],
)
DELIVERY_LOG_ENTRIES = Gauge(
    "newswatch_alert_delivery_log_entries",
    "(alert, sink) deliveries known to the worker's delivery log (read at start, then followed).",
)
DELIVERY_LOG_WRITE_FAILURES = Counter(
    "newswatch_alert_delivery_log_write_failures_total",
    "Delivery records that could not be written to alerts.deliveries (a restart may repeat them).",
)
UNDECODABLE = Counter(
    "newswatch_alert_undecodable_total", "Records on the alerts topic that were not an alert (skipped)."
)
