"""A partition no worker committed yet is read from its first record after a rebalance (issue 19).

Faust ends a rebalance with ``consumer.perform_seek()``, aiokafka's ``seek_to_committed``, which seeks
only where the committed offset is above 0. Records fetched during the rebalance and dropped (the flow is
held then) are therefore never fetched again on such a partition, and the first record processed after
them commits past them: the three-worker kill test lost 10 to 37 of 120 alerts that way. These run the
seek on a real aiokafka consumer (the client Faust's consumer delegates to) on the real broker.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import SimpleNamespace

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.types import TP
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from prometheus_client import REGISTRY

from streams.worker.uncommitted_seek import RewindUncommitted

pytestmark = pytest.mark.integration

RECORDS, FETCHED_DURING_REBALANCE = 30, 12


class FaustLikeConsumer:
    """The consumer calls the rewind makes, passed to aiokafka as Faust's aiokafka driver passes them."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self.flowing = True

    def assignment(self) -> set[TP]:
        return {TP(tp.topic, tp.partition) for tp in self.consumer.assignment()}

    async def perform_seek(self) -> None:
        await self.consumer.seek_to_committed()

    async def earliest_offsets(self, *partitions: TP) -> Mapping[TP, int]:
        found = await self.consumer.beginning_offsets([TopicPartition(*tp) for tp in partitions])
        return {TP(tp.topic, tp.partition): offset for tp, offset in found.items()}

    async def seek(self, partition: TP, offset: int) -> None:
        self.consumer.seek(TopicPartition(*partition), offset)

    def stop_flow(self) -> None:
        self.flowing = False

    def resume_flow(self) -> None:
        self.flowing = True


async def _fetch_some(consumer: AIOKafkaConsumer, count: int) -> list[int]:
    """The offsets of the next ``count`` records (fewer if no more come within 10 s)."""
    offsets: list[int] = []
    deadline = time.monotonic() + 10
    while len(offsets) < count and time.monotonic() < deadline:
        for records in (await consumer.getmany(timeout_ms=2000, max_records=count - len(offsets))).values():
            offsets += [record.offset for record in records]
    return offsets


@pytest.fixture
async def fetched_past_uncommitted(kafka_bootstrap: str, topic_prefix: str):
    """A consumer of a group that never committed, which fetched (and dropped) the first records."""
    topic, group = f"{topic_prefix}alerts", f"{topic_prefix}group"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    admin.close()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for n in range(RECORDS):
        producer.send(topic, value=f"alert {n}".encode(), partition=0)
    producer.flush(30)
    producer.close()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    consumer.assign([TopicPartition(topic, 0)])
    assert await _fetch_some(consumer, FETCHED_DURING_REBALANCE) == list(range(FETCHED_DURING_REBALANCE))
    try:
        yield consumer, topic, group, kafka_bootstrap
    finally:
        await consumer.stop()


async def test_the_seek_faust_ends_a_rebalance_with_leaves_an_uncommitted_partition_where_it_was(
    fetched_past_uncommitted,
) -> None:
    consumer, *_ = fetched_past_uncommitted
    await FaustLikeConsumer(consumer).perform_seek()
    assert await _fetch_some(consumer, 1) == [FETCHED_DURING_REBALANCE]  # the dropped records are gone


async def test_the_rewind_reads_an_uncommitted_partition_from_its_first_record(
    fetched_past_uncommitted,
) -> None:
    consumer, topic, group, bootstrap = fetched_past_uncommitted
    faust_consumer = FaustLikeConsumer(consumer)
    app = SimpleNamespace(consumer=faust_consumer, conf=SimpleNamespace(id=group), rebalancing=False)
    sensor = RewindUncommitted(app, bootstrap, [topic])  # type: ignore[arg-type]  # the calls it makes
    rewound_before = _rewound()
    sensor.on_rebalance_end(app, {})
    assert not faust_consumer.flowing  # held until the rewind is done
    await next(iter(sensor._rewinds))
    assert faust_consumer.flowing
    assert await _fetch_some(consumer, RECORDS) == list(range(RECORDS))
    assert _rewound() == rewound_before + 1  # the one partition, counted


def _rewound() -> float:
    return REGISTRY.get_sample_value("newswatch_partitions_rewound_total", {"outcome": "rewound"}) or 0.0
