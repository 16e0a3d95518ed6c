"""The PostgreSQL event store for deployments, on psycopg 3's asyncio connections.

A small built-in pool keeps up to ``pool_size`` connections; a broken connection is dropped and reopened on
next use. Migrations run under an advisory lock, so a worker and an API pod starting together do not race.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from streams.records import Event
from streams.settings.store import redact_url
from streams.store import schema
from streams.store.base import EventDetail, EventPage, EventQuery, Outcome, StoreError
from streams.store.metrics import STORE_WRITES, measured_write

MIGRATION_LOCK_ID = 0x6E657773  # "news": pg_advisory_xact_lock key serializing migrations

_EVENT_COLUMNS = (
    "id", "type", "event_date", "conflict", "initiator", "alleged", "severity", "rule", "language",
    "headline", "cameo", "plover_category", "plover_mode", "topics", "source_count", "report_count",
    "first_reported", "last_reported", "search_text", "payload",
    "place_name", "place_country", "place_lat", "place_lon",
)  # fmt: skip


def upsert_event_sql(columns: tuple[str, ...]) -> str:
    """The statement writing an events row of these columns (the migrations' tests use older sets)."""
    return (
        f"INSERT INTO events ({', '.join(columns)}, seq, stored_at, updated_at)"
        f" VALUES ({', '.join('%s' for _ in columns)}, nextval('events_seq_seq'), now(), now())"
        " ON CONFLICT (id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in (*columns[1:], "seq", "updated_at"))
    )


_UPSERT_EVENT = upsert_event_sql(_EVENT_COLUMNS)
_UPSERT_DELIVERY = (
    "INSERT INTO deliveries (alert_id, sink, outcome, event_id, attempts, error, delivered_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (alert_id, sink, outcome) DO UPDATE SET"
    + schema.DELIVERY_EVENT_UPDATE
    + " attempts = GREATEST(deliveries.attempts, excluded.attempts),"
    " error = CASE WHEN excluded.delivered_at >= deliveries.delivered_at"
    " THEN excluded.error ELSE deliveries.error END,"
    " delivered_at = GREATEST(deliveries.delivered_at, excluded.delivered_at)"
    " RETURNING (xmax = 0)"
)


class PostgresStore:
    """EventStore on PostgreSQL (``postgresql://user:password@host:5432/db``)."""

    dialect: schema.Dialect = "postgres"

    def __init__(self, url: str, *, pool_size: int = 4, connect_timeout_seconds: float = 5.0) -> None:
        self._url = url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url
        self._pool_size = pool_size
        self._timeout = connect_timeout_seconds
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._slots: asyncio.Semaphore | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"PostgresStore({redact_url(self._url)!r})"

    async def _open(self) -> psycopg.AsyncConnection[Any]:
        try:
            return await asyncio.wait_for(
                psycopg.AsyncConnection.connect(
                    self._url, autocommit=True, connect_timeout=max(1, int(self._timeout))
                ),
                timeout=self._timeout + 1,
            )
        except (psycopg.Error, TimeoutError, OSError) as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {redact_url(self._url)}: {exc}") from exc

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        if self._closed:
            raise StoreError("store is closed")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._pool_size)
        async with self._slots:
            conn = self._idle.pop() if self._idle else await self._open()
            try:
                yield conn
            except psycopg.Error as exc:
                raise StoreError(f"PostgreSQL error: {exc}") from exc
            finally:
                if conn.closed or conn.broken or self._closed:
                    await conn.close()
                else:
                    self._idle.append(conn)

    async def migrate(self) -> None:
        """Apply pending migrations in one transaction under an advisory lock."""
        migrations = schema.load_migrations("postgres")
        async with self._connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_ID,))
            await conn.execute(schema.MIGRATIONS_TABLE_SQL)
            cursor = await conn.execute("SELECT version, checksum FROM schema_migrations")
            applied = {int(v): str(c) for v, c in await cursor.fetchall()}
            for migration in schema.check_applied(applied, migrations):
                await conn.execute(migration.sql.encode("utf-8"))
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
                    " VALUES (%s, %s, %s, %s)",
                    (
                        migration.version,
                        migration.name,
                        migration.checksum,
                        schema.db_time(datetime.now(UTC)),
                    ),
                )

    async def upsert_event(self, event: Event) -> None:
        """Insert or replace the event and its child rows; skip unchanged and stale versions."""
        rows = schema.event_rows(event)

        async def write() -> str:
            async with self._connection() as conn:
                return await _upsert(conn, rows)

        await measured_write("events", write())

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
        clipped = None if error is None else error[: schema.MAX_ERROR_CHARS]

        async def write() -> str:
            async with self._connection() as conn, conn.transaction():
                resolved = event_id or await _scalar(
                    conn, schema.RESOLVE_ALERT_EVENT.format(p="%s"), [alert_id]
                )
                cursor = await conn.execute(
                    _UPSERT_DELIVERY, (alert_id, sink, outcome, resolved or "", attempts, clipped, moment)
                )
                row = await cursor.fetchone()
            return Outcome.INSERTED if row and row[0] else Outcome.UPDATED

        await measured_write("deliveries", write())

    async def record_alert(self, *, alert_id: str, event_id: str, reason: str, created_at: datetime) -> None:
        """Remember which event an alert was about (idempotent); fills deliveries that lacked it."""
        async with self._connection() as conn, conn.transaction():
            await conn.execute(schema.INSERT_ALERT.format(p="%s"), (alert_id, event_id, reason, created_at))
            await conn.execute(schema.FILL_DELIVERY_EVENT.format(p="%s"), (event_id, alert_id))
        STORE_WRITES.labels("alerts", Outcome.UPDATED).inc()

    async def query_events(self, query: EventQuery) -> EventPage:
        """A page of matching events and the total count."""
        where, params = schema.filter_sql(query, "postgres")
        sql = f"{schema.SELECT_SUMMARY}{where}{schema.order_sql(query)} LIMIT %s OFFSET %s"
        async with self._connection() as conn, conn.transaction():
            total = await _scalar(conn, f"SELECT count(*) FROM events e{where}", params)
            cursor = await conn.execute(sql, [*params, query.limit, query.offset])
            found = await cursor.fetchall()
            latest = await _scalar(conn, "SELECT coalesce(max(seq), 0) FROM events", [])
        items = tuple(schema.summary_from_row(row) for row in found)
        return EventPage(items, int(total), query.limit, query.offset, int(latest))

    async def get_event(self, event_id: str) -> EventDetail | None:
        """The event with its reports and deliveries, or None."""
        async with self._connection() as conn, conn.transaction():
            cursor = await conn.execute(f"{schema.SELECT_SUMMARY} WHERE e.id = %s", (event_id,))
            row = await cursor.fetchone()
            if row is None:
                return None
            reports = await (await conn.execute(schema.SELECT_REPORTS.format(p="%s"), (event_id,))).fetchall()
            deliveries = await (
                await conn.execute(schema.SELECT_DELIVERY.format(p="%s"), (event_id,))
            ).fetchall()
        return EventDetail(
            schema.summary_from_row(row),
            tuple(schema.evidence_from_row(r) for r in reports),
            tuple(schema.delivery_from_row(d) for d in deliveries),
        )

    async def ping(self) -> None:
        """Raise StoreError unless the server answers and the schema carries every migration."""
        latest = len(schema.load_migrations("postgres"))
        async with self._connection() as conn:
            exists = await _scalar(conn, "SELECT to_regclass('schema_migrations') IS NOT NULL", [])
            version = (
                await _scalar(conn, "SELECT coalesce(max(version), 0) FROM schema_migrations", [])
                if exists
                else 0
            )
        if int(version) < latest:
            raise StoreError("database schema is not migrated; run `newswatch store migrate`")

    async def close(self) -> None:
        """Close every idle connection; connections in use close when released."""
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()


async def _scalar(conn: psycopg.AsyncConnection[Any], sql: str, params: list[Any]) -> Any:
    cursor = await conn.execute(sql, params)
    row = await cursor.fetchone()
    return None if row is None else row[0]


def _adapt(value: Any) -> Any:
    return Jsonb(value) if isinstance(value, (list, dict)) else value


async def _upsert(conn: psycopg.AsyncConnection[Any], rows: schema.EventRows) -> str:
    event_id = rows.event["id"]
    async with conn.transaction():
        cursor = await conn.execute(
            "SELECT payload, last_reported FROM events WHERE id = %s FOR UPDATE", (event_id,)
        )
        found = await cursor.fetchone()
        if found is not None:
            if found[0] == rows.payload:
                return Outcome.UNCHANGED
            stored_last = schema.from_db_time(found[1])
            incoming_last = rows.event["last_reported"]
            if stored_last and incoming_last and incoming_last < stored_last:
                return Outcome.STALE
        values = dict(rows.event, payload=rows.payload)
        await conn.execute(_UPSERT_EVENT, [_adapt(values[c]) for c in _EVENT_COLUMNS])
        for table in ("event_participants", "event_reports", "event_sources"):
            await conn.execute(f"DELETE FROM {table} WHERE event_id = %s", (event_id,))
        async with conn.cursor() as cur:
            if rows.participants:
                await cur.executemany(
                    "INSERT INTO event_participants"
                    " (event_id, position, name, name_key, country, office, person_id, is_leader)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [(event_id, *row) for row in rows.participants],
                )
            if rows.reports:
                await cur.executemany(
                    "INSERT INTO event_reports"
                    " (event_id, position, article_id, url, sentence, source, published, rule)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [(event_id, *row) for row in rows.reports],
                )
            if rows.sources:
                await cur.executemany(
                    "INSERT INTO event_sources (event_id, source) VALUES (%s, %s)",
                    [(event_id, source) for source in rows.sources],
                )
    return Outcome.UPDATED if found is not None else Outcome.INSERTED
