"""Articles in flight at a crash: noted before sending, looked up on the topic at the next start.

Regression for the duplicates of ``tests/faults/test_connector_kill.py`` (feed): a SIGKILL after the
broker appended an article but before the state store recorded its ack re-sent it after the restart.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kafka import KafkaProducer
from prometheus_client import REGISTRY

from connectors.producer import article_key
from connectors.readback import matching, partition_for, settle_in_flight
from connectors.state import SPOOL_SOURCE, InFlight, StateStore
from streams.admin import ensure_topics
from streams.records import Article
from streams.settings import settings_from_mapping
from streams.topics import ARTICLES_RAW

FEED = "https://feed.example/rss"
READBACK = "newswatch_connector_readback_articles_total"


def readback_count(outcome: str) -> float:
    return REGISTRY.get_sample_value(READBACK, {"outcome": outcome}) or 0.0


def article(n: int) -> Article:
    return Article(
        id=f"id-{n}",
        url=f"https://site.example/story/{n}",
        title=f"Story {n}",
        text="text",
        published=datetime(2020, 1, 1, tzinfo=UTC),
    )


def test_in_flight_until_marked_seen(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite3")
    store.note_in_flight(FEED, [("a", b"ka"), ("b", b"kb")], 100.0)
    store.mark_seen(FEED, ["a"])
    assert store.in_flight() == [InFlight(FEED, "b", b"kb", 100.0)]
    store.close()
    reopened = StateStore(tmp_path / "s.sqlite3")  # survives a restart
    assert [i.entry_id for i in reopened.in_flight()] == ["b"]


def test_settle_records_the_found_and_forgets_the_rest(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite3")
    store.note_in_flight(FEED, [("a", b"ka"), ("b", b"kb")], 100.0)
    store.note_in_flight(SPOOL_SOURCE + "d1", [("x", b"kx"), ("y", b"ky")], 100.0)
    store.note_in_flight(SPOOL_SOURCE + "d2", [("z", b"kz")], 100.0)
    found = [i for i in store.in_flight() if i.entry_id in {"a", "x", "z"}]
    assert store.settle_in_flight(found) == 2  # a and z: x's file is re-sent whole
    assert store.in_flight() == []
    assert store.seen_among(FEED, ["a", "b"]) == {"a"}  # b is produced again by the next poll
    assert store.spool_is_done("d2")  # every article of the file is on the topic: moved, not re-produced
    assert not store.spool_is_done("d1")  # y is missing: the whole file is produced again


def test_mark_spool_done_ends_its_in_flight(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite3")
    store.note_in_flight(SPOOL_SOURCE + "d1", [("x", b"kx")], 100.0)
    store.mark_spool_done("d1", "f.txt")
    assert store.in_flight() == []


def test_matching_needs_key_and_id() -> None:
    pending = [InFlight(FEED, "id-1", b"k1", 0.0), InFlight(FEED, "id-2", b"k2", 0.0)]
    records = [
        (b"k1", article(1).to_json()),
        (b"k2", b'{"id": "other"}'),  # same key, another article
        (None, b"{}"),
        (b"k2", b"not json"),
    ]
    assert matching(records, pending) == {pending[0]}


@pytest.mark.integration
def test_settle_finds_what_the_broker_got(tmp_path: Path, kafka_bootstrap: str, topic_prefix: str) -> None:
    settings = settings_from_mapping(
        {
            "kafka": {"bootstrap_servers": kafka_bootstrap, "topic_prefix": topic_prefix, "partitions": 3},
            "connectors": {"state_dir": str(tmp_path), "spool_dir": None, "metrics_port": 0},
        }
    )
    ensure_topics(settings)
    store = StateStore.in_dir(tmp_path)
    articles = [article(n) for n in range(10)]
    store.note_in_flight(FEED, [(a.id, article_key(a)) for a in articles], time.time())
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True)
    try:
        # The broker gets the first six; the process "dies" before recording any ack.
        futures = [
            producer.send(settings.topic(ARTICLES_RAW), key=article_key(a), value=a.to_json())
            for a in articles[:6]
        ]
        producer.flush(30)
        for a, future in zip(articles, futures, strict=False):
            assert future.get().partition == partition_for(article_key(a), 3)
    finally:
        producer.close(10)
    before = {outcome: readback_count(outcome) for outcome in ("found", "resent")}
    asyncio.run(settle_in_flight(settings, store))
    assert store.in_flight() == []
    assert store.seen_among(FEED, [a.id for a in articles]) == {a.id for a in articles[:6]}
    assert readback_count("found") - before["found"] == 6
    assert readback_count("resent") - before["resent"] == 4


def test_settle_without_the_topic_counts_every_article_as_resent(tmp_path: Path) -> None:
    settings = settings_from_mapping({"connectors": {"state_dir": str(tmp_path), "metrics_port": 0}})
    store = StateStore.in_dir(tmp_path)
    store.note_in_flight(FEED, [("a", b"ka"), ("b", b"kb")], time.time())
    before = {outcome: readback_count(outcome) for outcome in ("found", "resent")}
    asyncio.run(settle_in_flight(settings, store, read_topic=False))
    assert store.in_flight() == []
    assert readback_count("found") == before["found"]
    assert readback_count("resent") - before["resent"] == 2
