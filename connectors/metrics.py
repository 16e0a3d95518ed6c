"""Every Prometheus metric the connectors export, in one place so names stay consistent.

Feed metrics carry ``feed`` (the feed's name, default its host) and ``host`` labels; the spool uses
``feed="spool"``. Names are listed with their meaning in docs/connectors.md.
"""

from __future__ import annotations

import sys

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from streams.process_metrics import process_registry

FEED_LABELS = ("feed", "host")

FETCHES = Counter(
    "newswatch_feed_fetches_total",
    "Feed fetches by outcome: HTTP status code, or timeout/too_large/blocked/error.",
    [*FEED_LABELS, "status"],
)
FETCH_BYTES = Counter(
    "newswatch_feed_fetch_bytes_total", "Body bytes read (after decompression).", FEED_LABELS
)
ENTRIES = Counter(
    "newswatch_feed_entries_total",
    "Feed entries by outcome: new (produced), seen (skipped as already produced), invalid (skipped), "
    "rejected (Kafka will never take it: skipped, remembered as seen).",
    [*FEED_LABELS, "outcome"],
)
PARSE_ERRORS = Counter(
    "newswatch_feed_parse_errors_total",
    "Feed documents that were malformed (feedparser bozo) or could not be parsed at all.",
    FEED_LABELS,
)
FETCH_SECONDS = Histogram(
    "newswatch_feed_fetch_duration_seconds",
    "Time to fetch one feed document, redirects included.",
    FEED_LABELS,
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
LAST_SUCCESS = Gauge(
    "newswatch_feed_last_success_timestamp_seconds", "Unix time of the last successful poll.", FEED_LABELS
)
BACKOFF = Gauge(
    "newswatch_feed_backoff_seconds",
    "Current extra wait beyond the feed's interval (error or idle back-off; 0 when polling normally).",
    FEED_LABELS,
)
FULL_TEXT = Counter(
    "newswatch_full_text_fetches_total",
    "Article page fetches for full text, by outcome.",
    ["host", "outcome"],
)
SPOOL_FILES = Counter(
    "newswatch_spool_files_total", "Spool files processed, by outcome (done, failed).", ["outcome"]
)
SPOOL_BAD_LINES = Counter("newswatch_spool_bad_lines_total", "JSON lines in spool files that were skipped.")
ARTICLES_PRODUCED = Counter(
    "newswatch_articles_produced_total", "Articles acknowledged by Kafka, by connector.", ["connector"]
)
PRODUCER_ERRORS = Counter(
    "newswatch_producer_errors_total", "Failed delivery attempts (each one is retried, never dropped)."
)
PRODUCER_IN_FLIGHT = Gauge("newswatch_producer_in_flight", "Articles sent and not yet acknowledged.")
FEEDS_CONFIGURED = Gauge("newswatch_feeds_configured", "Feeds the scheduler is polling.")
READBACK_ARTICLES = Counter(
    "newswatch_connector_readback_articles_total",
    "Articles left in flight at the last stop, by outcome at start-up: found (on the topic, recorded as "
    "produced) or resent (sent again).",
    ["outcome"],
)
ARTICLES_TRUNCATED = Counter(
    "newswatch_articles_truncated_total",
    "Articles whose text was cut to fit producer.max_article_bytes (flagged text_truncated), by connector.",
    ["connector"],
)
ARTICLES_REJECTED = Counter(
    "newswatch_articles_rejected_total",
    "Articles skipped because Kafka will never take them, by connector and reason (too_large: not even "
    "without text; not_encodable; refused: the broker answered too large or invalid).",
    ["connector", "reason"],
)
SPOOL_FAILED_FILES = Counter(
    "newswatch_spool_failed_files_total",
    "Spool files moved to failed/, by reason (not_regular_file, foreign_owner, bad_name, too_large, empty, "
    "binary, undecodable, bad_sidecar, bad_date, rejected, error).",
    ["reason"],
)


def connector_registry() -> CollectorRegistry:
    """What the connector process serves: these families and the process' own, nothing of the worker's
    or the alerts' (which the CLI imports too)."""
    return process_registry([sys.modules[__name__]])
