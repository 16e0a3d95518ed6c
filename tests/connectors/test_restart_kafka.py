"""Restart safety through the real broker: stop mid-way, start again; no duplicate ids, no gaps."""

from __future__ import annotations

import asyncio
import html
import time
from collections import Counter
from pathlib import Path

import pytest
from aiohttp import web
from kafka import KafkaConsumer

from connectors.runner import run_connectors
from streams.admin import ensure_topics
from streams.records import Article
from streams.settings import Settings, settings_from_mapping
from streams.topics import ARTICLES_RAW

pytestmark = pytest.mark.integration

FEEDS = 12
ENTRIES = 40


def feed_xml(feed: int, count: int) -> str:
    items = "".join(
        f"<item><title>Feed {feed} item {i}</title><link>https://f{feed}.example/{i}?utm_source=rss</link>"
        f"<guid isPermaLink='false'>f{feed}-{i}</guid><description>{html.escape('text ' * 20)}</description>"
        "<pubDate>Sat, 07 Nov 2020 18:00:00 GMT</pubDate></item>"
        for i in reversed(range(count))
    )
    return f"<rss version='2.0'><channel><title>F{feed}</title><link>https://f{feed}.example/</link>{items}</channel></rss>"


def consume_all(settings: Settings, expect: int, timeout: float = 60.0) -> list[Article]:
    consumer = KafkaConsumer(
        settings.topic(ARTICLES_RAW),
        bootstrap_servers=settings.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=3000,
    )
    found: list[Article] = []
    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end and len(found) < expect:
            found.extend(Article.from_json(m.value) for m in consumer)
        found.extend(Article.from_json(m.value) for m in consumer)  # anything extra (duplicates)
    finally:
        consumer.close()
    return found


async def test_stop_mid_way_and_restart(  # type: ignore[no-untyped-def]
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, feed_server
) -> None:
    visible = {"count": ENTRIES // 2}  # feeds grow between the two runs

    def handler_for(feed: int):  # type: ignore[no-untyped-def]
        async def handler(request: web.Request) -> web.StreamResponse:
            await asyncio.sleep(0.15)  # slow enough that stopping catches polls in flight
            etag = f'"{visible["count"]}"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304)
            body = feed_xml(feed, visible["count"])
            return web.Response(text=body, content_type="application/rss+xml", headers={"ETag": etag})

        return handler

    urls = [feed_server.add(f"/feed/{n}", handler_for(n)) for n in range(FEEDS)]
    settings = settings_from_mapping(
        {
            "kafka": {"bootstrap_servers": kafka_bootstrap, "topic_prefix": topic_prefix, "partitions": 2},
            "connectors": {
                "state_dir": str(tmp_path / "state"),
                "spool_dir": None,
                "metrics_port": 0,
                "start_spread_seconds": 0.5,
                "per_host_concurrency": 2,
                "feeds": [{"url": u, "allow_private": True, "interval_seconds": 0.5} for u in urls],
            },
        }
    )
    ensure_topics(settings)

    async def run_for(seconds: float) -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(run_connectors(settings, stop))
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.wait_for(task, 90)

    await run_for(1.2)  # stopped mid-way: only some feeds polled
    first_hits = sum(feed_server.hits.values())
    assert first_hits > 0
    visible["count"] = ENTRIES
    await run_for(6.0)
    articles = consume_all(settings, FEEDS * ENTRIES)
    counts = Counter(a.id for a in articles)
    duplicates = [i for i, c in counts.items() if c > 1]
    assert not duplicates
    expected = {f"Feed {f} item {i}" for f in range(FEEDS) for i in range(ENTRIES)}
    assert {a.title for a in articles} == expected
    assert all("utm_" not in a.url for a in articles)
