"""The worker's delivery log on the real broker: what one process recorded, the next one reads at start."""

from __future__ import annotations

import asyncio
import time

import pytest
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from alerts.kafka_delivery_log import KafkaDeliveryLog, parse, record

pytestmark = pytest.mark.integration


def _create_topic(bootstrap: str, name: str, partitions: int = 3) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])
    finally:
        admin.close()


def test_record_format_is_the_one_the_store_reads():
    assert record("a1b2", "ops-slack") == (b"a1b2", b"a1b2|ops-slack")
    assert parse(b"a1b2|ops-slack") == ("a1b2", "ops-slack")
    assert parse(b"no-separator") is None and parse(None) is None and parse(b"|x") is None


async def test_a_restarted_log_knows_every_recorded_delivery(kafka_bootstrap, topic_prefix):
    topic = f"{topic_prefix}alerts.deliveries"
    _create_topic(kafka_bootstrap, topic)
    first = KafkaDeliveryLog(kafka_bootstrap, topic)
    await first.start()
    pairs = [(f"{n:016x}", sink) for n in range(200) for sink in ("hook", "ops-slack")]
    await asyncio.gather(*(first.mark_delivered(a, s) for a, s in pairs))
    await first.stop()  # no flush needed: mark_delivered returned only once Kafka had each record

    second = KafkaDeliveryLog(kafka_bootstrap, topic)
    await second.start()
    try:
        assert len(second) == len(pairs)
        assert all(second.was_delivered(a, s) for a, s in pairs)
        assert not second.was_delivered(f"{0:016x}", "teams")
        # A delivery another worker records later (scale-out) becomes visible by following the topic.
        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        key, value = record("feedfacefeedface", "hook")
        producer.send(topic, key=key, value=value).get(30)
        producer.close()
        deadline = time.monotonic() + 15
        while not second.was_delivered("feedfacefeedface", "hook"):
            assert time.monotonic() < deadline, "a record written after start was not followed"
            await asyncio.sleep(0.1)
    finally:
        await second.stop()


async def test_mark_delivered_before_start_is_refused(kafka_bootstrap):
    log = KafkaDeliveryLog(kafka_bootstrap, "never-started")
    with pytest.raises(RuntimeError):
        await log.mark_delivered("a", "b")


async def test_after_a_rebalance_start_returns_once_every_recorded_delivery_is_read(
    kafka_bootstrap, topic_prefix
):
    """Issue 19: the worker that takes over an alert's partition must know the deliveries the worker
    before it recorded; followed a fetch behind, it sent some again (repeated webhook-ids)."""
    topic = f"{topic_prefix}alerts.deliveries"
    _create_topic(kafka_bootstrap, topic)
    taking_over = KafkaDeliveryLog(kafka_bootstrap, topic)
    await taking_over.start()
    try:
        pairs = [(f"{n:016x}", "hook") for n in range(2000)]
        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", linger_ms=5)
        for alert_id, sink in pairs:  # the other worker's deliveries, acknowledged before it let go
            key, value = record(alert_id, sink)
            producer.send(topic, key=key, value=value)
        producer.flush(30)
        producer.close()
        taking_over.mark_stale()  # what the rebalance does
        await taking_over.start()
        assert [p for p in pairs if not taking_over.was_delivered(*p)] == []
    finally:
        await taking_over.stop()
