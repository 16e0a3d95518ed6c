"""The Faust agents of the worker: thin adapters around the pure stages.

articles.raw --dedupe--> articles.unique --detect--> events --merge--> alerts (+ events.merged)

- dedupe: decode, normalise, decide unique/duplicate (``streams.dedupe``). Unique articles are keyed
  by their id, duplicates by the id of the article they duplicate, so a duplicate lands on the same
  partition as its original and the detect stage can count it as another report of its events.
- detect: run the detectors on unique articles (``streams.detect``); for a duplicate, re-issue the
  original's event reports with the duplicate's own evidence (source counting, no second detection).
- merge: fold each report into the event table and emit an alert only for a new event or a material
  change (``streams.events.merge``).

No exception escapes an agent: a failing record is logged, counted and dead-lettered.

Throughput: each agent takes its records in batches (``stream.take_events``), decides the whole batch,
then sends the outputs in one burst, so aiokafka packs them into a few produce requests instead of one
request per record, and the metrics are updated once per batch (labelled children bound up front).
Offsets are acknowledged only after the batch's sends were handed to the producer (``take_events``
acks after the loop body), so the worker stays at-least-once. A batch waits at most ``*_WITHIN``
seconds for more records when the topic is quiet, which bounds the latency it adds per stage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any, cast

import faust
import orjson

from streams.detect.engine import DetectionEngine
from streams.events.merge import merge_report
from streams.events.reports import duplicate_reports
from streams.records import Alert, Article, Event, utcnow
from streams.settings import Settings
from streams.text import normalize_article
from streams.worker import metrics
from streams.worker.app import PipelineTopics
from streams.worker.dedupe_state import TableBackedDedupe

log = logging.getLogger(__name__)

# Records per batch and the longest wait for a batch to fill, per stage (see the module docstring).
DEDUPE_BATCH, DEDUPE_WITHIN = 500, 0.05
DETECT_BATCH, DETECT_WITHIN = 500, 0.05
MERGE_BATCH, MERGE_WITHIN = 200, 0.02


def _batches(stream: faust.StreamT[bytes], size: int, within: float) -> AsyncIterator[Sequence[faust.EventT]]:
    """Up to ``size`` events at a time, acknowledged after the caller's loop body has run."""
    return cast(faust.Stream, stream).take_events(size, within=within)


def _enter(stream: faust.StreamT[bytes], event: faust.EventT | None) -> None:
    """Make ``event`` the current one, as plain iteration does: table writes go to its partition."""
    cast(faust.Stream, stream)._set_current_event(event)


def _duplicate_reports(reports: list[dict[str, Any]], duplicate: Article) -> list[Event]:
    """The original's stored reports (JSON form), re-issued for the duplicate."""
    return duplicate_reports([Event.from_dict(data) for data in reports], duplicate)


def register_pipeline(app: faust.App, topics: PipelineTopics, settings: Settings) -> None:
    """Attach the dedupe, detect and merge agents and their tables to ``app``."""
    dedupe_holder: list[TableBackedDedupe] = []

    async def on_fingerprint_change(event: faust.EventT) -> None:
        for dedupe_state in dedupe_holder:
            dedupe_state.remember(str(event.key), None if event.value is None else bytes(event.value))

    # Global: every worker sees every fingerprint, so near-duplicates under different URLs (and thus
    # different partitions) still meet. See docs/dedupe.md for the trade-off.
    fingerprints = app.GlobalTable(
        "dedupe-fingerprints",
        key_type=str,
        value_type=bytes,
        partitions=settings.kafka.partitions,
        on_changelog_event=on_fingerprint_change,
    )
    article_events = app.Table(
        "article-events",
        key_type=bytes,
        value_type=bytes,
        partitions=settings.kafka.partitions,
    )
    event_table = app.Table(
        "events",
        key_type=bytes,
        value_type=bytes,
        partitions=settings.kafka.partitions,
    )
    dedupe = TableBackedDedupe(settings.dedupe, fingerprints)
    dedupe_holder.append(dedupe)
    engine = DetectionEngine.from_settings(settings.detect)
    metrics.init_labels()
    # Labelled children resolved once, not per record.
    dedupe_seconds = metrics.STAGE_SECONDS.labels(stage="dedupe")
    detect_seconds = metrics.STAGE_SECONDS.labels(stage="detect")
    merge_seconds = metrics.STAGE_SECONDS.labels(stage="merge")
    dedupe_errors = metrics.STAGE_ERRORS.labels(stage="dedupe")
    detect_errors = metrics.STAGE_ERRORS.labels(stage="detect")
    merge_errors = metrics.STAGE_ERRORS.labels(stage="merge")
    debug = log.isEnabledFor

    evict_every = settings.dedupe.evict_interval_seconds
    last_eviction = time.monotonic()

    @app.agent(topics.articles_raw, name="newswatch.dedupe")
    async def dedupe_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        nonlocal last_eviction
        async for batch in _batches(stream, DEDUPE_BATCH, DEDUPE_WITHIN):
            metrics.ARTICLES_RECEIVED.inc(len(batch))
            _enter(stream, batch[0])
            if time.monotonic() - last_eviction > evict_every and dedupe.index.high_watermark is not None:
                # Inside the stream so the table deletes reach the changelog; stream time, not wall time,
                # so a backfill of old news is deduplicated against itself.
                last_eviction = time.monotonic()
                dedupe.evict_expired(dedupe.index.high_watermark)
            unique_out: list[tuple[bytes, bytes]] = []  # (key, value) for articles.unique, in stream order
            dead: list[tuple[Any, bytes]] = []
            uniques = duplicates = 0
            for event in batch:
                _enter(stream, event)
                raw = event.value
                started = time.perf_counter()
                try:
                    article = normalize_article(Article.from_json(raw))
                except Exception as exc:  # bad record: never let it stop the stream
                    metrics.ARTICLES_INVALID.inc()
                    log.warning(
                        "undecodable article sent to dead letters: %s", exc, extra={"stage": "dedupe"}
                    )
                    dead.append((event.key, raw))
                    continue
                try:
                    decision = dedupe.check_and_add(article)
                except Exception:
                    dedupe_errors.inc()
                    log.exception(
                        "dedupe failed; passing article on as unique", extra={"article_id": article.id}
                    )
                    unique_out.append((article.id.encode(), article.to_json()))
                    continue
                if decision.duplicate_of is None:
                    uniques += 1
                    unique_out.append((article.id.encode(), article.to_json()))
                else:
                    duplicates += 1
                    marked = article.replace(
                        duplicate_of=decision.duplicate_of, similarity=decision.similarity
                    )
                    if debug(logging.DEBUG):  # a third of the stream: not worth an INFO line each
                        log.debug(
                            "duplicate of %s (%s, %.2f)",
                            decision.duplicate_of,
                            decision.outcome,
                            decision.similarity or 1.0,
                            extra={"stage": "dedupe", "article_id": article.id},
                        )
                    unique_out.append((decision.duplicate_of.encode(), marked.to_json()))
                dedupe_seconds.observe(time.perf_counter() - started)
            if uniques:
                metrics.ARTICLES_UNIQUE.inc(uniques)
            if duplicates:
                metrics.ARTICLES_DUPLICATE.inc(duplicates)
            _enter(stream, None)
            # One burst of sends: nothing in between yields to the event loop, so the producer batches them.
            for key, value in dead:
                await topics.articles_dlq.send(key=key, value=value)
            for key, value in unique_out:
                await topics.articles_unique.send(key=key, value=value)
            yield None

    @app.agent(topics.articles_unique, name="newswatch.detect")
    async def detect_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for batch in _batches(stream, DETECT_BATCH, DETECT_WITHIN):
            out: list[tuple[bytes, bytes]] = []
            dead: list[bytes] = []
            for event in batch:
                _enter(stream, event)
                raw = event.value
                started = time.perf_counter()
                try:
                    article = Article.from_json(raw)
                    if article.duplicate_of is not None:
                        known = article_events.get(article.duplicate_of.encode())
                        reports = _duplicate_reports(orjson.loads(known), article) if known else []
                    else:
                        reports = list(engine.detect(article).events)
                        if reports:
                            article_events[article.id.encode()] = orjson.dumps([r.to_dict() for r in reports])
                    if reports:
                        lag = (utcnow() - article.fetched_at).total_seconds()
                        for report in reports:
                            metrics.EVENT_REPORTS.labels(type=report.type).inc()
                            out.append((report.id.encode(), report.to_json()))
                            metrics.EVENT_LAG_SECONDS.observe(lag)
                except Exception:
                    detect_errors.inc()
                    log.exception("detection failed; article dead-lettered", extra={"stage": "detect"})
                    dead.append(raw)
                    continue
                detect_seconds.observe(time.perf_counter() - started)
            _enter(stream, None)
            for raw in dead:
                await topics.articles_dlq.send(value=raw)
            for key, value in out:
                await topics.events.send(key=key, value=value)
            yield None

    @app.agent(topics.events, name="newswatch.merge")
    async def merge_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for batch in _batches(stream, MERGE_BATCH, MERGE_WITHIN):
            merged_out: list[tuple[bytes, bytes]] = []
            alerts_out: list[tuple[bytes, bytes]] = []
            dead: list[bytes] = []
            for event in batch:
                _enter(stream, event)
                raw = event.value
                started = time.perf_counter()
                try:
                    report = Event.from_json(raw)
                    key = report.id.encode()
                    known = event_table.get(key)
                    outcome = merge_report(Event.from_json(known) if known else None, report)
                    metrics.EVENTS_MERGED.labels(reason=outcome.reason).inc()
                    if outcome.reason != "duplicate":
                        merged = outcome.event.to_json()
                        event_table[key] = merged
                        merged_out.append((key, merged))
                    if outcome.should_alert:
                        alert = Alert(event=outcome.event, reason=outcome.reason)
                        metrics.ALERTS_EMITTED.labels(reason=outcome.reason).inc()
                        log.info(
                            "alert %s for %s",
                            outcome.reason,
                            report.key,
                            extra={"event_id": report.id, "stage": "merge"},
                        )
                        alerts_out.append((alert.id.encode(), alert.to_json()))
                except Exception:
                    merge_errors.inc()
                    log.exception("merge failed; report dead-lettered", extra={"stage": "merge"})
                    dead.append(raw)
                    continue
                merge_seconds.observe(time.perf_counter() - started)
            _enter(stream, None)
            for raw in dead:
                await topics.articles_dlq.send(value=raw)
            for key, value in merged_out:
                await topics.events_merged.send(key=key, value=value)
            for key, value in alerts_out:
                await topics.alerts.send(key=key, value=value)
            yield None

    async def rebuild_after_rebalance(app: faust.App, *_: object, **__: object) -> None:
        dedupe.needs_restore = True

    app.on_partitions_assigned.connect(rebuild_after_rebalance)  # type: ignore[arg-type]  # mode's stub
