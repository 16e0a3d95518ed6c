"""Helpers shared by the store tests: raw row counts on either backend."""

from __future__ import annotations

import sqlite3
from typing import Any

from streams.store.sqlite import sqlite_path

TABLES = (
    "events",
    "event_participants",
    "event_reports",
    "event_sources",
    "deliveries",
    "alerts",
    "schema_migrations",
)


def run_sql(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of one statement run directly on the database behind ``url`` (outside the store)."""
    if url.startswith("sqlite:"):
        with sqlite3.connect(sqlite_path(url)) as conn:
            return list(conn.execute(sql.replace("%s", "?"), params).fetchall())
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def row_counts(url: str) -> dict[str, int]:
    """Rows per store table."""
    return {table: int(run_sql(url, f"SELECT count(*) FROM {table}")[0][0]) for table in TABLES}
