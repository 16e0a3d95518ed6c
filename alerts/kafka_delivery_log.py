"""The worker's delivery log: the ``alerts.deliveries`` topic, read whole before the first send.

A delivery counts as finished only once its record (key ``alert_id``, value ``alert_id|sink``, the
form the store reads too) is acknowledged by every in-sync replica: ``mark_delivered`` awaits it. A
starting worker reads the topic from the beginning to its end offsets before ``start()`` returns, then
follows it, so a restarted worker skips every delivery finished before a crash. What it can repeat is
only what was in flight in a sink at the crash (docs/alerts.md, "Effectively once").

After a rebalance (``mark_stale``), ``start()`` reads the topic again to its current end offsets before it
returns: a worker that takes over an alert's partition then knows every delivery the worker before it
finished (Faust waits for in-flight alerts to be acknowledged before it hands a partition over), instead
of sending it again while its follower is still a fetch behind (issue 19: repeated webhook-ids).

Its own producer and consumer (no consumer group, nothing committed): Faust's send buffer and a table
fed by a second agent left a window of up to a commit interval of deliveries unseen at restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError, KafkaTimeoutError

from alerts.metrics import DELIVERY_LOG_ENTRIES, DELIVERY_LOG_WRITE_FAILURES

log = logging.getLogger("newswatch.alerts.delivery_log")
WRITE_ATTEMPTS = 5
START_RETRY_SECONDS = 2.0
CATCH_UP_POLL_SECONDS = 0.01


def record(alert_id: str, sink: str) -> tuple[bytes, bytes]:
    """The (key, value) of one delivery record."""
    return alert_id.encode(), f"{alert_id}|{sink}".encode()


def parse(value: bytes | None) -> tuple[str, str] | None:
    """(alert id, sink) of a delivery record, None for anything else."""
    alert_id, sep, sink = (value or b"").decode("utf-8", "replace").partition("|")
    return (alert_id, sink) if sep and alert_id and sink else None


class KafkaDeliveryLog:
    """The delivery log over a Kafka topic; ``start()`` returns once every record written so far is read."""

    def __init__(self, bootstrap: str, topic: str, *, request_timeout_seconds: float = 30.0) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self._timeout_ms = int(request_timeout_seconds * 1000)
        self._done: set[tuple[str, str]] = set()
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._follow: asyncio.Task[None] | None = None
        self._start_lock = asyncio.Lock()
        self._stale = False  # a rebalance happened since the last catch-up

    def __len__(self) -> int:
        return len(self._done)

    def was_delivered(self, alert_id: str, sink: str) -> bool:
        return (alert_id, sink) in self._done

    async def mark_delivered(self, alert_id: str, sink: str) -> None:
        """Remember the delivery and wait until Kafka acknowledged its record (retried a few times)."""
        self._done.add((alert_id, sink))
        DELIVERY_LOG_ENTRIES.set(len(self._done))
        if self._producer is None:
            raise RuntimeError("KafkaDeliveryLog.mark_delivered() before start()")
        key, value = record(alert_id, sink)
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                await self._producer.send_and_wait(self.topic, value=value, key=key)
                return
            except KafkaError as exc:
                log.warning(
                    "delivery record %s|%s not written (attempt %d): %s", alert_id, sink, attempt, exc
                )
                await asyncio.sleep(min(8.0, 0.5 * 2**attempt))
        DELIVERY_LOG_WRITE_FAILURES.inc()
        log.error("delivery record %s|%s could not be written; a restart may send it again", alert_id, sink)

    def mark_stale(self) -> None:
        """After a rebalance: the next ``start()`` reads every delivery recorded so far before it returns."""
        self._stale = True

    async def start(self) -> None:
        """Read the topic to its end offsets (retrying while the broker is away), then follow it.

        Returns at once while it follows, unless ``mark_stale`` was called since: then it first waits
        until the follower applied every record written before this call."""
        async with self._start_lock:
            while self._follow is None:
                try:
                    await self._open()
                except KafkaError as exc:
                    log.warning("cannot read the delivery log %s yet: %s; retrying", self.topic, exc)
                    await self._close_clients()
                    await asyncio.sleep(START_RETRY_SECONDS)
                else:
                    self._stale = False
            if self._stale:
                self._stale = False  # a rebalance during the catch-up marks it stale again
                await self._catch_up()

    async def _catch_up(self) -> None:
        """Wait until the follower applied the topic up to its end offsets as of now (retrying on errors)."""
        consumer = self._consumer
        assert consumer is not None
        started = time.monotonic()
        while True:
            try:
                ends = await consumer.end_offsets(list(consumer.assignment()))
                break
            except KafkaError as exc:
                log.warning("cannot read the delivery log's end offsets yet: %s; retrying", exc)
                await asyncio.sleep(START_RETRY_SECONDS)
        while await self._behind(consumer, ends):
            await asyncio.sleep(CATCH_UP_POLL_SECONDS)
        log.debug("delivery log caught up in %.3f s", time.monotonic() - started)

    async def _open(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            acks="all",
            enable_idempotence=True,
            request_timeout_ms=self._timeout_ms,
            client_id="newswatch-delivery-log",
        )
        await self._producer.start()
        consumer = self._consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.bootstrap,
            group_id=None,  # every partition, nothing committed
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            request_timeout_ms=self._timeout_ms,
            client_id="newswatch-delivery-log",
        )
        await consumer.start()
        deadline = time.monotonic() + self._timeout_ms / 1000
        while not consumer.assignment():
            if time.monotonic() > deadline:
                raise KafkaTimeoutError(f"no partitions of {self.topic} assigned")
            await asyncio.sleep(0.05)
        ends = await consumer.end_offsets(list(consumer.assignment()))
        while await self._behind(consumer, ends):
            self._apply(await consumer.getmany(timeout_ms=500))
        log.info("delivery log %s read: %d deliveries", self.topic, len(self._done))
        self._follow = asyncio.create_task(self._follow_topic(consumer))

    @staticmethod
    async def _behind(consumer: AIOKafkaConsumer, ends: Mapping[TopicPartition, int]) -> bool:
        for tp, end in ends.items():
            if await consumer.position(tp) < end:
                return True
        return False

    def _apply(self, batches: Mapping[TopicPartition, Sequence[object]]) -> None:
        for records in batches.values():
            for message in records:
                pair = parse(getattr(message, "value", None))
                if pair is not None:
                    self._done.add(pair)
        DELIVERY_LOG_ENTRIES.set(len(self._done))

    async def _follow_topic(self, consumer: AIOKafkaConsumer) -> None:
        """Deliveries other workers record (scale-out) become visible here."""
        while True:
            try:
                self._apply(await consumer.getmany(timeout_ms=1000))
            except KafkaError as exc:
                log.warning("following the delivery log failed: %s", exc)
                await asyncio.sleep(START_RETRY_SECONDS)

    async def _close_clients(self) -> None:
        for client in (self._consumer, self._producer):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.stop()
        self._consumer = self._producer = None

    async def stop(self) -> None:
        """Stop following and flush the producer."""
        if self._follow is not None:
            self._follow.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follow
            self._follow = None
        await self._close_clients()
