"""Read the dead-letter topic (kafka-python, manual assignment, beginning to end offsets) and replay it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from alerts.deadletter import DeadLetter, MemoryDeadLetters
from alerts.delivery import DeliveryResult
from alerts.delivery_log import FileDeliveryLog
from alerts.dispatch import Dispatcher
from alerts.metrics import DLQ_SIZE
from streams.errors import BrokerError, RecordError
from streams.settings.alerts import AlertSettings

log = logging.getLogger("newswatch.alerts.dlq")
REPLAY_LOG_NAME = "replayed.jsonl"


@dataclass(frozen=True, slots=True)
class StoredLetter:
    """A dead letter with where it sits in the topic."""

    partition: int
    offset: int
    letter: DeadLetter


def read_dead_letters(bootstrap: str, topic: str, timeout: float = 30.0) -> list[StoredLetter]:
    """Every dead letter from the beginning of ``topic`` up to its end offsets at call time."""
    try:
        consumer = KafkaConsumer(
            bootstrap_servers=bootstrap.split(","),
            group_id=None,
            enable_auto_commit=False,
            client_id="newswatch-dlq-cli",
            request_timeout_ms=int(timeout * 1000),
            allow_auto_create_topics=False,
        )
    except KafkaError as exc:
        raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        partitions = [TopicPartition(topic, p) for p in sorted(parts)]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        begins = consumer.beginning_offsets(partitions)
        DLQ_SIZE.set(sum(ends[tp] - begins[tp] for tp in partitions))
        found: list[StoredLetter] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise BrokerError(f"timed out reading {topic}")
            for tp, records in consumer.poll(timeout_ms=500).items():
                for record in records:
                    if record.offset >= ends[tp]:
                        continue
                    try:
                        letter = DeadLetter.from_json(record.value)
                    except RecordError as exc:
                        log.warning("skipping undecodable dead letter at %s/%d: %s", tp, record.offset, exc)
                        continue
                    found.append(StoredLetter(tp.partition, record.offset, letter))
        found.sort(key=lambda s: (s.letter.time, s.partition, s.offset))
        return found
    except KafkaError as exc:
        raise BrokerError(f"reading {topic} failed: {exc}") from exc
    finally:
        consumer.close()


def dlq_size(bootstrap: str, topic: str, timeout: float = 10.0) -> int:
    """Messages currently in ``topic`` (end minus beginning offsets); also sets the dlq-size gauge."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap.split(","),
        group_id=None,
        enable_auto_commit=False,
        request_timeout_ms=int(timeout * 1000),
        allow_auto_create_topics=False,
    )
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        ends = consumer.end_offsets(partitions) if partitions else {}
        begins = consumer.beginning_offsets(partitions) if partitions else {}
        size = sum(ends[tp] - begins[tp] for tp in partitions)
    except KafkaError as exc:
        raise BrokerError(f"cannot size {topic}: {exc}") from exc
    finally:
        consumer.close()
    DLQ_SIZE.set(size)
    return size


def replay_log_path(settings: AlertSettings) -> Path:
    """The file delivery log of replays: ``<state_dir>/replayed.jsonl``."""
    return Path(settings.state_dir) / REPLAY_LOG_NAME


def select(letters: Sequence[StoredLetter], ids: Sequence[str], sink: str | None) -> list[StoredLetter]:
    """Letters whose alert id or ``alert_id:sink`` key is in ``ids`` (all when empty), for ``sink``."""
    wanted = set(ids)
    return [
        s
        for s in letters
        if (not wanted or s.letter.alert_id in wanted or s.letter.key in wanted)
        and (sink is None or s.letter.sink == sink)
    ]


async def replay(
    settings: AlertSettings, letters: Sequence[DeadLetter]
) -> list[tuple[DeadLetter, DeliveryResult]]:
    """Deliver dead letters again through the normal delivery wrapper; successes go to the replay log."""
    failed = MemoryDeadLetters()
    dispatcher = Dispatcher.from_settings(
        settings, delivery_log=FileDeliveryLog(replay_log_path(settings)), dead_letter=failed
    )
    await dispatcher.start()
    results: list[tuple[DeadLetter, DeliveryResult]] = []
    try:
        outcomes = await asyncio.gather(*(dispatcher.redeliver(letter) for letter in letters))
        results = list(zip(letters, outcomes, strict=True))
    finally:
        await dispatcher.close()
    return results
