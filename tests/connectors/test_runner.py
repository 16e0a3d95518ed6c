"""run_connectors without Kafka: a fake sink, spool and feeds together; and waiting for an absent broker."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from connectors.runner import run_connectors


async def test_runner_with_sink_spool_and_unreachable_feed(feed_server, settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    url = feed_server.static(
        "/f",
        "<rss version='2.0'><channel><title>T</title><link>https://t.example/</link>"
        "<item><title>Hello there</title><link>https://t.example/1</link></item></channel></rss>",
    )
    settings = settings_for(
        spool_poll_seconds=0.1,
        start_spread_seconds=0.1,
        connect_timeout_seconds=1,
        feeds=[
            {"url": url, "allow_private": True},
            {"url": "http://127.0.0.1:9/gone", "allow_private": True},
        ],
    )
    spool = Path(settings.connectors.spool_dir or "")
    spool.mkdir(parents=True)
    (spool / "note.txt").write_text("A Headline For The Runner Test\n\nBody.")
    stop = asyncio.Event()
    task = asyncio.create_task(run_connectors(settings, stop, sink=sink))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if len(sink.articles) >= 2:
            break
    stop.set()
    await asyncio.wait_for(task, 10)
    assert sorted(a.title for a in sink.articles) == ["A Headline For The Runner Test", "Hello there"]
    assert sink.flushed == 1


async def test_runner_waits_for_broker_and_stops(settings_for) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(kafka={"bootstrap_servers": "127.0.0.1:9"})
    stop = asyncio.Event()
    task = asyncio.create_task(run_connectors(settings, stop))
    await asyncio.sleep(0.5)
    assert not task.done()  # still trying to reach Kafka, not crashed
    stop.set()
    started = time.monotonic()
    await asyncio.wait_for(task, 30)
    assert time.monotonic() - started < 15
