"""The events dashboard's "Top leaders" and "Top conflicts" tables, run on a real PostgreSQL store.

Uses the suite's PostgreSQL fixture ``postgres_url`` (tests/postgres_fixtures.py: a throwaway server from
Debian's binaries, or NEWSWATCH_TEST_POSTGRES_URL) and the store tests' seven seed events. Grafana's
``$__timeFilter(col)`` is replaced the way Grafana expands it, with a range around now.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from streams.records import Event, EventType, Place
from streams.settings.store import StoreSettings
from streams.store import open_store
from tests.store.conftest import seven_events
from tests.store.helpers import run_sql

BOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "dashboards" / "newswatch-events.json"


def _panel_sql(title: str) -> str:
    board = json.loads(BOARD.read_text(encoding="utf-8"))
    panels = [p for row in [board] for p in row["panels"]]
    sql = next(p["targets"][0]["rawSql"] for p in panels if p.get("title") == title)
    # Grafana expands $__timeFilter(col) to "col BETWEEN '<from>' AND '<to>'".
    return re.sub(
        r"\$__timeFilter\(([^)]+)\)",
        r"\1 BETWEEN now() - interval '6 hours' AND now() + interval '1 minute'",
        sql,
    )


@pytest.fixture
def events() -> list[Event]:
    return seven_events()


async def _store(url: str, seeded: list[Event]) -> None:
    store = open_store(StoreSettings(url=url))
    await store.migrate()
    try:
        for event in seeded:
            await store.upsert_event(event)
    finally:
        await store.close()


async def test_top_leaders(postgres_url: str, events: list[Event]) -> None:
    await _store(postgres_url, events)
    rows = run_sql(postgres_url, _panel_sql("Top leaders"))
    by_leader = {row[0]: row for row in rows}
    putin = next(row for name, row in by_leader.items() if "Putin" in name)
    assert putin[1] == "RUS"
    assert putin[2] == 5 and putin[3] == 5  # in all five leader calls
    macron = next(row for name, row in by_leader.items() if "Macron" in name)
    assert macron[2] == 3
    assert rows[0] == putin  # most events first
    assert len(rows) == 4  # Putin, Macron, Pashinian, Erdogan


async def test_top_conflicts(postgres_url: str, events: list[Event]) -> None:
    await _store(postgres_url, events)
    rows = run_sql(postgres_url, _panel_sql("Top conflicts"))
    assert rows, "no conflict among the seed events"
    conflict = rows[0]
    assert conflict[0] == "Nagorno-Karabakh"
    assert conflict[2] == 2  # the two ceasefire violations


async def test_time_filter_excludes_events_outside_the_range(postgres_url: str, events: list[Event]) -> None:
    await _store(postgres_url, events)
    sql = _panel_sql("Top leaders").replace("now() - interval '6 hours'", "now() + interval '1 hour'")
    sql = sql.replace("now() + interval '1 minute'", "now() + interval '2 hours'")
    assert run_sql(postgres_url, sql) == []


def _placed_events() -> list[Event]:
    stepanakert = Place("Stepanakert", "AZ", 39.8153, 46.7519, "lexicon:stepanakert", "city")
    kharkiv = Place("Kharkiv", "UA", 49.98177, 36.25475, "706483", "city")
    return [
        Event(type=EventType.ARMED_ATTACK, date="2020-10-04", place=stepanakert, conflict="Nagorno-Karabakh"),
        Event(type=EventType.ARMED_ATTACK, date="2020-10-05", place=stepanakert, conflict="Nagorno-Karabakh"),
        Event(type=EventType.PROTEST, date="2022-05-01", place=kharkiv, alleged=True),
        Event(type="rule:riots", date="2022-05-02"),
    ]


async def test_events_by_type_lists_every_builtin_type(postgres_url: str, events: list[Event]) -> None:
    await _store(postgres_url, [*events, *_placed_events()])
    rows = run_sql(postgres_url, _panel_sql("Events by type"))
    assert [row[1] for row in rows] == [*EventType.ALL, "rule:*"]
    by_name = {row[1]: row for row in rows}
    assert by_name["leader_call"][2] == 5 and by_name["ceasefire_violated"][2] == 2
    assert by_name["armed_attack"][2:5] == (2, 2, 0)
    assert by_name["protest"][2:5] == (1, 1, 1)
    assert by_name["aid"][2] == 0 and by_name["rule:*"][2] == 1
    assert by_name["armed_attack"][0] == "Armed attack"


async def test_top_places_and_the_maps_place_points(postgres_url: str, events: list[Event]) -> None:
    await _store(postgres_url, [*events, *_placed_events()])
    rows = run_sql(postgres_url, _panel_sql("Top places"))
    assert [(row[0], row[1], row[2], row[3]) for row in rows] == [
        ("Stepanakert", "AZ", 2, "armed_attack"),
        ("Kharkiv", "UA", 1, "protest"),
    ]
    board = json.loads(BOARD.read_text(encoding="utf-8"))
    panel = next(p for p in board["panels"] if p.get("title") == "Where events happen")
    points_sql = next(t["rawSql"] for t in panel["targets"] if t["refId"] == "B")
    points = run_sql(postgres_url, re.sub(r"\$__timeFilter\(([^)]+)\)", r"\1 IS NOT NULL", points_sql))
    assert {(row[2], row[3], row[4]) for row in points} == {
        ("Stepanakert", "armed_attack", 2),
        ("Kharkiv", "protest", 1),
    }
