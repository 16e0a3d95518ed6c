"""One ordered, compacted log of shared worker state, with its own producer and consumer.

Every worker writes its state records to the same single-partition topic and applies everyone's records,
its own included, in log order: so every worker holds the same state, built the same way, and the
offset of a record says which of two writers came first (``streams.worker.dedupe_state`` decides
races by it). ``start()`` returns once the log is read to the end offset it found; afterwards records
are applied as they arrive. ``write`` returns the offset of its last record once the broker acknowledged
it (``acks=all``), and ``applied(offset)`` waits until the reader has applied the log up to there.

No Faust table: a GlobalTable applies other workers' records only in batches of 1,000 per partition, and
writes to it land on the partition of the stream's current record (docs/architecture.md, "Scaling out").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError
from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from streams.errors import BrokerError

log = logging.getLogger(__name__)

#: ``apply(key, value, offset, written_at)``: one record of the log, in offset order; ``value`` None is a
#: deletion, ``written_at`` the record's timestamp in epoch seconds.
Apply = Callable[[bytes, bytes | None, int, float], None]
START_RETRY_SECONDS = 2.0
WRITE_RETRY_SECONDS = 1.0


def ensure_log_topic(bootstrap: str, topic: str, replication: int, min_insync: int) -> None:
    """Create the log's topic (one partition, compacted) if missing; refuse one with more partitions."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","), client_id="newswatch-state-log")
    try:
        if topic not in set(admin.list_topics()):
            config = {"cleanup.policy": "compact", "min.insync.replicas": str(min_insync)}
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics([NewTopic(topic, 1, replication, topic_configs=config)])
            log.info("created state log topic %s", topic)
            return
        (described,) = admin.describe_topics([topic])
        partitions = len(described.get("partitions", []))
        if partitions != 1:
            raise BrokerError(
                f"state log topic {topic} has {partitions} partitions; it must have exactly 1 (one order)"
            )
    finally:
        admin.close()


class StateLog:
    """A single-partition compacted topic that every worker writes and reads whole, in order."""

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        apply: Apply,
        *,
        replication: int = 1,
        min_insync: int = 1,
        request_timeout_seconds: float = 30.0,
    ) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self._apply = apply
        self._replication, self._min_insync = replication, min_insync
        self._timeout_ms = int(request_timeout_seconds * 1000)
        self._partition = TopicPartition(topic, 0)
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._follow: asyncio.Task[None] | None = None
        self._start_lock = asyncio.Lock()
        self._progress = asyncio.Condition()
        self.position = 0  # the next offset to apply: every record below it is applied

    @property
    def started(self) -> bool:
        return self._follow is not None

    async def start(self) -> None:
        """Read the log to its end (retrying while the broker is away), then follow it; once only."""
        async with self._start_lock:
            while self._follow is None:
                try:
                    await self._open()
                except (KafkaError, OSError) as exc:
                    log.warning("cannot read the state log %s yet: %s; retrying", self.topic, exc)
                    await self._close_clients()
                    await asyncio.sleep(START_RETRY_SECONDS)

    async def _open(self) -> None:
        await asyncio.to_thread(
            ensure_log_topic, self.bootstrap, self.topic, self._replication, self._min_insync
        )
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            acks="all",
            enable_idempotence=True,
            linger_ms=2,
            request_timeout_ms=self._timeout_ms,
            client_id="newswatch-state-log",
        )
        await self._producer.start()
        consumer = self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=50,
            max_partition_fetch_bytes=4 * 1024 * 1024,
            request_timeout_ms=self._timeout_ms,
            client_id="newswatch-state-log",
        )
        await consumer.start()
        consumer.assign([self._partition])
        await consumer.seek_to_beginning(self._partition)
        end = (await consumer.end_offsets([self._partition]))[self._partition]
        started, records = time.monotonic(), 0
        while self.position < end:
            records += await self._read(consumer, 500)
        log.info(
            "state log %s read: %d records to offset %d in %.1f s",
            self.topic,
            records,
            end,
            time.monotonic() - started,
        )
        self._follow = asyncio.create_task(self._follow_log(consumer))

    async def _read(self, consumer: AIOKafkaConsumer, timeout_ms: int) -> int:
        batches = await consumer.getmany(self._partition, timeout_ms=timeout_ms)
        count = 0
        for message in batches.get(self._partition, ()):
            try:
                key, written_at = bytes(message.key or b""), message.timestamp / 1000
                self._apply(key, message.value, message.offset, written_at)
            except Exception:  # one bad record must not stop the log (and every batch waiting on it)
                log.exception("state log record at offset %d not applied; skipped", message.offset)
            self.position = message.offset + 1
            count += 1
        if not count:  # compaction can leave gaps: the consumer's position is the truth
            self.position = max(self.position, await consumer.position(self._partition))
        async with self._progress:
            self._progress.notify_all()
        return count

    async def _follow_log(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            try:
                await self._read(consumer, 1000)
            except KafkaError as exc:
                log.warning("following the state log failed: %s", exc)
                await asyncio.sleep(START_RETRY_SECONDS)

    async def write(self, records: Sequence[tuple[bytes, bytes | None]]) -> int | None:
        """Send ``records`` in order; returns the offset of the last once all are acknowledged (None: none).

        A send that fails is sent again after a pause until it is acknowledged: the state must not skip
        a record, and a broker outage holds the stage instead of dropping it.
        """
        if self._producer is None:
            raise RuntimeError("StateLog.write() before start()")
        last: int | None = None
        pending = list(records)
        while pending:
            futures = [
                await self._producer.send(self.topic, key=key, value=value, partition=0)
                for key, value in pending
            ]
            failed: list[tuple[bytes, bytes | None]] = []
            for record, future in zip(pending, futures, strict=True):
                try:
                    last = (await future).offset
                except KafkaError as exc:
                    log.warning("state log record not written (%s); sending it again", exc)
                    failed.append(record)
            if failed:
                await asyncio.sleep(WRITE_RETRY_SECONDS)
            pending = failed
        return last

    async def applied(self, offset: int) -> None:
        """Wait until every record up to ``offset`` (included) has been applied."""
        async with self._progress:
            await self._progress.wait_for(lambda: self.position > offset)

    async def stop(self) -> None:
        if self._follow is not None:
            self._follow.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._follow
            self._follow = None
        await self._close_clients()

    async def _close_clients(self) -> None:
        for client in (self._consumer, self._producer):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.stop()
        self._consumer = self._producer = None
