"""The thin Kafka shell of replay: read ``articles.unique`` up to its current end, send reports to ``events``.

The reader uses manual partition assignment and no consumer group (nothing is committed, no rebalance,
the worker's offsets are untouched). It snapshots the end offsets when it starts, so a replay ends even
while the worker keeps appending. The sender is a kafka-python producer with ``acks=all`` and
idempotence; it partitions by key with murmur2 like the worker's producer (aiokafka), so a report lands
on the partition of the ``events`` topic, and thus of the merge agent's event table, that holds its event.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from streams.admin import bootstrap_list
from streams.errors import BrokerError
from streams.settings import Settings
from streams.topics import ARTICLES_UNIQUE, EVENTS

log = logging.getLogger(__name__)


class StoredArticles:
    """The records of ``articles.unique`` from the first retained offset to the end offsets at open time."""

    def __init__(self, settings: Settings, *, consumer: Any | None = None, timeout: float = 10.0) -> None:
        self.topic = settings.topic(ARTICLES_UNIQUE)
        try:
            self._consumer = (
                consumer
                if consumer is not None
                else KafkaConsumer(
                    bootstrap_servers=bootstrap_list(settings),
                    group_id=None,
                    enable_auto_commit=False,
                    auto_offset_reset="earliest",
                    client_id="newswatch-replay",
                    max_partition_fetch_bytes=4 * 1024 * 1024,
                    allow_auto_create_topics=False,  # a missing topic is an error, not a 1-partition topic
                )
            )
        except KafkaError as exc:
            raise BrokerError(f"cannot reach Kafka at {settings.kafka.bootstrap_servers}: {exc}") from exc
        partitions = self._partitions(timeout)
        self.partitions = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self._consumer.assign(self.partitions)
        self.begin = self._consumer.beginning_offsets(self.partitions)
        self.end = self._consumer.end_offsets(self.partitions)
        for tp in self.partitions:
            self._consumer.seek(tp, self.begin[tp])

    def _partitions(self, timeout: float) -> set[int]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                partitions = self._consumer.partitions_for_topic(self.topic)
            except KafkaError as exc:
                raise BrokerError(f"cannot read topic {self.topic}: {exc}") from exc
            if partitions:
                return set(partitions)
            if time.monotonic() > deadline:
                raise BrokerError(f"topic {self.topic} does not exist: no stored articles to replay")
            time.sleep(0.5)

    @property
    def total(self) -> int:
        """How many records the replay will read."""
        return sum(max(0, self.end[tp] - self.begin[tp]) for tp in self.partitions)

    @property
    def deleted_by_retention(self) -> bool:
        """True when some early records are gone (the topic's retention deleted them)."""
        return any(self.begin[tp] > 0 for tp in self.partitions)

    def records(self, poll_ms: int = 1000) -> Iterator[bytes | None]:
        """Record values, each partition in order, until every partition reached its end offset."""
        remaining = {tp for tp in self.partitions if self.end[tp] > self.begin[tp]}
        finished = [tp for tp in self.partitions if tp not in remaining]
        if finished:
            self._consumer.pause(*finished)
        idle_polls = 0
        while remaining:
            try:
                batch = self._consumer.poll(timeout_ms=poll_ms)
            except KafkaError as exc:
                raise BrokerError(f"reading {self.topic} failed: {exc}") from exc
            idle_polls = 0 if batch else idle_polls + 1
            for tp, records in batch.items():
                end = self.end[tp]
                for record in records:
                    if record.offset >= end:
                        break
                    yield record.value
            for tp in list(remaining):
                # Transaction markers and compaction leave gaps: compare positions, not counts.
                if self._consumer.position(tp) >= self.end[tp]:
                    remaining.discard(tp)
                    self._consumer.pause(tp)
            if idle_polls and idle_polls % 30 == 0:
                waiting = sorted(tp.partition for tp in remaining)
                log.warning(
                    "no records from %s for %d polls; waiting for partitions %s",
                    self.topic,
                    idle_polls,
                    waiting,
                )

    def close(self) -> None:
        self._consumer.close()


class ReportSender:
    """Sends ``(key, value)`` records to the ``events`` topic; counts acknowledgements and failures."""

    def __init__(self, settings: Settings, *, producer: Any | None = None) -> None:
        self.topic = settings.topic(EVENTS)
        try:
            self._producer = (
                producer
                if producer is not None
                else KafkaProducer(
                    bootstrap_servers=bootstrap_list(settings),
                    client_id="newswatch-replay",
                    acks="all",
                    enable_idempotence=True,
                    retries=2**31 - 1,
                    linger_ms=20,
                    max_in_flight_requests_per_connection=5,
                )
            )
        except KafkaError as exc:
            raise BrokerError(f"cannot reach Kafka at {settings.kafka.bootstrap_servers}: {exc}") from exc
        self._lock = threading.Lock()
        self.acked = 0
        self.failed = 0
        self.last_error: str | None = None

    def _ok(self, _metadata: Any) -> None:
        with self._lock:
            self.acked += 1

    def _err(self, exc: BaseException) -> None:
        with self._lock:
            self.failed += 1
            self.last_error = str(exc)
        log.warning("a report was not delivered to %s: %s", self.topic, exc)

    def send(self, key: bytes, value: bytes) -> None:
        """Enqueue one record (blocks while the producer's buffer is full)."""
        try:
            future = self._producer.send(self.topic, key=key, value=value)
        except KafkaError as exc:
            self._err(exc)
            return
        future.add_callback(self._ok)
        future.add_errback(self._err)

    def flush(self, timeout: float | None = None) -> None:
        """Wait for every enqueued record's acknowledgement (or failure)."""
        try:
            self._producer.flush(timeout=timeout)
        except KafkaError as exc:
            raise BrokerError(f"flush to {self.topic} did not complete: {exc}") from exc

    def close(self, timeout: float | None = None) -> None:
        self._producer.close(timeout=timeout)
