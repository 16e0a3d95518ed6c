"""The embedded SQLite event store: one connection used from a worker thread (``asyncio.to_thread``).

WAL mode lets the API process read while the worker writes; writers take ``BEGIN IMMEDIATE`` so the change
sequence (``seq``) is assigned without races across processes.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import orjson

from streams.records import Event
from streams.store import schema
from streams.store.base import EventDetail, EventPage, EventQuery, Outcome, StoreError
from streams.store.metrics import STORE_WRITES, measured_write

T = TypeVar("T")

_EVENT_COLUMNS = (
    "id", "seq", "type", "event_date", "conflict", "initiator", "alleged", "severity", "rule", "language",
    "headline", "cameo", "plover_category", "plover_mode", "topics", "source_count", "report_count",
    "first_reported", "last_reported", "stored_at", "updated_at", "search_text", "payload",
    "place_name", "place_country", "place_lat", "place_lon",
)  # fmt: skip


def upsert_event_sql(columns: tuple[str, ...]) -> str:
    """The statement writing an events row of these columns (the migrations' tests use older sets)."""
    return (
        f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        " ON CONFLICT (id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in columns if c not in ("id", "stored_at"))
    )


_UPSERT_EVENT = upsert_event_sql(_EVENT_COLUMNS)
_UPSERT_DELIVERY = (
    "INSERT INTO deliveries (alert_id, sink, outcome, event_id, attempts, error, delivered_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id, sink, outcome) DO UPDATE SET"
    + schema.DELIVERY_EVENT_UPDATE
    + " attempts = max(deliveries.attempts, excluded.attempts),"
    " error = CASE WHEN excluded.delivered_at >= deliveries.delivered_at"
    " THEN excluded.error ELSE deliveries.error END,"
    " delivered_at = max(deliveries.delivered_at, excluded.delivered_at)"
)


def sqlite_path(url: str) -> str:
    """The file path in ``sqlite:///relative``, ``sqlite:////absolute`` or ``sqlite:///:memory:``."""
    parts = urlsplit(url)
    if parts.scheme != "sqlite" or parts.netloc:
        raise StoreError("SQLite URL must look like sqlite:///path/to/file.db")
    path = unquote(parts.path)
    path = path[1:] if path.startswith("/") else path
    if not path:
        raise StoreError("SQLite URL has no file path")
    return path


class SQLiteStore:
    """EventStore on a SQLite file (the default for ``make run`` and tests)."""

    dialect: schema.Dialect = "sqlite"

    def __init__(self, url: str, *, busy_timeout_seconds: float = 10.0) -> None:
        self.path = sqlite_path(url)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=busy_timeout_seconds, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open SQLite database {self.path}: {exc}") from exc
        self._lock = threading.Lock()
        self._closed = False

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def call() -> T:
            with self._lock:
                if self._closed:
                    raise StoreError("store is closed")
                try:
                    return work(self._conn)
                except sqlite3.Error as exc:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise StoreError(f"SQLite error: {exc}") from exc
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise

        return await asyncio.to_thread(call)

    async def migrate(self) -> None:
        """Apply pending migrations, each in its own transaction."""
        migrations = schema.load_migrations("sqlite")

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(schema.MIGRATIONS_TABLE_SQL)
            conn.execute("BEGIN IMMEDIATE")
            applied = dict(conn.execute("SELECT version, checksum FROM schema_migrations").fetchall())
            pending = schema.check_applied(applied, migrations)
            conn.execute("COMMIT")
            for migration in pending:
                conn.execute("BEGIN IMMEDIATE")
                if conn.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
                ).fetchone():
                    conn.execute("COMMIT")
                    continue
                for statement in _statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    (
                        migration.version,
                        migration.name,
                        migration.checksum,
                        schema.db_time(datetime.now(UTC)),
                    ),
                )
                conn.execute("COMMIT")

        await self._run(work)

    async def upsert_event(self, event: Event) -> None:
        """Insert or replace the event and its child rows; skip unchanged and stale versions."""
        rows = schema.event_rows(event)
        await measured_write("events", self._run(lambda conn: _upsert(conn, rows)))

    async def record_delivery(
        self,
        *,
        alert_id: str,
        event_id: str,
        sink: str,
        outcome: str,
        attempts: int,
        error: str | None,
        at: datetime,
    ) -> None:
        """Record a delivery outcome, idempotent by (alert_id, sink, outcome)."""
        moment = schema.check_delivery(alert_id, event_id, sink, outcome, attempts, at)

        def work(conn: sqlite3.Connection) -> str:
            conn.execute("BEGIN IMMEDIATE")
            resolved = event_id
            if not resolved:
                row = conn.execute(schema.RESOLVE_ALERT_EVENT.format(p="?"), (alert_id,)).fetchone()
                resolved = row[0] if row else ""
            values = (alert_id, sink, outcome, resolved, attempts, _clip(error), schema.db_time(moment))
            exists = conn.execute(
                "SELECT 1 FROM deliveries WHERE alert_id = ? AND sink = ? AND outcome = ?", values[:3]
            ).fetchone()
            conn.execute(_UPSERT_DELIVERY, values)
            conn.execute("COMMIT")
            return Outcome.UPDATED if exists else Outcome.INSERTED

        await measured_write("deliveries", self._run(work))

    async def record_alert(self, *, alert_id: str, event_id: str, reason: str, created_at: datetime) -> None:
        """Remember which event an alert was about (idempotent); fills deliveries that lacked it."""
        moment = schema.db_time(schema.from_db_time(created_at))

        def work(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(schema.INSERT_ALERT.format(p="?"), (alert_id, event_id, reason, moment))
            conn.execute(schema.FILL_DELIVERY_EVENT.format(p="?"), (event_id, alert_id))
            conn.execute("COMMIT")

        await self._run(work)
        STORE_WRITES.labels("alerts", Outcome.UPDATED).inc()

    async def query_events(self, query: EventQuery) -> EventPage:
        """A page of matching events and the total count."""
        where, params = schema.filter_sql(query, "sqlite")

        def work(conn: sqlite3.Connection) -> EventPage:
            total = conn.execute(f"SELECT count(*) FROM events e{where}", params).fetchone()[0]
            sql = f"{schema.SELECT_SUMMARY}{where}{schema.order_sql(query)} LIMIT ? OFFSET ?"
            found = conn.execute(sql, [*params, query.limit, query.offset]).fetchall()
            cursor = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
            items = tuple(schema.summary_from_row(row) for row in found)
            return EventPage(items, int(total), query.limit, query.offset, int(cursor))

        return await self._run(work)

    async def get_event(self, event_id: str) -> EventDetail | None:
        """The event with its reports and deliveries, or None."""

        def work(conn: sqlite3.Connection) -> EventDetail | None:
            row = conn.execute(f"{schema.SELECT_SUMMARY} WHERE e.id = ?", (event_id,)).fetchone()
            if row is None:
                return None
            reports = conn.execute(schema.SELECT_REPORTS.format(p="?"), (event_id,)).fetchall()
            deliveries = conn.execute(schema.SELECT_DELIVERY.format(p="?"), (event_id,)).fetchall()
            return EventDetail(
                schema.summary_from_row(row),
                tuple(schema.evidence_from_row(r) for r in reports),
                tuple(schema.delivery_from_row(d) for d in deliveries),
            )

        return await self._run(work)

    async def ping(self) -> None:
        """Raise StoreError unless the file answers and carries every migration."""
        latest = len(schema.load_migrations("sqlite"))

        def work(conn: sqlite3.Connection) -> int:
            return int(conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0])

        if await self._run(work) < latest:
            raise StoreError("database schema is not migrated; run `newswatch store migrate`")

    async def close(self) -> None:
        """Close the connection (idempotent)."""

        def work() -> None:
            with self._lock:
                if not self._closed:
                    self._closed = True
                    self._conn.close()

        await asyncio.to_thread(work)


def _clip(error: str | None) -> str | None:
    return None if error is None else error[: schema.MAX_ERROR_CHARS]


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements (they hold no semicolons inside literals)."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def _adapt(value: Any) -> Any:
    if isinstance(value, datetime):
        return schema.db_time(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return orjson.dumps(value).decode()
    return value


def _upsert(conn: sqlite3.Connection, rows: schema.EventRows) -> str:
    event_id = rows.event["id"]
    conn.execute("BEGIN IMMEDIATE")
    found = conn.execute("SELECT payload, last_reported FROM events WHERE id = ?", (event_id,)).fetchone()
    if found is not None:
        if orjson.loads(found[0]) == rows.payload:
            conn.execute("COMMIT")
            return Outcome.UNCHANGED
        stored_last = schema.from_db_time(found[1])
        incoming_last = rows.event["last_reported"]
        if stored_last and incoming_last and incoming_last < stored_last:
            conn.execute("COMMIT")
            return Outcome.STALE
    now = schema.db_time(datetime.now(UTC))
    seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM events").fetchone()[0]
    values = dict(
        rows.event, seq=seq, stored_at=now, updated_at=now, payload=orjson.dumps(rows.payload).decode()
    )
    conn.execute(_UPSERT_EVENT, [_adapt(values[c]) for c in _EVENT_COLUMNS])
    for table in ("event_participants", "event_reports", "event_sources"):
        conn.execute(f"DELETE FROM {table} WHERE event_id = ?", (event_id,))
    conn.executemany(
        "INSERT INTO event_participants"
        " (event_id, position, name, name_key, country, office, person_id, is_leader)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(event_id, *(_adapt(v) for v in row)) for row in rows.participants],
    )
    conn.executemany(
        "INSERT INTO event_reports (event_id, position, article_id, url, sentence, source, published, rule)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(event_id, *(_adapt(v) for v in row)) for row in rows.reports],
    )
    conn.executemany(
        "INSERT INTO event_sources (event_id, source) VALUES (?, ?)", [(event_id, s) for s in rows.sources]
    )
    conn.execute("COMMIT")
    return Outcome.UPDATED if found is not None else Outcome.INSERTED
