"""The Faust agents of the worker: thin adapters around the pure stages.

articles.raw --articles--> events --merge--> alerts (+ events.merged), and articles.unique (the store)

- articles: decode, normalise, decide unique/duplicate (``streams.dedupe``), run the detectors on unique
  articles (``streams.detect``) and re-issue a duplicate's original reports with its own evidence, all in
  one pass (``streams.worker.article_stage``). Every article also goes to ``articles.unique``, the
  store replay reads: unique ones keyed by their id, duplicates by their original's id.
- merge: fold each report into the event table and emit an alert only for a new event or a material
  change (``streams.events.merge_stage``; its agent is ``streams.worker.merge_agent``). A report's alert
  and merged event are acknowledged by the broker before its new state is written to the table: a kill
  in between makes the same decision again with the same alert id, never a state without its alert.

No exception escapes an agent: a failing record is logged, counted and dead-lettered.

Throughput: the article agent takes its records in batches (``stream.take_events``), decides the
whole batch, then sends the outputs in one burst, so aiokafka packs them into a few produce requests
instead of one request per record, and the metrics are updated once per batch (labelled children bound
up front).
Offsets are acknowledged only after the batch's sends were handed to the producer (``take_events``
acks after the loop body; Faust flushes the producer before it commits), so the worker stays
at-least-once. A batch waits at most ``ARTICLE_WITHIN`` seconds for more records when the topic is
quiet, which bounds the latency it adds.

State: the dedupe fingerprints and the per-article reports are GlobalTables, so every worker sees every
original and its reports whichever partition it came from; the event table is partitioned like the
``events`` topic. Each record is made the stream's current event while it is processed, as plain
iteration does, so table writes go to its partition (Faust's RocksDB store requires it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import cast

import faust

from streams.detect.engine import DetectionEngine
from streams.settings import Settings
from streams.worker import metrics
from streams.worker.app import PipelineTopics
from streams.worker.article_stage import ArticleStage
from streams.worker.dedupe_state import TableBackedDedupe
from streams.worker.merge_agent import register_merge_stage
from streams.worker.table_reads import TableReads

log = logging.getLogger(__name__)

# Records per batch and the longest wait for a batch to fill, per stage (see the module docstring).
ARTICLE_BATCH, ARTICLE_WITHIN = 500, 0.05


def _batches(stream: faust.StreamT[bytes], size: int, within: float) -> AsyncIterator[Sequence[faust.EventT]]:
    """Up to ``size`` events at a time, acknowledged after the caller's loop body has run."""
    return cast(faust.Stream, stream).take_events(size, within=within)


def _enter(stream: faust.StreamT[bytes], event: faust.EventT | None) -> None:
    """Make ``event`` the current one, as plain iteration does: table writes go to its partition."""
    cast(faust.Stream, stream)._set_current_event(event)


def _entering(stream: faust.StreamT[bytes], batch: Sequence[faust.EventT]) -> Callable[[int], None]:
    """``enter(i)`` for the article stage: make the batch's ``i``-th event the current one."""
    return lambda index: _enter(stream, batch[index])


def register_pipeline(app: faust.App, topics: PipelineTopics, settings: Settings) -> None:
    """Attach the article and merge agents and their tables to ``app``."""

    # Changelog callbacks: they run once the worker has started, when ``dedupe`` and ``article_reads``
    # (made below from the tables) exist.
    async def on_fingerprint_change(event: faust.EventT) -> None:
        value = None if event.value is None else bytes(event.value)
        dedupe.remember(str(event.key), value, event.message.timestamp)

    async def on_article_events_change(event: faust.EventT) -> None:
        value = None if event.value is None else bytes(event.value)
        article_reads.arrived(cast(bytes, event.key), value)

    # Global: every worker sees every fingerprint and every article's reports, so near-duplicates under
    # different URLs (and thus different partitions) still meet. See docs/dedupe.md for the trade-off.
    # Both are read through ``TableReads``, which makes another worker's records readable as soon as
    # Faust hands them over, not when it applies its batch of 1,000 (tests/integration/test_scale_out.py).
    fingerprints = app.GlobalTable(
        "dedupe-fingerprints",
        key_type=str,
        value_type=bytes,
        partitions=settings.kafka.partitions,
        on_changelog_event=on_fingerprint_change,
    )
    article_events = app.GlobalTable(
        "article-events",
        key_type=bytes,
        value_type=bytes,
        partitions=settings.kafka.partitions,
        on_changelog_event=on_article_events_change,
    )
    dedupe = TableBackedDedupe(settings.dedupe, fingerprints, settings.kafka.partitions)
    article_reads: TableReads[bytes] = TableReads(article_events, settings.kafka.partitions)
    stage = ArticleStage(dedupe, DetectionEngine.from_settings(settings.detect), article_reads)
    metrics.init_labels()

    evict_every = settings.dedupe.evict_interval_seconds
    last_eviction = time.monotonic()

    @app.agent(topics.articles_raw, name="newswatch.articles")
    async def article_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        nonlocal last_eviction
        async for batch in _batches(stream, ARTICLE_BATCH, ARTICLE_WITHIN):
            _enter(stream, batch[0])
            if time.monotonic() - last_eviction > evict_every and dedupe.index.high_watermark is not None:
                # Stream time, not wall time, so a backfill of old news is deduplicated against itself.
                last_eviction = time.monotonic()
                dedupe.evict_expired(dedupe.index.high_watermark)
            out = stage.process([(event.key, event.value) for event in batch], enter=_entering(stream, batch))
            _enter(stream, None)
            # One burst of sends: nothing in between yields to the event loop, so the producer batches them.
            for key, value in out.dead:
                await topics.articles_dlq.send(key=key, value=value)
            for key, value in out.unique:
                await topics.articles_unique.send(key=key, value=value)
            for key, value in out.events:
                await topics.events.send(key=key, value=value)
            yield None

    register_merge_stage(app, topics, settings)  # streams/worker/merge_agent.py

    async def rebuild_after_rebalance(app: faust.App, *_: object, **__: object) -> None:
        dedupe.needs_restore = True

    app.on_partitions_assigned.connect(rebuild_after_rebalance)  # type: ignore[arg-type]  # mode's stub
