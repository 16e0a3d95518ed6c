"""The event store on SQLite and PostgreSQL: idempotent upserts, merged reports, deliveries, queries."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from prometheus_client import REGISTRY

from streams.errors import RecordError
from streams.records import Event, Evidence
from streams.store import EventQuery, EventStore
from tests.store.helpers import row_counts, run_sql


def _writes(table: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value("newswatch_store_writes_total", {"table": table, "outcome": outcome})
    return value or 0.0


async def _upsert_all(store: EventStore, events: list[Event]) -> None:
    for event in events:
        await store.upsert_event(event)


async def test_seven_events_are_stored_once(store: EventStore, store_url: str, events: list[Event]) -> None:
    await _upsert_all(store, events)
    counts = row_counts(store_url)
    assert counts["events"] == 7
    assert counts["event_participants"] == 10  # five leader calls, two leaders each
    assert counts["event_reports"] == 7
    assert counts["event_sources"] == 7
    page = await store.query_events(EventQuery(limit=50))
    assert page.total == 7
    got = sorted((s.event.type, s.event.date, s.event.key) for s in page.items)
    assert got == sorted((e.type, e.date, e.key) for e in events)


async def test_upserting_twice_changes_no_counts(
    store: EventStore, store_url: str, events: list[Event]
) -> None:
    await _upsert_all(store, events)
    before = row_counts(store_url)
    first = {s.event.id: s.seq for s in (await store.query_events(EventQuery())).items}
    unchanged = _writes("events", "unchanged")
    shuffled = list(events)
    random.Random(7).shuffle(shuffled)
    await _upsert_all(store, shuffled)
    await store.migrate()
    assert row_counts(store_url) == before
    assert {s.event.id: s.seq for s in (await store.query_events(EventQuery())).items} == first
    assert _writes("events", "unchanged") - unchanged == 7


async def test_merged_reports_update_source_counts(
    store: EventStore, store_url: str, events: list[Event]
) -> None:
    await _upsert_all(store, events)
    call = events[3]  # Putin-Macron 2020-11-07, one report from one source
    later = call.last_reported + timedelta(hours=3) if call.last_reported else None
    extra = Evidence(
        "a6ff0212a8b49c5c",
        "https://second.example/news/a6ff0212a8b49c5c",
        "Putin informed Macron in detail about steps taken by Russia to achieve a ceasefire.",
        "second.example",
        later,
        "leader_call.phone",
    )
    merged = call.replace(
        evidence=(*call.evidence, extra), sources=(*call.sources, "second.example"), last_reported=later
    )
    assert merged.id == call.id
    await store.upsert_event(merged)
    detail = await store.get_event(call.id)
    assert detail is not None
    assert detail.summary.event.source_count == 2
    assert detail.summary.report_count == 2
    assert [r.source for r in detail.reports] == ["opednews.example", "second.example"]
    assert run_sql(store_url, "SELECT source_count, report_count FROM events WHERE id = %s", (call.id,)) == [
        (2, 2)
    ]
    counts = row_counts(store_url)
    assert (counts["events"], counts["event_reports"], counts["event_sources"]) == (7, 8, 8)
    # A replay of the older version arriving late does not undo the merge.
    stale = _writes("events", "stale")
    await store.upsert_event(call)
    assert _writes("events", "stale") - stale == 1
    again = await store.get_event(call.id)
    assert again is not None and again.summary.event.source_count == 2
    assert row_counts(store_url) == counts


async def test_update_moves_event_to_a_newer_change_seq(store: EventStore, events: list[Event]) -> None:
    await _upsert_all(store, events)
    page = await store.query_events(EventQuery())
    changed = events[0].replace(headline="Putin and Macron spoke by phone (updated)")
    await store.upsert_event(changed)
    changes = await store.query_events(EventQuery(after_seq=page.cursor))
    assert [s.event.id for s in changes.items] == [changed.id]
    assert changes.items[0].seq > page.cursor
    assert changes.items[0].stored_at <= changes.items[0].updated_at
    assert changes.cursor == changes.items[0].seq


async def test_deliveries_are_idempotent_and_keep_history(
    store: EventStore, store_url: str, events: list[Event]
) -> None:
    await _upsert_all(store, events)
    event_id = events[4].id
    at = datetime(2020, 11, 7, 19, 0, tzinfo=UTC)
    failure = {"alert_id": "alert-1", "event_id": event_id, "sink": "webhook", "outcome": "failed"}
    await store.record_delivery(**failure, attempts=1, error="HTTP 503", at=at)
    await store.record_delivery(**failure, attempts=3, error="timeout", at=at + timedelta(minutes=1))
    await store.record_delivery(**failure, attempts=2, error="old replay", at=at)  # replayed, older
    ok = dict(failure, outcome="delivered")
    for _ in range(2):
        await store.record_delivery(**ok, attempts=4, error=None, at=at + timedelta(minutes=2))
    await store.record_delivery(**dict(ok, sink="console"), attempts=1, error=None, at=at)
    assert row_counts(store_url)["deliveries"] == 3
    detail = await store.get_event(event_id)
    assert detail is not None
    rows = {(d.sink, d.outcome): d for d in detail.deliveries}
    assert set(rows) == {("webhook", "failed"), ("webhook", "delivered"), ("console", "delivered")}
    failed = rows[("webhook", "failed")]
    assert (failed.attempts, failed.error, failed.at) == (3, "timeout", at + timedelta(minutes=1))
    assert rows[("webhook", "delivered")].error is None


async def test_delivery_before_its_event_is_kept(store: EventStore, events: list[Event]) -> None:
    at = datetime(2020, 10, 21, tzinfo=UTC)
    await store.record_delivery(
        alert_id="a", event_id=events[5].id, sink="slack", outcome="failed", attempts=1, error="x", at=at
    )
    await store.upsert_event(events[5])
    detail = await store.get_event(events[5].id)
    assert detail is not None and [d.sink for d in detail.deliveries] == ["slack"]


async def test_delivery_by_alert_id_finds_its_event_in_either_order(
    store: EventStore, store_url: str, events: list[Event]
) -> None:
    at = datetime(2020, 11, 7, 21, tzinfo=UTC)
    first, second = events[3].id, events[4].id
    delivered = {"outcome": "delivered", "attempts": 0, "error": None, "at": at}
    # The delivery arrives before its alert, then the alert: the row is completed.
    await store.record_delivery(alert_id="a1", event_id="", sink="webhook", **delivered)
    await store.record_alert(alert_id="a1", event_id=first, reason="first", created_at=at)
    # The alert is known first: the delivery is tied at once.
    await store.record_alert(alert_id="a2", event_id=second, reason="first", created_at=at)
    await store.record_alert(alert_id="a2", event_id=second, reason="first", created_at=at)
    await store.record_delivery(alert_id="a2", event_id="", sink="console", **delivered)
    await _upsert_all(store, events)
    for event_id, alert_id in ((first, "a1"), (second, "a2")):
        detail = await store.get_event(event_id)
        assert detail is not None and [d.alert_id for d in detail.deliveries] == [alert_id]
    counts = row_counts(store_url)
    assert (counts["alerts"], counts["deliveries"]) == (2, 2)


async def test_bad_records_are_refused(store: EventStore, events: list[Event]) -> None:
    at = datetime.now(UTC)
    with pytest.raises(RecordError):
        await store.record_delivery(
            alert_id="", event_id="e", sink="s", outcome="failed", attempts=1, error=None, at=at
        )
    with pytest.raises(RecordError):
        await store.record_delivery(
            alert_id="a", event_id="e", sink="s", outcome="x", attempts=-1, error=None, at=at
        )
    with pytest.raises(RecordError):
        await store.upsert_event(events[0].replace(date="2020-02-30"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (EventQuery(types=("ceasefire_violated",)), {"2020-10-10", "2020-10-18"}),
        (EventQuery(types=("leader_call", "ceasefire_violated")), None),
        (EventQuery(participant="macron"), {"2020-09-30", "2020-10-20", "2020-11-07"}),
        (EventQuery(participant="erdogan-recep-tayyip"), {"2020-11-07"}),
        (EventQuery(country="ARM"), {"2020-10-02"}),
        (EventQuery(since=date(2020, 10, 10), until=date(2020, 10, 18)), {"2020-10-10", "2020-10-18"}),
        (EventQuery(text="ERUPTION hostilities"), {"2020-10-18"}),
        (EventQuery(text="100%"), set()),
        (EventQuery(participant="putin", country="TUR"), {"2020-11-07"}),
    ],
)
async def test_query_filters(
    store: EventStore, events: list[Event], query: EventQuery, expected: set[str] | None
) -> None:
    await _upsert_all(store, events)
    page = await store.query_events(query)
    dates = {s.event.date for s in page.items}
    assert dates == (expected if expected is not None else {e.date for e in events})
    assert page.total == len(page.items)


async def test_paging_and_order(store: EventStore, events: list[Event]) -> None:
    await _upsert_all(store, events)
    first = await store.query_events(EventQuery(limit=3))
    rest = await store.query_events(EventQuery(limit=10, offset=3))
    dates = [s.event.date for s in (*first.items, *rest.items)]
    assert dates == sorted(dates, reverse=True)
    assert (first.total, first.next_offset, rest.next_offset) == (7, 3, None)
    assert first.items[0].event.headline.startswith("Erdogan")  # same day, reported later
    assert len({s.event.id for s in (*first.items, *rest.items)}) == 7


async def test_hostile_text_round_trips(store: EventStore, events: list[Event]) -> None:
    hostile = events[0].replace(
        headline="<script>alert('x')</script>\x00 O'Brien; DROP TABLE events;--", date="2021-01-01"
    )
    await store.upsert_event(hostile)
    detail = await store.get_event(hostile.id)
    assert detail is not None
    assert detail.summary.event.headline == "<script>alert('x')</script> O'Brien; DROP TABLE events;--"
    assert (await store.query_events(EventQuery(text="o'brien"))).total == 1
    assert await store.get_event("no-such-event") is None
