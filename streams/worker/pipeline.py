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

State: the dedupe fingerprints and the originals' reports are one log every worker writes and applies in
order (``streams.worker.state_log``, ``streams.worker.dedupe_state``): a batch's new entries are written,
the agent waits until the log is applied up to them, and an article that lost a race to a copy another
worker wrote first becomes its duplicate before anything is sent. The event table is partitioned like the
``events`` topic.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any, cast

import faust

from streams.dedupe.index import DedupeDecision
from streams.detect.engine import DetectionEngine
from streams.settings import Settings
from streams.topics import DEDUPE_STATE
from streams.worker import metrics
from streams.worker.app import PipelineTopics
from streams.worker.article_stage import ArticleStage, DecidedBatch
from streams.worker.dedupe_state import LogRecord, SharedDedupe
from streams.worker.merge_agent import register_merge_stage
from streams.worker.state_log import StateLog

log = logging.getLogger(__name__)

# Records per batch and the longest wait for a batch to fill, per stage (see the module docstring).
ARTICLE_BATCH, ARTICLE_WITHIN = 500, 0.05


def _batches(stream: faust.StreamT[bytes], size: int, within: float) -> AsyncIterator[Sequence[faust.EventT]]:
    """Up to ``size`` events at a time, acknowledged after the caller's loop body has run."""
    return cast(faust.Stream, stream).take_events(size, within=within)


async def settle(
    shared: SharedDedupe, state_log: StateLog, batch: DecidedBatch, tombstones: Sequence[LogRecord] = ()
) -> dict[str, DedupeDecision]:
    """Write a decided batch's state, wait until the log is applied past it, and settle its races.

    Returns the decisions that changed (``SharedDedupe.settle``); their entries' tombstones are written too.
    """
    records = [*tombstones, *shared.log_records(batch.remembered, batch.new_reports)]
    if not records:
        return {}
    last = await state_log.write(records)
    if last is None or not batch.remembered:
        return {}
    await state_log.applied(last)
    changed = shared.settle(batch.remembered)
    if changed:
        await state_log.write(shared.forget(list(changed)))
    return changed


class EngineWarmup:
    """The detection engine's data (language model, places index) loaded once in a thread, started at boot
    so it overlaps the consumer group's join; the first batch waits for it instead of loading it itself."""

    def __init__(self, engine: DetectionEngine) -> None:
        self._engine = engine
        self._task: asyncio.Future[None] | None = None
        self._done = False

    async def ready(self) -> None:
        """Start the loading if not yet started and wait for it (at once when done); never raises."""
        if self._done:
            return
        if self._task is None:
            self._task = asyncio.ensure_future(asyncio.to_thread(self._engine.warm))
        try:
            await asyncio.shield(self._task)
        except Exception:
            log.warning(
                "loading detection data at boot failed; detection loads it when needed", exc_info=True
            )
        self._done = True


def register_pipeline(app: faust.App, topics: PipelineTopics, settings: Settings) -> None:
    """Attach the article and merge agents and their tables to ``app``."""

    # Every worker holds every remembered article and every original's reports, so copies under different
    # URLs (and thus partitions) still meet; one ordered log decides which of two racing copies came first.
    shared = SharedDedupe(settings.dedupe)
    state_log = StateLog(
        settings.kafka.bootstrap_servers,
        settings.topic(DEDUPE_STATE),
        shared.apply,
        replication=settings.kafka.replication_factor,
        min_insync=settings.kafka.min_insync_replicas,
    )
    engine = DetectionEngine.from_settings(settings.detect, take_checked=True)  # the start check's
    stage = ArticleStage(shared, engine, shared.reports)
    warmup = EngineWarmup(stage.engine)
    metrics.init_labels()

    evict_every = settings.dedupe.evict_interval_seconds
    last_eviction = time.monotonic()

    @app.task
    async def read_state_log() -> None:
        """Read the shared state and load detection's data at boot, not at the first batch (the agent waits
        for both either way)."""
        await asyncio.gather(state_log.start(), warmup.ready())

    async def stop_state_log(app: faust.App, *_: Any, **__: Any) -> None:
        await state_log.stop()

    app.on_before_shutdown.connect(stop_state_log)  # type: ignore[arg-type]  # mode's stub

    @app.agent(topics.articles_raw, name="newswatch.articles")
    async def article_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        nonlocal last_eviction
        async for batch in _batches(stream, ARTICLE_BATCH, ARTICLE_WITHIN):
            await state_log.start()  # returns at once after the first time
            await warmup.ready()  # likewise
            tombstones: list[LogRecord] = []
            watermark = shared.index.eviction_watermark()
            if time.monotonic() - last_eviction > evict_every and watermark is not None:
                # Stream time, not wall time, so a backfill of old news is deduplicated against itself.
                last_eviction = time.monotonic()
                tombstones = shared.evict_expired(watermark)
            decided = stage.decide([(event.key, event.value) for event in batch])
            out = stage.finish(decided, await settle(shared, state_log, decided, tombstones))
            # One burst of sends: nothing in between yields to the event loop, so the producer batches them.
            for key, value in out.dead:
                await topics.articles_dlq.send(key=key, value=value)
            for key, value in out.unique:
                await topics.articles_unique.send(key=key, value=value)
            for key, value in out.events:
                await topics.events.send(key=key, value=value)
            yield None

    register_merge_stage(app, topics, settings)  # streams/worker/merge_agent.py
