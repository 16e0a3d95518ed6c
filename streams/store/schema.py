"""Versioned SQL migrations, the event-to-rows mapping and the shared filter SQL of both backends.

Migrations are files ``migrations/<dialect>/NNNN_name.sql``; both dialects carry the same versions. Applied
versions are kept in ``schema_migrations`` with each file's SHA-256, so an edited, already-applied migration
is reported instead of silently ignored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import orjson

from streams.errors import RecordError
from streams.records import Event, Evidence
from streams.store.base import Delivery, EventQuery, EventSummary, StoreError

Dialect = Literal["sqlite", "postgres"]
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
MAX_SEARCH_WORDS = 8

MIGRATIONS_TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


@dataclass(frozen=True, slots=True)
class Migration:
    """One versioned SQL file."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def load_migrations(dialect: Dialect, folder: Path | None = None) -> list[Migration]:
    """The dialect's migrations in version order; a gap or a stray file name is an error."""
    base = (folder or MIGRATIONS_DIR) / dialect
    found: list[Migration] = []
    for file in sorted(base.glob("*.sql")):
        match = _MIGRATION_NAME.match(file.name)
        if not match:
            raise StoreError(f"migration file name must look like 0001_name.sql: {file.name}")
        found.append(Migration(int(match.group(1)), match.group(2), file.read_text(encoding="utf-8")))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise StoreError(f"{dialect} migrations must be numbered 1, 2, 3...: found {migration.version}")
    return found


def check_applied(applied: dict[int, str], migrations: list[Migration]) -> list[Migration]:
    """The migrations still to apply; raise if an applied one was edited or is unknown to this code."""
    known = {m.version: m for m in migrations}
    for version, checksum in applied.items():
        if version not in known:
            raise StoreError(
                f"database has migration {version}, newer than this code knows; upgrade newswatch"
            )
        if known[version].checksum != checksum:
            raise StoreError(f"migration {version} ({known[version].name}) changed after it was applied")
    return [m for m in migrations if m.version not in applied]


def db_time(value: datetime | None) -> str | None:
    """A datetime as SQLite's sortable UTC text (microsecond precision, ``Z`` suffix)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db_time(value: str | datetime | None) -> datetime | None:
    """A stored time (SQLite text or PostgreSQL datetime) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def canonical_payload(event: Event) -> dict[str, Any]:
    """The event's wire form as plain JSON values (what ``payload`` holds and is compared against)."""
    loaded: dict[str, Any] = orjson.loads(orjson.dumps(event.to_dict()))
    return loaded


def _distinct(values: Any) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(str(value), None)
    return list(seen)


@dataclass(frozen=True, slots=True)
class EventRows:
    """An event spread over the store's tables (values not yet adapted to a dialect)."""

    event: dict[str, Any]
    participants: list[tuple[Any, ...]]
    reports: list[tuple[Any, ...]]
    sources: list[str]
    payload: dict[str, Any]


def search_text(event: Event) -> str:
    """Lower-cased text ``q`` searches: headline, names, conflict, place, type, sources, evidence."""
    parts = [event.headline, event.type, event.conflict or "", *event.sources, *event.topics]
    if event.place is not None:
        parts += [event.place.name, event.place.country or ""]
    for person in event.participants:
        parts += [person.name, person.person_id or "", person.country or ""]
    for item in event.evidence:
        parts += [item.sentence, item.source]
    return "\n".join(part for part in parts if part).lower()


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    return value


def event_rows(event: Event) -> EventRows:
    """The rows one event becomes (NUL characters dropped); times stay datetimes, the backend adapts them."""
    raw = canonical_payload(event)
    payload = _without_nul(raw)
    if payload != raw:
        event = Event.from_dict(payload)
    try:
        event_date = date.fromisoformat(event.date)
    except ValueError as exc:
        raise RecordError(f"event {event.id} has a bad date {event.date!r}") from exc
    sources = _distinct(event.sources)
    row = {
        "id": event.id,
        "type": event.type,
        "event_date": event_date,
        "conflict": event.conflict,
        "initiator": event.initiator,
        "alleged": event.alleged,
        "severity": event.severity,
        "rule": event.rule,
        "language": event.language,
        "headline": event.headline,
        "cameo": event.cameo,
        "plover_category": event.plover_category,
        "plover_mode": event.plover_mode,
        "topics": list(event.topics),
        "source_count": len(sources),
        "report_count": len(event.evidence),
        "first_reported": event.first_reported,
        "last_reported": event.last_reported,
        "search_text": search_text(event),
        "place_name": event.place.name if event.place else None,
        "place_country": event.place.country if event.place else None,
        "place_lat": event.place.latitude if event.place else None,
        "place_lon": event.place.longitude if event.place else None,
    }
    participants = [
        (i, p.name, p.name.lower(), (p.country or "").upper() or None, p.office, p.person_id, p.is_leader)
        for i, p in enumerate(event.participants)
    ]
    reports = [
        (i, e.article_id, e.url, e.sentence, e.source, e.published, e.rule)
        for i, e in enumerate(event.evidence)
    ]
    return EventRows(row, participants, reports, sources, payload)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with ``%``, ``_`` and ``\\`` escaped (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filter_sql(query: EventQuery, dialect: Dialect) -> tuple[str, list[Any]]:
    """The WHERE clause (or "") and its parameters for a query; placeholders suit the dialect."""
    mark = "?" if dialect == "sqlite" else "%s"
    clauses: list[str] = []
    params: list[Any] = []

    def day(value: date) -> Any:
        return value.isoformat() if dialect == "sqlite" else value

    if query.types:
        clauses.append(f"e.type IN ({', '.join(mark for _ in query.types)})")
        params += list(query.types)
    if query.participant:
        who = query.participant.strip().lower()
        clauses.append(
            "EXISTS (SELECT 1 FROM event_participants p WHERE p.event_id = e.id"
            f" AND (lower(p.person_id) = {mark} OR p.name_key LIKE {mark} ESCAPE '\\'))"
        )
        params += [who, like_pattern(who)]
    if query.country:
        clauses.append(
            f"EXISTS (SELECT 1 FROM event_participants c WHERE c.event_id = e.id AND c.country = {mark})"
        )
        params.append(query.country.strip().upper())
    if query.place:
        place = query.place.strip()
        if len(place) == 2 and place.isalpha():
            clauses.append(f"e.place_country = {mark}")
            params.append(place.upper())
        else:
            clauses.append(f"lower(e.place_name) LIKE {mark} ESCAPE '\\'")
            params.append(like_pattern(place.lower()))
    if query.since:
        clauses.append(f"e.event_date >= {mark}")
        params.append(day(query.since))
    if query.until:
        clauses.append(f"e.event_date <= {mark}")
        params.append(day(query.until))
    if query.text:
        for word in query.text.lower().split()[:MAX_SEARCH_WORDS]:
            clauses.append(f"e.search_text LIKE {mark} ESCAPE '\\'")
            params.append(like_pattern(word))
    if query.after_seq is not None:
        clauses.append(f"e.seq > {mark}")
        params.append(query.after_seq)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def order_sql(query: EventQuery) -> str:
    """Newest event date first for browsing; oldest change first when following changes."""
    if query.after_seq is not None:
        return " ORDER BY e.seq ASC"
    return " ORDER BY e.event_date DESC, e.last_reported DESC NULLS LAST, e.seq DESC"


SELECT_SUMMARY = "SELECT e.seq, e.report_count, e.stored_at, e.updated_at, e.payload FROM events e"


def summary_from_row(row: tuple[Any, ...] | Any) -> EventSummary:
    """An EventSummary from ``SELECT_SUMMARY`` columns (payload as JSON text or an already-decoded dict)."""
    seq, report_count, stored_at, updated_at, payload = row
    data = orjson.loads(payload) if isinstance(payload, (str, bytes)) else payload
    stored = from_db_time(stored_at)
    updated = from_db_time(updated_at)
    assert stored is not None and updated is not None
    return EventSummary(Event.from_dict(data), int(seq), int(report_count), stored, updated)


def delivery_from_row(row: tuple[Any, ...] | Any) -> Delivery:
    """A Delivery from ``SELECT_DELIVERY`` columns."""
    alert_id, event_id, sink, outcome, attempts, error, at = row
    moment = from_db_time(at)
    assert moment is not None
    return Delivery(str(alert_id), str(event_id), str(sink), str(outcome), int(attempts), error, moment)


def evidence_from_row(row: tuple[Any, ...] | Any) -> Evidence:
    """An Evidence from ``SELECT_REPORTS`` columns."""
    article_id, url, sentence, source, published, rule = row
    return Evidence(str(article_id), url, sentence, source, from_db_time(published), rule)


SELECT_DELIVERY = (
    "SELECT alert_id, event_id, sink, outcome, attempts, error, delivered_at FROM deliveries"
    " WHERE event_id = {p} ORDER BY delivered_at, sink, outcome"
)
SELECT_REPORTS = (
    "SELECT article_id, url, sentence, source, published, rule FROM event_reports"
    " WHERE event_id = {p} ORDER BY position"
)
RESOLVE_ALERT_EVENT = "SELECT event_id FROM alerts WHERE alert_id = {p}"
INSERT_ALERT = (
    "INSERT INTO alerts (alert_id, event_id, reason, created_at) VALUES ({p}, {p}, {p}, {p})"
    " ON CONFLICT (alert_id) DO NOTHING"
)
FILL_DELIVERY_EVENT = "UPDATE deliveries SET event_id = {p} WHERE alert_id = {p} AND event_id = ''"
DELIVERY_EVENT_UPDATE = (
    " event_id = CASE WHEN excluded.event_id <> '' THEN excluded.event_id ELSE deliveries.event_id END,"
)
MAX_ERROR_CHARS = 2000


def check_delivery(
    alert_id: str, event_id: str, sink: str, outcome: str, attempts: int, at: datetime
) -> datetime:
    """Validate a delivery record (``event_id`` may be "" when unknown); the time as aware UTC."""
    for name, value in (("alert_id", alert_id), ("sink", sink), ("outcome", outcome)):
        if not value:
            raise RecordError(f"delivery record needs a non-empty {name}")
    if attempts < 0:
        raise RecordError("delivery attempts must not be negative")
    moment = from_db_time(at)
    assert moment is not None
    return moment
