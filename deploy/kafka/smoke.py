"""Round-trip check of a running broker with both Python clients the project uses.

Run by `kafka.sh smoke` (and CI) to prove kafka-python and aiokafka can create, produce and consume.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic


def create_topic(bootstrap: str, name: str, replication: int, min_isr: int) -> None:
    """Create the topic explicitly, so replication settings are ours and not the broker's defaults."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    try:
        topic = NewTopic(
            name=name,
            num_partitions=2,
            replication_factor=replication,
            topic_configs={"min.insync.replicas": str(min_isr)},
        )
        admin.create_topics([topic], timeout_ms=15000)
        deadline = time.monotonic() + 15
        while True:  # on a cluster the new topic reaches every node's metadata a moment later
            described = admin.describe_topics([name])[0]
            replicas = {len(p["replica_nodes"]) for p in described["partitions"]}
            if replicas == {replication} or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if replicas != {replication}:
            raise SystemExit(f"{name}: expected {replication} replicas per partition, broker says {replicas}")
        resource = ConfigResource(ConfigResourceType.TOPIC, name, configs=["min.insync.replicas"])
        configs = admin.describe_configs([resource])
        isr = configs["topic"][name]["min.insync.replicas"]["value"]
        if isr != str(min_isr):
            raise SystemExit(f"{name}: expected min.insync.replicas={min_isr}, broker says {isr}")
    finally:
        admin.close()


def sync_round_trip(bootstrap: str, topic: str, payload: bytes) -> None:
    """kafka-python: idempotent acks=all produce, then read the record back from the start."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    try:
        producer.send(topic, key=b"k", value=payload).get(timeout=30)
    finally:
        producer.close(timeout=10)
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"smoke-sync-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=30000,
    )
    try:
        if not any(record.value == payload for record in consumer):
            raise SystemExit(f"kafka-python: record not read back from {topic}")
        consumer.commit()
    finally:
        consumer.close()


async def async_round_trip(bootstrap: str, topic: str, payload: bytes) -> None:
    """aiokafka (what faust uses): idempotent acks=all produce, then read the record back."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, key=b"k", value=payload)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"smoke-async-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        async with asyncio.timeout(30):
            async for record in consumer:
                if record.value == payload:
                    await consumer.commit()
                    return
    finally:
        await consumer.stop()


def main(argv: list[str] | None = None) -> int:
    """Parse options, run both round trips on a fresh topic, print timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092", help="broker address list")
    parser.add_argument("--topic", default="", help="topic name (default: a fresh smoke.<random>)")
    parser.add_argument("--replication", type=int, default=1, help="replication factor of the topic")
    parser.add_argument("--min-isr", type=int, default=1, help="min.insync.replicas of the topic")
    parser.add_argument("--no-create", action="store_true", help="reuse an existing topic")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    topic = args.topic or f"smoke.{uuid.uuid4().hex[:10]}"
    started = time.monotonic()
    if not args.no_create:
        create_topic(args.bootstrap, topic, args.replication, args.min_isr)
    payload = uuid.uuid4().bytes
    sync_round_trip(args.bootstrap, topic, b"sync:" + payload)
    asyncio.run(async_round_trip(args.bootstrap, topic, b"async:" + payload))
    print(f"smoke ok: {topic} on {args.bootstrap} ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
