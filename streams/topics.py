"""Topic names: the one place they are spelled."""

from __future__ import annotations

ARTICLES_RAW = "articles.raw"
ARTICLES_UNIQUE = "articles.unique"
EVENTS = "events"
ALERTS = "alerts"
ALERTS_DLQ = "alerts.dlq"

ALL_TOPICS: tuple[str, ...] = (ARTICLES_RAW, ARTICLES_UNIQUE, EVENTS, ALERTS, ALERTS_DLQ)


def prefixed(name: str, prefix: str = "") -> str:
    """The topic name with an optional prefix (tests isolate themselves with one)."""
    return f"{prefix}{name}"
