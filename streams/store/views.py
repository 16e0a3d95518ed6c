"""The page's three views from stored events: events per day, places on the map, and the contact graph.

Plain functions over ``EventSummary`` records (no HTTP, no database), so the API endpoint and the tests
compute the same numbers. An event is placed once per distinct participant country; an event with no
participant country is placed in its conflict's country (``page/conflict_countries.json``) when known.
Edges join every pair of participants of an event with two or more, weighted by the number of events.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from streams.records import EventType, Participant
from streams.store.base import EventQuery, EventStore, EventSummary

CONFLICT_COUNTRIES_FILE = Path(__file__).parent / "page" / "conflict_countries.json"
# The page's colour of each built-in type (rule types take the page's other colours); a test checks the list.
TYPE_COLORS: dict[str, str] = {
    EventType.LEADER_CALL: "#2f6fb3",
    EventType.OFFICIAL_CONTACT: "#2a9d63",
    EventType.CEASEFIRE_DECLARED: "#8a5cc2",
    EventType.CEASEFIRE_VIOLATED: "#d1453b",
    EventType.LEADER_MEETING: "#1f8fbf",
    EventType.AGREEMENT_SIGNED: "#3f9f3f",
    EventType.ARMED_ATTACK: "#a3201b",
    EventType.SANCTIONS: "#8c6d1f",
    EventType.PROTEST: "#e07b24",
    EventType.MOBILIZATION: "#6b3fa0",
    EventType.THREAT: "#c2417a",
    EventType.AID: "#2bb5a0",
}


def builtin_type_list() -> list[dict[str, str]]:
    """Every built-in type with its label and colour, in display order (the page's type filter)."""
    return [
        {"type": name, "label": label, "color": TYPE_COLORS[name]} for name, label in EventType.LABELS.items()
    ]


@cache
def conflict_countries() -> dict[str, str]:
    """Conflict name -> ISO alpha-3 code of the country the map places it in."""
    raw: dict[str, str] = json.loads(CONFLICT_COUNTRIES_FILE.read_text(encoding="utf-8"))
    return {name: code for name, code in raw.items() if not name.startswith("_")}


def dump_json(data: Any) -> bytes:
    """JSON with ``<``, ``>`` and ``&`` escaped, as every API answer (article text inside)."""
    raw = orjson.dumps(data)
    return raw.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


def person_key(participant: Participant) -> str:
    """A node id: the gazetteer id, else the lower-cased name."""
    return participant.person_id or participant.name.strip().lower()


def event_countries(summary: EventSummary) -> list[str]:
    """The distinct countries an event is placed in, in participant order."""
    found: list[str] = []
    for participant in summary.event.participants:
        code = (participant.country or "").upper()
        if code and code not in found:
            found.append(code)
    if not found and summary.event.conflict:
        place = conflict_countries().get(summary.event.conflict)
        if place:
            found.append(place)
    return found


def timeline(summaries: Iterable[EventSummary]) -> list[dict[str, Any]]:
    """Counts per (day, type, conflict), oldest day first."""
    counts = Counter((s.event.date, s.event.type, s.event.conflict or "") for s in summaries)
    return [
        {"date": day, "type": kind, "conflict": conflict or None, "count": n}
        for (day, kind, conflict), n in sorted(counts.items())
    ]


def places(summaries: Iterable[EventSummary]) -> list[dict[str, Any]]:
    """One point per event and country it is placed in (the page fetches headlines on a click); an event
    with a place (``Event.place``) is one point at its coordinates, with the place's name."""
    found: list[dict[str, Any]] = []
    for s in summaries:
        event_id, kind, day, place = s.event.id, s.event.type, s.event.date, s.event.place
        if place is not None and place.latitude is not None and place.longitude is not None:
            found.append({
                "id": event_id, "country": place.country, "type": kind, "date": day,
                "place": place.name, "lat": place.latitude, "lon": place.longitude,
            })  # fmt: skip
            continue
        codes = event_countries(s)
        found.extend({"id": event_id, "country": code, "type": kind, "date": day} for code in codes)
    return found


def contact_graph(summaries: Iterable[EventSummary]) -> dict[str, list[dict[str, Any]]]:
    """Participants as nodes and each pair that met or spoke as an edge listing its events."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for summary in summaries:
        people = {person_key(p): p for p in summary.event.participants}
        event_id = summary.event.id if len(people) > 1 else ""
        for key, participant in people.items():
            node = nodes.setdefault(key, {
                "id": key, "name": participant.name, "country": participant.country,
                "leader": participant.is_leader, "count": 0,
            })  # fmt: skip
            node["count"] += 1
        keys = sorted(people)
        for i, first in enumerate(keys):
            for second in keys[i + 1 :]:
                edge = edges.setdefault(
                    (first, second), {"source": first, "target": second, "count": 0, "events": []}
                )
                edge["count"] += 1
                edge["events"].append(event_id)
    return {
        "nodes": sorted(nodes.values(), key=lambda n: (-n["count"], n["id"])),
        "edges": sorted(edges.values(), key=lambda e: (-e["count"], e["source"], e["target"])),
    }


def views(summaries: list[EventSummary], *, total: int, cursor: int) -> dict[str, Any]:
    """The body of ``GET /api/views``."""
    return {
        "total": total,
        "included": len(summaries),
        "cursor": cursor,
        "timeline": timeline(summaries),
        "places": places(summaries),
        **contact_graph(summaries),
    }


MAX_VIEW_EVENTS = 20_000  # most events one answer aggregates, newest first
CHANGES_BATCH = 1000


@dataclass
class _Entry:
    body: bytes
    cursor: int
    total: int
    summaries: dict[str, EventSummary] | None  # kept for the unfiltered set only, to fold changes in


def _store_order(summary: EventSummary) -> tuple[str, bool, datetime, int]:
    """The store's browsing order key (event date, last reported with none last, seq), for a reverse sort."""
    last = summary.event.last_reported
    return (summary.event.date, last is not None, last or datetime.min.replace(tzinfo=UTC), summary.seq)


class ViewsCache:
    """``GET /api/views`` answers per filter set, valid while the store's cursor and match count stand.

    A one-row query checks them. The unfiltered set (the page's default) is brought up to date by reading
    only the events changed since (``after_seq``), so live refreshes do not re-read every event.
    """

    def __init__(self, entries: int = 16, max_events: int = MAX_VIEW_EVENTS) -> None:
        self._entries: dict[EventQuery, _Entry] = {}
        self._size = entries
        self._max_events = max_events

    async def answer(self, store: EventStore, query: EventQuery) -> bytes:
        """The JSON body for ``query``'s filters (its limit, offset and after_seq are ignored)."""
        key = query.replace(limit=0, offset=0, after_seq=None)
        probe = await store.query_events(key.replace(limit=1))
        entry = self._entries.pop(key, None)
        if entry is None or (entry.cursor, entry.total) != (probe.cursor, probe.total):
            entry = await self._refresh(store, key, entry, probe.total)
        self._entries[key] = entry
        while len(self._entries) > self._size:
            self._entries.pop(next(iter(self._entries)))
        return entry.body

    async def _refresh(self, store: EventStore, key: EventQuery, old: _Entry | None, total: int) -> _Entry:
        unfiltered = key == EventQuery(limit=0, offset=0)
        if old is not None and old.summaries is not None and total <= self._max_events:
            summaries, cursor = dict(old.summaries), old.cursor
            while True:
                page = await store.query_events(EventQuery(after_seq=cursor, limit=CHANGES_BATCH))
                summaries.update((item.event.id, item) for item in page.items)
                cursor = max([cursor, *(item.seq for item in page.items)])
                if len(page.items) < CHANGES_BATCH:
                    break
            if len(summaries) == total:  # else events went away (retention): read them all again
                ordered = sorted(summaries.values(), key=_store_order, reverse=True)
                body = dump_json(views(ordered, total=total, cursor=cursor))
                return _Entry(body, cursor, total, summaries)
        page = await store.query_events(key.replace(limit=self._max_events))
        items = list(page.items)
        body = dump_json(views(items, total=page.total, cursor=page.cursor))
        kept = {item.event.id: item for item in items} if unfiltered and len(items) == page.total else None
        return _Entry(body, page.cursor, page.total, kept)
