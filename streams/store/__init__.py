"""The event store: events and alert deliveries in SQLite or PostgreSQL, an HTTP API and a live page."""

from __future__ import annotations

from urllib.parse import urlsplit

from streams.settings.store import StoreSettings
from streams.store.base import (
    Delivery,
    EventDetail,
    EventPage,
    EventQuery,
    EventStore,
    EventSummary,
    Outcome,
    QueryError,
    StoreError,
)


def open_store(settings: StoreSettings) -> EventStore:
    """A SQLite or PostgreSQL store chosen by the URL's scheme (connections open lazily)."""
    url = settings.url.get_secret_value()
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        from streams.store.sqlite import SQLiteStore

        return SQLiteStore(url)
    if scheme in ("postgresql", "postgres"):
        from streams.store.postgres import PostgresStore

        return PostgresStore(
            url, pool_size=settings.pool_size, connect_timeout_seconds=settings.connect_timeout_seconds
        )
    raise StoreError(f"unsupported database URL {settings.safe_url!r}")


__all__ = [
    "Delivery",
    "EventDetail",
    "EventPage",
    "EventQuery",
    "EventStore",
    "EventSummary",
    "Outcome",
    "QueryError",
    "StoreError",
    "StoreSettings",
    "open_store",
]
