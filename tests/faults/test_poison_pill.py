"""Poison pills through the real broker: each bad input of issue 14 item 3 with a canary after it.

``newswatch connectors`` (``run_connectors``, in-process, real ``ArticleProducer``) reads a spool folder
and two feeds served on 127.0.0.1. Before each canary sits an input that used to stop its connector for
ever: a JSON line and a sidecar dated ``9999-12-31T23:59:59-14:00``, a file name that is not UTF-8, a
2 MB article (spool text, JSON line, RSS item), a JSON Feed item with an overflowing date, plus a symlink
to a secret, a zero-byte file and a name with a newline. Every canary must reach ``articles.raw``, every
unusable file must be in ``failed/`` with its reason, and a restart must not retry anything. The second
test gives the topic a ``max.message.bytes`` below ours, so the broker itself refuses the big articles.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from connectors.runner import run_connectors
from streams.admin import ensure_topics
from streams.records import Article
from streams.settings import Settings, settings_from_mapping
from streams.topics import ARTICLES_RAW
from tests.connectors.conftest import FeedServer

pytestmark = pytest.mark.integration

OVERFLOW = "9999-12-31T23:59:59-14:00"
BIG = 2 * 1024 * 1024


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def big_text(compressible: bool) -> str:
    if compressible:
        return "The ministers talked about the ceasefire again. " * (BIG // 48)
    return base64.b64encode(os.urandom(BIG * 3 // 4)).decode()  # gzip cannot shrink it much


def drop(path: Path, data: bytes | str, order: int) -> None:
    """Write a spool file dated so that files are taken in ``order`` (each poison before its canary)."""
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    stamp = time.time() - 1000 + order
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def canary(n: int) -> str:
    return f"Canary number {n} after a poison pill"


def fill_spool(spool: Path, secret: Path, text: str) -> tuple[set[str], dict[str, str]]:
    """The poisoned spool; returns the canary titles expected and failed/ files with a reason word."""
    spool.mkdir(parents=True)
    jsonl = [
        {
            "url": "https://poison.example/overflow",
            "title": "Poison date",
            "text": "x",
            "published": OVERFLOW,
        },
        {"url": "https://canary.example/1", "title": canary(1), "text": "c", "published": "2020-11-07"},
    ]
    drop(spool / "01-overflow.jsonl", "\n".join(json.dumps(line) for line in jsonl) + "\n", 1)
    drop(spool / "02-poison-date.txt", "Poisoned Story With A Bad Sidecar Date\n\ntext", 2)
    (spool / "02-poison-date.txt.meta.json").write_text(json.dumps({"published": OVERFLOW}))
    drop(spool / "03-canary.txt", f"{canary(2)}\n\ncanary text", 3)
    drop(spool / os.fsdecode(b"04-bad-\xff-name.txt"), "Story Whose Name Is Not UTF-8\n\ntext", 4)
    drop(spool / "05-canary.txt", f"{canary(3)}\n\ncanary text", 5)
    drop(spool / "06-huge.txt", f"Huge Spool Story Larger Than The Broker Takes\n\n{text}", 6)
    drop(spool / "07-canary.txt", f"{canary(4)}\n\ncanary text", 7)
    lines = [
        {"url": "https://poison.example/huge-line", "title": "Huge JSON line", "text": text},
        {"url": "https://canary.example/5", "title": canary(5), "text": "c"},
    ]
    drop(spool / "08-huge.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n", 8)
    (spool / "09-s.txt").symlink_to(secret)
    os.utime(spool / "09-s.txt", (time.time() - 991, time.time() - 991), follow_symlinks=False)
    drop(spool / "10-canary.txt", f"{canary(6)}\n\ncanary text", 10)
    drop(spool / "11-empty.txt", b"", 11)
    drop(spool / "12-new\nline.txt", f"{canary(7)}\n\ncanary text", 12)
    failed = {
        "02-poison-date.txt": "bad published time",
        os.fsdecode(b"04-bad-\xff-name.txt"): "not valid UTF-8",
        "09-s.txt": "symbolic link",
        "11-empty.txt": "empty",
    }
    return {canary(n) for n in range(1, 8)}, failed


def feeds(server: FeedServer, text: str) -> list[dict[str, Any]]:
    json_feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [
            {"id": "poison", "title": "Poison JSON date", "content_text": "x", "date_published": OVERFLOW},
            {
                "id": "canary",
                "title": canary(8),
                "content_text": "c",
                "date_published": "2020-11-07T18:00:00Z",
            },
        ],
    }
    rss = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>R</title><link>https://rss.example/</link>"
        "<description>d</description>"
        f"<item><title>{canary(9)}</title><link>https://rss.example/canary</link><description>c</description>"
        "<pubDate>Sat, 07 Nov 2020 18:00:00 GMT</pubDate></item>"
        "<item><title>Huge RSS item</title><link>https://rss.example/huge</link>"
        f"<description>{text}</description><pubDate>Sat, 07 Nov 2020 17:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    )
    return [
        {
            "url": server.static("/feed.json", json.dumps(json_feed), "application/feed+json"),
            "allow_private": True,
        },
        {"url": server.static("/rss.xml", rss, "application/rss+xml"), "allow_private": True},
    ]


def settings_for(tmp_path: Path, bootstrap: str, prefix: str, feed_list: list[dict[str, Any]]) -> Settings:
    settings = settings_from_mapping(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": prefix, "partitions": 2},
            "connectors": {
                "state_dir": str(tmp_path / "state"),
                "spool_dir": str(tmp_path / "spool"),
                "metrics_port": 0,
                "spool_settle_seconds": 0,
                "spool_poll_seconds": 0.2,
                "start_spread_seconds": 0,
                "feeds": [{**feed, "interval_seconds": 1.0} for feed in feed_list],
                "producer": {"retry_backoff_seconds": 0.2, "max_retry_backoff_seconds": 1.0},
            },
        }
    )
    ensure_topics(settings)
    return settings


class TopicReader:
    """Reads articles.raw from the start; ``until`` waits for titles (or a quiet period)."""

    def __init__(self, settings: Settings) -> None:
        self.consumer = KafkaConsumer(
            settings.topic(ARTICLES_RAW),
            bootstrap_servers=settings.kafka.bootstrap_servers,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        self.records: list[tuple[int, Article]] = []

    def poll(self) -> None:
        for batch in self.consumer.poll(timeout_ms=500).values():
            self.records.extend(
                (len(r.key or b"") + len(r.value or b""), Article.from_json(r.value)) for r in batch
            )

    def until(self, titles: set[str], timeout: float) -> set[str]:
        end = time.monotonic() + timeout
        while time.monotonic() < end and not titles <= self.titles:
            self.poll()
        return self.titles

    @property
    def titles(self) -> set[str]:
        return {article.title for _, article in self.records}

    def close(self) -> None:
        self.consumer.close()


async def run_until(settings: Settings, reader: TopicReader, titles: set[str], timeout: float) -> set[str]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_connectors(settings, stop))
    try:
        return await asyncio.to_thread(reader.until, titles, timeout)
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


def check_failed(spool: Path, failed: dict[str, str]) -> None:
    for name, word in failed.items():
        note = spool / "failed" / (name + ".error.txt")
        assert note.exists(), f"{name!r} not in failed/"
        assert word in note.read_text(encoding="utf-8"), (name, note.read_text(encoding="utf-8"))


async def test_every_canary_after_a_poison_pill_is_produced(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, feed_server: FeedServer
) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:SECRET-HASH:19000::::::\n")
    text = big_text(compressible=True)
    settings = settings_for(tmp_path, kafka_bootstrap, topic_prefix, feeds(feed_server, text))
    spool = Path(settings.connectors.spool_dir or "")
    canaries, failed = fill_spool(spool, secret, text)
    canaries |= {canary(8), canary(9)}
    big_ones = {"Huge Spool Story Larger Than The Broker Takes", "Huge JSON line", "Huge RSS item"}
    reader = TopicReader(settings)
    try:
        started = time.monotonic()
        seen = await run_until(settings, reader, canaries | big_ones, timeout=120)
        elapsed = time.monotonic() - started
        missing = sorted(canaries - seen)
        assert not missing, f"canaries not produced: {missing}"
        assert big_ones <= seen, sorted(big_ones - seen)
        limit = settings.connectors.producer.max_article_bytes
        for size, article in reader.records:
            assert size <= limit
            assert article.text_truncated == (article.title in big_ones), article.title
            assert "SECRET" not in article.text
        assert not {"Poison date", "Poison JSON date"} & seen or all(
            a.published_is_fallback for _, a in reader.records if a.title == "Poison JSON date"
        )
        check_failed(spool, failed)
        assert not any(p.is_file() or p.is_symlink() for p in spool.iterdir()), sorted(os.listdir(spool))
        count = len(reader.records)
        # A restart retries nothing: the feeds' entries are seen, the spool is empty.
        await run_until(settings, reader, {"(nothing more)"}, timeout=6)
        assert len(reader.records) == count
    finally:
        reader.close()
    print(
        f"FAULT-COUNTS poison-pill: canaries expected {len(canaries)}, produced {len(canaries & seen)}; "
        f"truncated {len(big_ones & seen)}; failed files {len(failed)}; records {count}; "
        f"all canaries after {elapsed:.1f}s"
    )


async def test_topic_limit_lowered_while_running_costs_no_article(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    """``max.message.bytes`` of the topic drops to 200 000 while the connectors run: the broker refuses
    the first big record (kafka-python then fails every batch of that producer), the connector reads the
    new limit, replaces the producer, cuts the big articles to it and re-sends everything: all canaries
    and all big articles arrive, none is retried for ever."""
    secret = tmp_path / "shadow"
    secret.write_text("root:SECRET-HASH:19000::::::\n")
    settings = settings_for(tmp_path, kafka_bootstrap, topic_prefix, [])
    spool = Path(settings.connectors.spool_dir or "")
    staging = tmp_path / "staging"
    canaries, failed = fill_spool(staging, secret, big_text(compressible=False))
    big_ones = {"Huge Spool Story Larger Than The Broker Takes", "Huge JSON line"}
    reader = TopicReader(settings)
    caplog.set_level(logging.WARNING, logger="connectors")
    stop = asyncio.Event()
    task = asyncio.create_task(run_connectors(settings, stop))
    try:
        spool.mkdir(exist_ok=True)
        drop(spool / "00-first.txt", "First Canary Before The Limit Changes\n\ntext", 0)
        first = {"First Canary Before The Limit Changes"}
        assert first <= await asyncio.to_thread(reader.until, first, 60)
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        try:
            resource = ConfigResource(
                ConfigResourceType.TOPIC, settings.topic(ARTICLES_RAW), {"max.message.bytes": "200000"}
            )
            admin.alter_configs([resource])
        finally:
            admin.close()
        for entry in sorted(staging.iterdir()):
            os.rename(entry, spool / entry.name)
        seen = await asyncio.to_thread(reader.until, canaries | big_ones, 120)
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)
        reader.close()
    assert not sorted(canaries - seen), f"canaries not produced: {sorted(canaries - seen)}"
    assert big_ones <= seen, sorted(big_ones - seen)
    for size, article in reader.records:
        assert size <= 200_000
        assert "SECRET" not in article.text
    assert any("reading the topic's limit again" in r.getMessage() for r in caplog.records)
    assert all(a.text_truncated and size <= 200_000 for size, a in reader.records if a.title in big_ones), [
        (size, a.title) for size, a in reader.records if a.title in big_ones
    ]
    check_failed(spool, failed)
    print(
        f"FAULT-COUNTS poison-pill, topic limit lowered: canaries {len(canaries & seen)}/{len(canaries)}, "
        f"big articles cut to fit {len(big_ones & seen)}/{len(big_ones)}, records {len(reader.records)}"
    )
