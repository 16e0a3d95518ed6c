"""Topic names: the one place they are spelled."""

from __future__ import annotations

ARTICLES_RAW = "articles.raw"
ARTICLES_UNIQUE = "articles.unique"
ARTICLES_DLQ = "articles.dlq"
EVENTS = "events"
EVENTS_MERGED = "events.merged"
EVENTS_DLQ = "events.dlq"
ALERTS = "alerts"
ALERTS_DLQ = "alerts.dlq"
ALERT_DELIVERIES = "alerts.deliveries"
# The dedupe state every worker shares: one partition, compacted, created by its own module
# (streams/worker/state_log.py), so it is not in ALL_TOPICS.
DEDUPE_STATE = "dedupe.state"

ALL_TOPICS: tuple[str, ...] = (
    ARTICLES_RAW,
    ARTICLES_UNIQUE,
    ARTICLES_DLQ,
    EVENTS,
    EVENTS_MERGED,
    EVENTS_DLQ,
    ALERTS,
    ALERTS_DLQ,
    ALERT_DELIVERIES,
)


def prefixed(name: str, prefix: str = "") -> str:
    """The topic name with an optional prefix (tests isolate themselves with one)."""
    return f"{prefix}{name}"
