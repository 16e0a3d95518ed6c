"""The article stage of the worker, without Faust: decode, normalise, dedupe and detect a batch of records.

One pass per raw article: an undecodable record is dead-lettered; every decoded article goes to
``articles.unique`` (the article store replay reads; duplicates keyed by their original's id and marked
with ``duplicate_of``); a unique article goes through the detectors, a duplicate re-issues its
original's reports with its own evidence (so the merge stage counts its source). Event reports go to
``events`` keyed by event id. Doing both in one agent means each article crosses Kafka into the worker
once, not twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field

import orjson

from streams.dedupe.index import DedupeDecision
from streams.detect.engine import DetectionEngine
from streams.events.reports import duplicate_reports
from streams.records import Article, Event, utcnow
from streams.text import normalize_article
from streams.worker import metrics
from streams.worker.dedupe_state import TableBackedDedupe

log = logging.getLogger(__name__)

Record = tuple[bytes | None, bytes]  # Kafka key and value


def _stay(index: int) -> None:
    """The default ``enter``: nothing to switch (plain mappings as state)."""


@dataclass
class ArticleOutputs:
    """What one batch sends, in stream order per topic."""

    unique: list[Record] = field(default_factory=list)  # articles.unique
    events: list[Record] = field(default_factory=list)  # events (one report each)
    dead: list[Record] = field(default_factory=list)  # articles.dlq


class ArticleStage:
    """Decide each article of a batch unique or duplicate, and find the events the unique ones report."""

    def __init__(
        self,
        dedupe: TableBackedDedupe,
        engine: DetectionEngine,
        article_events: MutableMapping[bytes, bytes],
    ) -> None:
        self.dedupe = dedupe
        self.engine = engine
        self.article_events = article_events  # article id -> its reports (JSON list); event articles only
        metrics.init_labels()
        self._dedupe_seconds = metrics.STAGE_SECONDS.labels(stage="dedupe")
        self._detect_seconds = metrics.STAGE_SECONDS.labels(stage="detect")
        self._dedupe_errors = metrics.STAGE_ERRORS.labels(stage="dedupe")
        self._detect_errors = metrics.STAGE_ERRORS.labels(stage="detect")

    def process(self, records: Sequence[Record], enter: Callable[[int], None] = _stay) -> ArticleOutputs:
        """The outputs of one batch of ``articles.raw`` records; never raises for a bad record.

        ``enter(i)`` is called before the state is read or written for record ``i`` (the worker makes
        that record Faust's current event, so table writes go to its partition).
        """
        out = ArticleOutputs()
        metrics.ARTICLES_RECEIVED.inc(len(records))
        articles: list[tuple[int, Article]] = []
        started = time.perf_counter()
        for index, (key, raw) in enumerate(records):
            try:
                articles.append((index, normalize_article(Article.from_json(raw))))
            except Exception as exc:  # bad record: never let it stop the stream
                metrics.ARTICLES_INVALID.inc()
                log.warning("undecodable article sent to dead letters: %s", exc, extra={"stage": "dedupe"})
                out.dead.append((key, raw))
        decisions = self._decide(articles, enter)
        if articles:
            per_article = (time.perf_counter() - started) / len(articles)
            for _ in articles:
                self._dedupe_seconds.observe(per_article)
        uniques = duplicates = 0
        for (index, article), decision in zip(articles, decisions, strict=True):
            enter(index)
            if decision is not None and decision.duplicate_of is not None:
                duplicates += 1
                marked = article.replace(
                    duplicate_of=decision.duplicate_of,
                    similarity=decision.similarity,
                    syndicated_from=decision.syndicated_from,
                    agency=decision.agency,
                )
                out.unique.append((decision.duplicate_of.encode(), marked.to_json()))
                self._reissue(marked, out)
            else:
                uniques += 1
                out.unique.append((article.id.encode(), article.to_json()))
                self._detect(article, out)
        if uniques:
            metrics.ARTICLES_UNIQUE.inc(uniques)
        if duplicates:
            metrics.ARTICLES_DUPLICATE.inc(duplicates)
        return out

    def _decide(
        self, articles: list[tuple[int, Article]], enter: Callable[[int], None]
    ) -> list[DedupeDecision | None]:
        """Dedupe decisions in order, for the whole batch at once (the cheap path).

        If the batch call fails, each article is decided alone, so only the article at fault passes on
        unchecked (``None``); articles the failed call already remembered come back as replays (unique).
        """
        if not articles:
            return []
        enter(articles[0][0])  # fingerprint writes: a GlobalTable, so any partition of the batch will do
        try:
            decisions: list[DedupeDecision | None] = list(
                self.dedupe.check_and_add_batch([article for _, article in articles])
            )
        except Exception:
            log.warning("batch dedupe failed; deciding the batch's articles one by one", exc_info=True)
            decisions = [self._decide_one(index, article, enter) for index, article in articles]
        if log.isEnabledFor(logging.DEBUG):
            for (_, article), decision in zip(articles, decisions, strict=True):
                if decision is not None and decision.duplicate_of is not None:
                    log.debug(
                        "duplicate of %s (%s, %.2f)",
                        decision.duplicate_of,
                        decision.outcome,
                        decision.similarity or 1.0,
                        extra={"stage": "dedupe", "article_id": article.id},
                    )
        return decisions

    def _decide_one(
        self, index: int, article: Article, enter: Callable[[int], None]
    ) -> DedupeDecision | None:
        enter(index)
        try:
            return self.dedupe.check_and_add(article)
        except Exception:
            self._dedupe_errors.inc()
            log.exception("dedupe failed; passing article on as unique", extra={"article_id": article.id})
            return None

    def _detect(self, article: Article, out: ArticleOutputs) -> None:
        started = time.perf_counter()
        try:
            reports = list(self.engine.detect(article).events)
            if reports:
                self.article_events[article.id.encode()] = orjson.dumps([r.to_dict() for r in reports])
        except Exception:
            self._detect_errors.inc()
            log.exception("detection failed; article dead-lettered", extra={"stage": "detect"})
            out.dead.append((article.id.encode(), article.to_json()))
            return
        self._detect_seconds.observe(time.perf_counter() - started)
        self._emit(article, reports, out)

    def stored_reports(self, duplicate: Article) -> list[Event]:
        """The reports stored for ``duplicate``'s original, re-issued with the duplicate's evidence."""
        assert duplicate.duplicate_of is not None
        known = self.article_events.get(duplicate.duplicate_of.encode())
        if not known:
            return []
        return duplicate_reports([Event.from_dict(data) for data in orjson.loads(known)], duplicate)

    def _reissue(self, duplicate: Article, out: ArticleOutputs) -> None:
        """Count the duplicate's source for its original's events (no second detection)."""
        try:
            reports = self.stored_reports(duplicate)
        except Exception:
            self._detect_errors.inc()
            log.exception("re-issuing a duplicate's reports failed; dead-lettered", extra={"stage": "detect"})
            out.dead.append((duplicate.id.encode(), duplicate.to_json()))
            return
        self._emit(duplicate, reports, out)

    @staticmethod
    def _emit(article: Article, reports: Sequence[Event], out: ArticleOutputs) -> None:
        if not reports:
            return
        lag = (utcnow() - article.fetched_at).total_seconds()
        for report in reports:
            metrics.EVENT_REPORTS.labels(type=report.type).inc()
            metrics.EVENT_LAG_SECONDS.observe(lag)
            out.events.append((report.id.encode(), report.to_json()))
