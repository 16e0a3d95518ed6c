"""ArticleProducer against the real local broker: keys, values, acks, and the runner's spool path."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer

from connectors.producer import ArticleProducer
from connectors.runner import run_connectors
from streams.admin import ensure_topics
from streams.records import Article, stable_id, utcnow
from streams.settings import Settings, settings_from_mapping
from streams.topics import ARTICLES_RAW

pytestmark = pytest.mark.integration


def kafka_settings(tmp_path: Path, bootstrap: str, prefix: str, **connectors: Any) -> Settings:
    base: dict[str, Any] = {
        "state_dir": str(tmp_path / "state"),
        "spool_dir": str(tmp_path / "spool"),
        "metrics_port": 0,
        "spool_settle_seconds": 0,
        "spool_poll_seconds": 0.1,
    }
    base.update(connectors)
    settings = settings_from_mapping(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": prefix, "partitions": 2},
            "connectors": base,
        }
    )
    ensure_topics(settings)
    return settings


def read_all(settings: Settings, expect: int, timeout: float = 30.0) -> list[tuple[bytes, Article]]:
    """Every record on the raw topic (waits until at least ``expect`` arrived or the timeout)."""
    consumer = KafkaConsumer(
        settings.topic(ARTICLES_RAW),
        bootstrap_servers=settings.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=3000,
    )
    records: list[tuple[bytes, Article]] = []
    import time

    end = time.monotonic() + timeout
    try:
        while time.monotonic() < end:
            for message in consumer:
                records.append((message.key, Article.from_json(message.value)))
            if len(records) >= expect:
                break
    finally:
        consumer.close()
    return records


def _article(n: int) -> Article:
    url = f"https://news.example.com/story/{n}"
    return Article(
        id=stable_id(url), url=url, title=f"Story {n}", text="text", published=utcnow(), connector="test"
    )


async def test_send_and_deliver(tmp_path: Path, kafka_bootstrap: str, topic_prefix: str) -> None:
    settings = kafka_settings(tmp_path, kafka_bootstrap, topic_prefix)
    producer = ArticleProducer(settings)
    try:
        producer.send(_article(0))
        await asyncio.gather(*(producer.deliver(_article(n)) for n in range(1, 50)))
        producer.flush(30)
    finally:
        producer.close(30)
    records = read_all(settings, 50)
    assert len(records) == 50
    assert {key.decode() for key, _ in records} == {f"https://news.example.com/story/{n}" for n in range(50)}
    assert all(article.url == key.decode() for key, article in records)


async def test_runner_produces_seeds_from_spool(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, seeds_dir: Path
) -> None:
    settings = kafka_settings(tmp_path, kafka_bootstrap, topic_prefix)
    spool = Path(settings.connectors.spool_dir or "")
    spool.mkdir(parents=True)
    names = sorted(p.name for p in seeds_dir.glob("*.txt"))
    for name in names:
        (spool / f"{name}.meta.json").write_text(json.dumps({"published": "2020-11-07T20:00:00+00:00"}))
        shutil.copy(seeds_dir / name, spool / name)
    stop = asyncio.Event()
    task = asyncio.create_task(run_connectors(settings, stop))
    for _ in range(300):
        await asyncio.sleep(0.1)
        if len(list((spool / "done").glob("*.txt"))) == len(names):
            break
    stop.set()
    await asyncio.wait_for(task, 60)
    records = read_all(settings, len(names))
    assert sorted(k.decode() for k, _ in records) == sorted(f"spool://{n}" for n in names)
