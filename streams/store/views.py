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
from functools import cache
from pathlib import Path
from typing import Any

from streams.records import Participant
from streams.store.base import EventSummary

CONFLICT_COUNTRIES_FILE = Path(__file__).parent / "page" / "conflict_countries.json"


@cache
def conflict_countries() -> dict[str, str]:
    """Conflict name -> ISO alpha-3 code of the country the map places it in."""
    raw: dict[str, str] = json.loads(CONFLICT_COUNTRIES_FILE.read_text(encoding="utf-8"))
    return {name: code for name, code in raw.items() if not name.startswith("_")}


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
    """One point per event and country it is placed in (the page fetches headlines on a click)."""
    found: list[dict[str, Any]] = []
    for s in summaries:
        codes = event_countries(s)
        if codes:
            event_id, kind, day = s.event.id, s.event.type, s.event.date
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
