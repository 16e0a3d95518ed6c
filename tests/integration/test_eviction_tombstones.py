"""An evicted fingerprint's tombstone lands on the partition that holds its value (issue 19).

Compaction drops a key only when its tombstone is on the key's own partition: a tombstone elsewhere leaves
the value for ever (and is applied by every reader as a deletion of a key it never held there). The
worker remembers stories from one partition, moves stream time past the window with stories from
there, then evicts while taking stories from the other partition; the state topic is read back.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from streams.topics import ARTICLES_RAW
from tests.integration.kafka_io import produce_articles
from tests.integration.stories import StoryWriter, url_on
from tests.pipeline_harness import Pipeline, metric_sum, wait_for

pytestmark = pytest.mark.integration

PARTITIONS = 2  # the harness's
OLD_STORIES = 12


def _state_topics(bootstrap: str, prefix: str) -> list[str]:
    """The topic(s) the run's dedupe state was written to, whichever design wrote it."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        return [t for t in admin.list_topics() if t.startswith(prefix) and "dedupe" in t]
    finally:
        admin.close()


def _records(bootstrap: str, topic: str) -> list[tuple[int, bytes, bytes | None]]:
    """(partition, key, value) of every record on ``topic``."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        found: list[tuple[int, bytes, bytes | None]] = []
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for tp, batch in consumer.poll(timeout_ms=1000).items():
                found.extend((tp.partition, bytes(r.key), r.value) for r in batch)
        return found
    finally:
        consumer.close()


def test_eviction_tombstones_land_on_the_partition_of_their_key(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str
) -> None:
    pipe = Pipeline(
        tmp_path,
        kafka_bootstrap,
        topic_prefix,
        overrides={"dedupe": {"window_days": 1.0, "evict_interval_seconds": 1.0}},
    )
    raw_topic = f"{topic_prefix}{ARTICLES_RAW}"
    writer, day = StoryWriter(7), datetime(2026, 2, 1, 12, tzinfo=UTC)

    def stories(name: str, partition: int, published: datetime, count: int) -> list:
        return [
            writer.story(f"{name}-{n}", url_on(partition, f"{name}{n}", PARTITIONS), published)
            for n in range(count)
        ]

    def decided() -> float:
        pipe.assert_running()
        values = pipe.worker_metrics()
        return metric_sum(values, "newswatch_articles_unique_total") + metric_sum(
            values, "newswatch_articles_duplicate_total"
        )

    try:
        pipe.start("worker")
        produce_articles(kafka_bootstrap, raw_topic, stories("old", 0, day, OLD_STORIES))
        wait_for(lambda: decided() >= OLD_STORIES, 120, "the old stories to be remembered")
        produce_articles(kafka_bootstrap, raw_topic, stories("later", 0, day + timedelta(days=3), 3))
        wait_for(lambda: decided() >= OLD_STORIES + 3, 60, "stream time to move past the window")
        for round_ in range(30):  # eviction runs at the start of a batch once its interval has passed
            produce_articles(
                kafka_bootstrap, raw_topic, stories(f"other{round_}", 1, day + timedelta(days=3), 2)
            )
            evicted = metric_sum(pipe.worker_metrics(), "newswatch_dedupe_evicted_total")
            if evicted >= OLD_STORIES:
                break
            target = OLD_STORIES + 3 + 2 * (round_ + 1)
            wait_for(lambda: decided() >= target, 60, "a batch of the other partition")  # noqa: B023
        assert metric_sum(pipe.worker_metrics(), "newswatch_dedupe_evicted_total") >= OLD_STORIES
    finally:
        pipe.stop_all()

    (topic,) = [
        t for t in _state_topics(kafka_bootstrap, topic_prefix) if "fingerprints" in t or "state" in t
    ]
    values_on: dict[bytes, set[int]] = defaultdict(set)
    tombstones: list[tuple[int, bytes]] = []
    for partition, key, value in _records(kafka_bootstrap, topic):
        if value is None:
            tombstones.append((partition, key))
        else:
            values_on[key].add(partition)
    misplaced = [(p, key) for p, key in tombstones if values_on[key] and p not in values_on[key]]
    print(f"TOMBSTONES {len(tombstones)} on {topic}, {len(misplaced)} not on the partition of their key")
    assert len(tombstones) >= OLD_STORIES
    assert misplaced == []
