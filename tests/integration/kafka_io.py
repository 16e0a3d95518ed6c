"""Small helpers to put records on, and read them back from, the real broker in tests."""

from __future__ import annotations

import time
import uuid

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from streams.records import Article


def produce_articles(bootstrap: str, topic: str, articles: list[Article]) -> None:
    """Send articles keyed by URL with acks=all, as the connectors do, and wait for every ack."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    try:
        for article in articles:
            producer.send(topic, key=article.url.encode(), value=article.to_json())
        producer.flush(30)
    finally:
        producer.close(10)


def read_all(bootstrap: str, topic: str, *, expect: int = 0, timeout: float = 60.0) -> list[bytes]:
    """Every value on ``topic`` from the beginning, waiting until at least ``expect`` are there."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id=f"test-reader-{uuid.uuid4().hex[:6]}",
    )
    try:
        deadline = time.monotonic() + timeout
        partitions: set[int] | None = None
        while partitions is None and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic)
            if partitions is None:
                time.sleep(0.5)
        if not partitions:
            return []
        assigned = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        values: list[bytes] = []
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=500)
            for records in batch.values():
                values.extend(r.value for r in records)
            end = consumer.end_offsets(assigned)
            done = all(consumer.position(tp) >= end[tp] for tp in assigned)
            if done and len(values) >= expect:
                break
        return values
    finally:
        consumer.close()


def produce_records(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    """Send raw (key, value) records with acks=all and wait for every ack."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    try:
        for key, value in records:
            producer.send(topic, key=key, value=value)
        producer.flush(30)
    finally:
        producer.close(10)
