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
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import faust
import orjson

from streams.detect.engine import DetectionEngine
from streams.events.merge import merge_report
from streams.records import Alert, Article, Event, utcnow
from streams.settings import Settings
from streams.text import normalize_article
from streams.worker import metrics
from streams.worker.app import PipelineTopics
from streams.worker.dedupe_state import TableBackedDedupe

log = logging.getLogger(__name__)


def _duplicate_reports(reports: list[dict[str, Any]], duplicate: Article) -> list[Event]:
    """The original's event reports, re-issued with the duplicate article as their evidence."""
    source = duplicate.source_site or duplicate.connector or "unknown"
    result = []
    for data in reports:
        report = Event.from_dict(data)
        evidence = tuple(
            e.__class__(
                article_id=duplicate.id,
                url=duplicate.url,
                sentence=e.sentence,
                source=source,
                published=duplicate.published,
                rule=e.rule,
            )
            for e in report.evidence[:1]
        )
        result.append(
            report.replace(
                evidence=evidence,
                sources=(source,),
                first_reported=duplicate.published,
                last_reported=duplicate.published,
            )
        )
    return result


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

    evict_every = settings.dedupe.evict_interval_seconds
    last_eviction = time.monotonic()

    @app.agent(topics.articles_raw, name="newswatch.dedupe")
    async def dedupe_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        nonlocal last_eviction
        async for event in stream.events():
            metrics.ARTICLES_RECEIVED.inc()
            if time.monotonic() - last_eviction > evict_every and dedupe.index.high_watermark is not None:
                # Inside the stream so the table deletes reach the changelog; stream time, not wall time,
                # so a backfill of old news is deduplicated against itself.
                last_eviction = time.monotonic()
                dedupe.evict_expired(dedupe.index.high_watermark)
            raw = event.value
            started = time.perf_counter()
            try:
                article = normalize_article(Article.from_json(raw))
            except Exception as exc:  # bad record: never let it stop the stream
                metrics.ARTICLES_INVALID.inc()
                log.warning("undecodable article sent to dead letters: %s", exc, extra={"stage": "dedupe"})
                await topics.articles_dlq.send(key=event.key, value=raw)
                continue
            try:
                decision = dedupe.check_and_add(article)
            except Exception:
                metrics.STAGE_ERRORS.labels(stage="dedupe").inc()
                log.exception("dedupe failed; passing article on as unique", extra={"article_id": article.id})
                await topics.articles_unique.send(key=article.id.encode(), value=article.to_json())
                continue
            if decision.duplicate_of is None:
                metrics.ARTICLES_UNIQUE.inc()
                await topics.articles_unique.send(key=article.id.encode(), value=article.to_json())
            else:
                metrics.ARTICLES_DUPLICATE.inc()
                marked = article.replace(duplicate_of=decision.duplicate_of, similarity=decision.similarity)
                log.info(
                    "duplicate of %s (%s, %.2f)",
                    decision.duplicate_of,
                    decision.outcome,
                    decision.similarity or 1.0,
                    extra={"stage": "dedupe", "article_id": article.id},
                )
                await topics.articles_unique.send(key=decision.duplicate_of.encode(), value=marked.to_json())
            metrics.STAGE_SECONDS.labels(stage="dedupe").observe(time.perf_counter() - started)
            yield None

    @app.agent(topics.articles_unique, name="newswatch.detect")
    async def detect_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for raw in stream:
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
                for report in reports:
                    metrics.EVENT_REPORTS.labels(type=report.type).inc()
                    await topics.events.send(key=report.id.encode(), value=report.to_json())
                    metrics.EVENT_LAG_SECONDS.observe((utcnow() - article.fetched_at).total_seconds())
            except Exception:
                metrics.STAGE_ERRORS.labels(stage="detect").inc()
                log.exception("detection failed; article dead-lettered", extra={"stage": "detect"})
                await topics.articles_dlq.send(value=raw)
                continue
            metrics.STAGE_SECONDS.labels(stage="detect").observe(time.perf_counter() - started)
            yield None

    @app.agent(topics.events, name="newswatch.merge")
    async def merge_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for raw in stream:
            started = time.perf_counter()
            try:
                report = Event.from_json(raw)
                key = report.id.encode()
                known = event_table.get(key)
                outcome = merge_report(Event.from_json(known) if known else None, report)
                metrics.EVENTS_MERGED.labels(reason=outcome.reason).inc()
                if outcome.reason != "duplicate":
                    event_table[key] = outcome.event.to_json()
                    await topics.events_merged.send(key=key, value=outcome.event.to_json())
                if outcome.should_alert:
                    alert = Alert(event=outcome.event, reason=outcome.reason)
                    metrics.ALERTS_EMITTED.labels(reason=outcome.reason).inc()
                    log.info(
                        "alert %s for %s", outcome.reason, report.key, extra={"event_id": report.id, "stage": "merge"}
                    )
                    await topics.alerts.send(key=alert.id.encode(), value=alert.to_json())
            except Exception:
                metrics.STAGE_ERRORS.labels(stage="merge").inc()
                log.exception("merge failed; report dead-lettered", extra={"stage": "merge"})
                await topics.articles_dlq.send(value=raw)
                continue
            metrics.STAGE_SECONDS.labels(stage="merge").observe(time.perf_counter() - started)
            yield None

    @app.on_partitions_assigned.connect
    async def rebuild_after_rebalance(app: faust.App, *_: object, **__: object) -> None:
        dedupe.needs_restore = True
