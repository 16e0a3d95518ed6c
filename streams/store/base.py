"""The event store contract: the ``EventStore`` protocol and the records it reads and writes.

Both backends (SQLite, PostgreSQL) implement the same protocol with the same semantics:

* ``upsert_event`` is idempotent by ``event.id``; it replaces the event's reports (evidence), participants and
  sources, and skips a version older than the stored one (``last_reported`` strictly earlier), so a replay in
  any order converges on the newest version. An unchanged event is not rewritten (its ``seq`` stays).
* ``record_delivery`` is idempotent by ``(alert_id, sink, outcome)``: a replay updates the row in place
  (attempts and time only grow), while a failure followed by a success keeps both rows as history.
  ``event_id`` may be "" when the reporter does not know it: it is then taken from ``record_alert``'s
  alert -> event mapping, now or when that alert is recorded later.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from streams.errors import NewswatchError
from streams.records import Event, Evidence


class StoreError(NewswatchError):
    """The store could not be reached or refused a statement (the URL's password is never included)."""


class QueryError(ValueError):
    """A bad query parameter; ``parameter`` names it (the API answers 400)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


class Outcome:
    """Write outcomes counted in ``newswatch_store_writes_total`` and delivery outcomes the store knows."""

    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"
    ERROR = "error"
    # Delivery outcomes: anything not in DELIVERY_OK counts as a failure on the Grafana panel.
    DELIVERED = "delivered"
    SKIPPED = "skipped"
    DELIVERY_OK = ("delivered", "skipped", "suppressed")


def _wire_time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters and paging for ``query_events``; ``after_seq`` lists changes instead, oldest first."""

    types: tuple[str, ...] = ()
    participant: str | None = None  # person id, or a case-insensitive part of a participant's name
    country: str | None = None  # ISO 3166-1 alpha-3 of any participant
    place: str | None = None  # ISO 3166-1 alpha-2 of the event's place country, or part of its place name
    since: date | None = None  # event date, inclusive
    until: date | None = None  # event date, inclusive
    text: str | None = None  # every word must occur in headline, names, conflict, sources or evidence
    limit: int = 50
    offset: int = 0
    after_seq: int | None = None

    def replace(self, **changes: Any) -> EventQuery:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class EventSummary:
    """One stored event with the store's bookkeeping: change sequence number and times."""

    event: Event
    seq: int
    report_count: int
    stored_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        data = self.event.to_dict()
        data.pop("evidence", None)
        data.pop("schema_version", None)
        data["report_count"] = self.report_count
        data["seq"] = self.seq
        data["stored_at"] = _wire_time(self.stored_at)
        data["updated_at"] = _wire_time(self.updated_at)
        return data


@dataclass(frozen=True, slots=True)
class Delivery:
    """The outcome of delivering one alert to one sink."""

    alert_id: str
    event_id: str
    sink: str
    outcome: str
    attempts: int
    error: str | None
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "event_id": self.event_id,
            "sink": self.sink,
            "outcome": self.outcome,
            "attempts": self.attempts,
            "error": self.error,
            "at": _wire_time(self.at),
        }


@dataclass(frozen=True, slots=True)
class EventDetail:
    """An event with its reports (evidence sentences, in stored order) and its alert deliveries."""

    summary: EventSummary
    reports: tuple[Evidence, ...]
    deliveries: tuple[Delivery, ...]

    def to_dict(self) -> dict[str, Any]:
        data = self.summary.to_dict()
        data["reports"] = [report.to_dict() for report in self.reports]
        data["deliveries"] = [delivery.to_dict() for delivery in self.deliveries]
        return data


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of events; ``total`` counts every match, ``cursor`` is the newest change seq in the store."""

    items: tuple[EventSummary, ...]
    total: int
    limit: int
    offset: int
    cursor: int

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.items)
        return following if following < self.total and self.items else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [item.to_dict() for item in self.items],
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "next_offset": self.next_offset,
            "cursor": self.cursor,
        }


class EventStore(Protocol):
    """Where events and delivery outcomes are kept; SQLite and PostgreSQL implement it."""

    async def migrate(self) -> None:
        """Apply every migration not yet applied (safe to call at every start)."""

    async def upsert_event(self, event: Event) -> None:
        """Insert or replace the event by id, with its reports, participants and sources."""

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
        """Record one delivery outcome, idempotent by (alert_id, sink, outcome)."""

    async def record_alert(self, *, alert_id: str, event_id: str, reason: str, created_at: datetime) -> None:
        """Remember which event an alert was about (idempotent by alert_id)."""

    async def query_events(self, query: EventQuery) -> EventPage:
        """A page of events matching the query, newest event date first."""

    async def get_event(self, event_id: str) -> EventDetail | None:
        """The event with its reports and deliveries, or None."""

    async def ping(self) -> None:
        """Raise StoreError unless the database answers and is migrated."""

    async def close(self) -> None:
        """Release connections."""
