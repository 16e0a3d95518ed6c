"""Query-string parsing for the events API: every bad value becomes a QueryError naming the parameter."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from streams.records import EventType
from streams.settings.store import StoreSettings
from streams.store.base import EventQuery, QueryError

EVENT_PARAMS = frozenset(
    {"type", "participant", "country", "place", "since", "until", "q", "limit", "offset", "after"}
)
STREAM_PARAMS = frozenset({"type", "participant", "country", "place", "since", "until", "q", "after"})
MAX_OFFSET = 1_000_000
MAX_TEXT = 200
MAX_TYPES = 20
_TYPE = re.compile(r"^[a-z0-9_.:-]{1,64}$")
_COUNTRY = re.compile(r"^[A-Za-z]{3}$")
_EVENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise QueryError(name, "give this parameter once")
    if not values:
        return None
    value = values[0].strip()
    if _CONTROL.search(value):
        raise QueryError(name, "must not contain control characters")
    return value or None


def _integer(params: Mapping[str, Sequence[str]], name: str, default: int, low: int, high: int) -> int:
    raw = _single(params, name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,12}", raw):
        raise QueryError(name, f"must be a whole number from {low} to {high}")
    value = int(raw)
    if not low <= value <= high:
        raise QueryError(name, f"must be from {low} to {high}")
    return value


def _day(params: Mapping[str, Sequence[str]], name: str) -> date | None:
    raw = _single(params, name)
    if raw is None:
        return None
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return (moment if moment.tzinfo is None else moment.astimezone(UTC)).date()
    except (ValueError, OverflowError) as exc:
        raise QueryError(name, "must be a date YYYY-MM-DD or an ISO 8601 time") from exc


def _types(params: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    found: list[str] = []
    for raw in params.get("type") or []:
        for part in raw.split(","):
            name = part.strip().lower()
            if not name:
                continue
            if not _TYPE.match(name):
                raise QueryError("type", "must be an event type name such as leader_call")
            if name not in EventType.LABELS and not name.startswith("rule:"):
                known = ", ".join(EventType.ALL)
                raise QueryError("type", f"unknown event type {name!r}; known: {known}, rule:<name>")
            if name not in found:
                found.append(name)
    if len(found) > MAX_TYPES:
        raise QueryError("type", f"at most {MAX_TYPES} types")
    return tuple(found)


def parse_event_query(
    params: Mapping[str, Sequence[str]], settings: StoreSettings, *, allowed: frozenset[str] = EVENT_PARAMS
) -> EventQuery:
    """An EventQuery from query-string values (name -> all given values); QueryError on any bad one."""
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise QueryError(unknown[0], f"unknown parameter; known: {', '.join(sorted(allowed))}")
    participant = _single(params, "participant")
    if participant is not None and len(participant) > 100:
        raise QueryError("participant", "at most 100 characters")
    country = _single(params, "country")
    if country is not None and not _COUNTRY.match(country):
        raise QueryError("country", "must be a three-letter ISO 3166-1 alpha-3 code such as RUS")
    place = _single(params, "place")
    if place is not None and not 2 <= len(place.strip()) <= 100:
        raise QueryError(
            "place", "must be an ISO 3166-1 alpha-2 code such as UA or 2-100 characters of a place name"
        )
    text = _single(params, "q")
    if text is not None and len(text) > MAX_TEXT:
        raise QueryError("q", f"at most {MAX_TEXT} characters")
    since, until = _day(params, "since"), _day(params, "until")
    if since and until and since > until:
        raise QueryError("since", "must not be after until")
    after = _single(params, "after")
    return EventQuery(
        types=_types(params),
        participant=participant,
        country=country.upper() if country else None,
        place=place.strip() if place else None,
        since=since,
        until=until,
        text=text,
        limit=_integer(params, "limit", settings.page_size, 1, settings.max_page_size),
        offset=_integer(params, "offset", 0, 0, MAX_OFFSET),
        after_seq=None if after is None else _integer(params, "after", 0, 0, 10**12),
    )


def parse_event_id(raw: str) -> str:
    """A syntactically valid event id, or QueryError."""
    if not _EVENT_ID.match(raw):
        raise QueryError("id", "must be an event id (letters, digits, - and _, at most 64)")
    return raw


def parse_cursor(raw: str | None, parameter: str = "Last-Event-ID") -> int | None:
    """A stream cursor (a change sequence number) or None when absent."""
    if raw is None or raw.strip() == "":
        return None
    if not re.fullmatch(r"[0-9]{1,12}", raw.strip()):
        raise QueryError(parameter, "must be a whole number")
    return int(raw.strip())
