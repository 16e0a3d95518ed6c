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

from streams.records import Event
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
