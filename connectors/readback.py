"""After a crash: which articles that were in flight reached ``articles.raw``, so none is sent twice.

The broker's ack and the state write that remembers it can never be one step (a SIGKILL can land after
the broker appended a record but before the process saw, or recorded, its ack). So articles are noted
in the state store before they are sent, and the next start reads back the tail of the topic for the
ones still noted: found ones are recorded as produced, the others are sent again. Only the partitions
their keys hash to are read, from shortly before the first of them was sent. Both outcomes are counted
in ``newswatch_connector_readback_articles_total``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Iterable

from kafka import KafkaConsumer, TopicPartition
from kafka.partitioner.default import murmur2

from connectors import metrics
from connectors.state import InFlight, StateStore
from streams.settings import Settings
from streams.topics import ARTICLES_RAW

log = logging.getLogger(__name__)

LOOKBACK_SECONDS = 60.0  # read from this long before the first send: clock skew, LogAppendTime topics
READ_TIMEOUT_SECONDS = 60.0


def partition_for(key: bytes, partitions: int) -> int:
    """The partition kafka-python's default partitioner (like Java's) puts a keyed record in."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


Record = tuple[bytes | None, bytes | None]


def matching(records: Iterable[Record], pending: Iterable[InFlight]) -> set[InFlight]:
    """The pending articles among (key, value) records: same key and same article id."""
    wanted: dict[tuple[bytes, str], list[InFlight]] = {}
    for item in pending:
        wanted.setdefault((item.key, item.entry_id), []).append(item)
    found: set[InFlight] = set()
    for key, value in records:
        if key is None or value is None:
            continue
        try:
            entry_id = json.loads(value).get("id")
        except (ValueError, AttributeError):
            continue
        found.update(wanted.get((key, entry_id), ()))
    return found


def find_on_topic(settings: Settings, pending: list[InFlight]) -> set[InFlight]:
    """Read the partitions of the pending keys from just before their first send to the end."""
    topic = settings.topic(ARTICLES_RAW)
    consumer = KafkaConsumer(
        bootstrap_servers=[s.strip() for s in settings.kafka.bootstrap_servers.split(",") if s.strip()],
        group_id=None,
        enable_auto_commit=False,
        client_id=f"newswatch-connectors-readback-{uuid.uuid4().hex[:6]}",
    )
    try:
        numbers = consumer.partitions_for_topic(topic)
        if not numbers:
            return set()
        count = len(numbers)
        since_ms = int((min(p.sent_at for p in pending) - LOOKBACK_SECONDS) * 1000)
        parts = sorted({TopicPartition(topic, partition_for(p.key, count)) for p in pending})
        starts = consumer.offsets_for_times({tp: since_ms for tp in parts}, timeout_ms=30_000)
        ends = consumer.end_offsets(parts, timeout_ms=30_000)
        todo = {tp: ends[tp] for tp in parts if starts.get(tp) is not None and starts[tp].offset < ends[tp]}
        if not todo:
            return set()
        consumer.assign(list(todo))
        for tp in todo:
            consumer.seek(tp, starts[tp].offset)
        found: set[InFlight] = set()
        deadline = time.monotonic() + READ_TIMEOUT_SECONDS
        while todo and time.monotonic() < deadline:
            for tp, batch in consumer.poll(timeout_ms=500).items():
                found |= matching(((r.key, r.value) for r in batch if r.offset < ends[tp]), pending)
            todo = {tp: end for tp, end in todo.items() if consumer.position(tp) < end}
        if todo:
            log.warning(
                "read-back of %s stopped after %.0fs; the rest is sent again",
                topic,
                READ_TIMEOUT_SECONDS,
            )
        return found
    finally:
        consumer.close()


async def settle_in_flight(settings: Settings, state: StateStore, *, read_topic: bool = True) -> None:
    """Before the connectors start: record in-flight articles found on the topic, forget the others."""
    pending = await asyncio.to_thread(state.in_flight)
    if not pending:
        return
    found: set[InFlight] = set()
    if read_topic:
        try:
            found = await asyncio.to_thread(find_on_topic, settings, pending)
        except Exception as exc:  # never lose: without the read-back every pending article is re-sent
            log.warning("could not read back the articles in flight at the last stop (%s); re-sending", exc)
    recorded = await asyncio.to_thread(state.settle_in_flight, found)
    metrics.READBACK_ARTICLES.labels(outcome="found").inc(recorded)
    metrics.READBACK_ARTICLES.labels(outcome="resent").inc(len(pending) - recorded)
    log.info(
        "%d article(s) were in flight at the last stop: %d found on the topic, %d to be sent again",
        len(pending),
        len(found),
        len(pending) - recorded,
    )
