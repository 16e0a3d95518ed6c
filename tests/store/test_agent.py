"""The store stage's record handling (what the Faust agents call), on both backends, without a broker."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from streams.errors import RecordError
from streams.records import Alert, Event
from streams.settings import settings_from_mapping
from streams.store import EventStore
from streams.store.agent import StoreWriter, register
from tests.store.helpers import row_counts


async def test_writer_replays_leave_counts_unchanged(
    store: EventStore, store_url: str, events: list[Event]
) -> None:
    writer = StoreWriter(store)
    created = datetime(2020, 11, 7, 19, tzinfo=UTC)
    alerts = [Alert(event, "first", created) for event in events]
    letter = {
        "alert": alerts[6].to_dict(), "alert_id": alerts[6].id, "sink": "webhook", "error": "HTTP 503",
        "attempts": 5, "status": 503, "time": "2020-11-07T19:05:00+00:00",
    }  # fmt: skip
    for _ in range(2):  # the second pass is a replay of every topic
        for event in events:
            await writer.event(event.to_json())
        for alert in alerts:
            await writer.alert(alert.to_json())
            await writer.delivered(f"{alert.id}|console".encode(), timestamp=created.timestamp())
        await writer.dead_letter(orjson.dumps(letter))
    counts = row_counts(store_url)
    assert (counts["events"], counts["alerts"], counts["deliveries"]) == (7, 7, 8)
    detail = await store.get_event(events[6].id)
    assert detail is not None
    outcomes = {(d.sink, d.outcome, d.attempts, d.error) for d in detail.deliveries}
    assert outcomes == {("console", "delivered", 0, None), ("webhook", "dead_letter", 5, "HTTP 503")}


@pytest.mark.parametrize(
    ("method", "raw"),
    [
        ("event", b"not json"),
        ("event", b'{"type": "leader_call"}'),
        ("alert", b"[]"),
        ("delivered", b"no-separator"),
        ("delivered", b"|sink"),
        ("dead_letter", b'{"sink": "x"}'),
    ],
)
async def test_writer_refuses_bad_records(store: EventStore, method: str, raw: bytes) -> None:
    with pytest.raises(RecordError):
        await getattr(StoreWriter(store), method)(raw)


def test_register_attaches_agents(tmp_path: Path) -> None:
    faust = pytest.importorskip("faust")
    from streams.worker.app import create_topics

    settings = settings_from_mapping(
        {
            "kafka": {"bootstrap_servers": "127.0.0.1:1", "topic_prefix": "t-"},
            "worker": {"data_dir": str(tmp_path)},
        }
    )
    app = faust.App("store-test", broker="kafka://127.0.0.1:1", datadir=str(tmp_path), autodiscover=False)
    register(app, create_topics(app, settings), settings)
    names = {agent.name for agent in app.agents.values()}
    assert {"newswatch.store-events", "newswatch.store-alerts", "newswatch.store-deliveries",
            "newswatch.store-dead-letters"} <= names  # fmt: skip
