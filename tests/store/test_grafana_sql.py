"""The Grafana table panels' SQL runs against a real PostgreSQL store and returns the expected rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from streams.records import Event, EventType, Place
from streams.settings.store import StoreSettings
from streams.store import open_store
from tests.store.helpers import run_sql

SQL_DIR = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "sql"


def _panel(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


async def _seed(url: str, events: list[Event]) -> None:
    store = open_store(StoreSettings(url=url))
    await store.migrate()
    try:
        for event in events:
            await store.upsert_event(event)
        at = datetime(2020, 11, 7, 20, tzinfo=UTC)
        erdogan = events[4].id
        await store.record_delivery(
            alert_id="al-1",
            event_id=erdogan,
            sink="webhook",
            outcome="failed",
            attempts=3,
            error="HTTP 502",
            at=at,
        )
        await store.record_delivery(
            alert_id="al-1", event_id=erdogan, sink="webhook", outcome="delivered", attempts=4, error=None,
            at=at + timedelta(minutes=5),
        )  # fmt: skip
        await store.record_delivery(
            alert_id="al-2", event_id=events[6].id, sink="slack", outcome="dead_letter", attempts=5,
            error="channel_not_found <script>", at=at + timedelta(minutes=1),
        )  # fmt: skip
        await store.record_delivery(
            alert_id="al-3",
            event_id=events[0].id,
            sink="console",
            outcome="delivered",
            attempts=1,
            error=None,
            at=at,
        )
    finally:
        await store.close()


async def test_recent_events_panel(postgres_url: str, events: list[Event]) -> None:
    await _seed(postgres_url, events)
    rows = run_sql(postgres_url, _panel("recent_events.sql"))
    assert len(rows) == 7
    by_id = {row[-1]: row for row in rows}
    putin_macron = by_id[events[3].id]
    assert putin_macron[4] == events[3].headline
    assert putin_macron[5] == "Vladimir Putin (RUS) – Emmanuel Macron (FRA)"
    assert by_id[events[5].id][5] == "Nagorno-Karabakh"
    assert {row[6] for row in rows} == {""}  # no seed event names a place
    place = Place("Stepanakert", "AZ", 39.8153, 46.7519, "lexicon:stepanakert", "city")
    attack = Event(type=EventType.ARMED_ATTACK, date="2020-10-04", place=place, headline="Shelling")
    store = open_store(StoreSettings(url=postgres_url))
    try:
        await store.upsert_event(attack)
    finally:
        await store.close()
    placed = {row[-1]: row for row in run_sql(postgres_url, _panel("recent_events.sql"))}[attack.id]
    assert placed[2] == "armed_attack" and placed[6] == "Stepanakert (AZ)"
    times = [row[0] for row in rows]
    assert times == sorted(times, reverse=True)


async def test_recent_failed_deliveries_panel(postgres_url: str, events: list[Event]) -> None:
    await _seed(postgres_url, events)
    rows = run_sql(postgres_url, _panel("recent_failed_deliveries.sql"))
    assert [(r[1], r[2], r[3], r[5]) for r in rows] == [
        ("slack", "dead_letter", 5, False),
        ("webhook", "failed", 3, True),
    ]
    assert rows[0][8] == events[6].headline and rows[1][4] == "HTTP 502"


async def test_panels_run_on_an_empty_store(postgres_url: str) -> None:
    store = open_store(StoreSettings(url=postgres_url))
    await store.migrate()
    await store.close()
    for name in ("recent_events.sql", "recent_failed_deliveries.sql"):
        assert run_sql(postgres_url, _panel(name)) == []
