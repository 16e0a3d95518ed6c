"""The article stage of the worker, without Faust: decode, normalise, dedupe and detect a batch of records.

One pass per raw article: an undecodable record is dead-lettered; every decoded article goes to
``articles.unique`` (the article store replay reads; duplicates keyed by their original's id and marked
with ``duplicate_of``); a unique article goes through the detectors, a duplicate re-issues its
original's reports with its own evidence (so the merge stage counts its source); a near duplicate is
also detected on its own text and reports the events its original's reports lack, so the events found do
not depend on which of two near copies arrived first (issue 19); a syndicated copy credits them, like its
re-issued ones, to the wire story's source. Event reports go to ``events`` keyed by
event id. Doing both in one agent means each article crosses Kafka into the worker once, not twice.

A batch is handled in two calls: ``decide`` (dedupe and detection; the shared state is updated) and
``finish`` (the outputs), so the worker can settle races with other workers in between
(``streams.worker.dedupe_state``); ``process`` is both at once, for one worker and offline tools.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace

import orjson

from streams.dedupe.index import NEAR, DedupeDecision
from streams.dedupe.keys import fingerprint_key
from streams.detect.engine import DetectionEngine
from streams.events.reports import copy_reports, duplicate_reports
from streams.events.source import report_source
from streams.records import Article, Event, utcnow
from streams.text import normalize_article
from streams.worker import metrics
from streams.worker.dedupe_state import SharedDedupe

log = logging.getLogger(__name__)

Record = tuple[bytes | None, bytes]  # Kafka key and value


@dataclass
class ArticleOutputs:
    """What one batch sends, in stream order per topic."""

    unique: list[Record] = field(default_factory=list)  # articles.unique
    events: list[Record] = field(default_factory=list)  # events (one report each)
    dead: list[Record] = field(default_factory=list)  # articles.dlq


@dataclass
class DecidedBatch:
    """A batch decided and its unique articles detected, before its outputs are made (``finish``)."""

    articles: list[tuple[Article, DedupeDecision | None]] = field(default_factory=list)
    detected: dict[str, list[Event]] = field(default_factory=dict)  # unique or near-copy id -> its reports
    remembered: list[str] = field(default_factory=list)  # fingerprint keys remembered, in order
    new_reports: list[tuple[str, bytes]] = field(default_factory=list)  # article id -> reports JSON stored
    dead: list[Record] = field(default_factory=list)


class ArticleStage:
    """Decide each article of a batch unique or duplicate, and find the events the unique ones report."""

    def __init__(
        self,
        dedupe: SharedDedupe,
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

    def process(self, records: Sequence[Record]) -> ArticleOutputs:
        """The outputs of one batch of ``articles.raw`` records, every decision final; never raises."""
        return self.finish(self.decide(records))

    def decide(self, records: Sequence[Record]) -> DecidedBatch:
        """Decode, dedupe and detect a batch (the state is updated here); outputs come from ``finish``."""
        batch = DecidedBatch()
        metrics.ARTICLES_RECEIVED.inc(len(records))
        articles: list[Article] = []
        started = time.perf_counter()
        for key, raw in records:
            try:
                articles.append(normalize_article(Article.from_json(raw)))
            except Exception as exc:  # bad record: never let it stop the stream
                metrics.ARTICLES_INVALID.inc()
                log.warning("undecodable article sent to dead letters: %s", exc, extra={"stage": "dedupe"})
                batch.dead.append((key, raw))
        decisions = self._decide(articles)
        if articles:
            per_article = (time.perf_counter() - started) / len(articles)
            for _ in articles:
                self._dedupe_seconds.observe(per_article)
        for article, decision in zip(articles, decisions, strict=True):
            batch.articles.append((article, decision))
            if decision is not None and decision.duplicate_of is None:
                if not decision.replay:
                    batch.remembered.append(fingerprint_key(article.id))
                    self.dedupe.remember_source(article.id, report_source(article))
                self._detect(article, batch)
            elif decision is None:
                self._detect(article, batch)
            elif decision.outcome == NEAR:  # its text differs: it may report what its original does not
                self._detect(article, batch, store=False)
        return batch

    def finish(
        self, batch: DecidedBatch, changed: Mapping[str, DedupeDecision] | None = None
    ) -> ArticleOutputs:
        """The outputs of a decided batch; ``changed``: decisions another worker's earlier entry changed.

        An article in ``changed`` lost a race to a copy another worker remembered first: it becomes a
        duplicate of that copy (its own detection is dropped, the copy's reports are re-issued), and an
        article of the batch that duplicated it now duplicates the copy.
        """
        changed = changed or {}
        out = ArticleOutputs(dead=list(batch.dead))
        uniques = duplicates = 0
        for article, first in batch.articles:
            decision = changed.get(article.id, first)
            original = None if decision is None else decision.duplicate_of
            lost = None if original is None else changed.get(original)
            if decision is not None and lost is not None:  # its original lost a race to the winner
                winner = lost.duplicate_of
                decision = replace(
                    decision, duplicate_of=winner, syndicated_from=decision.syndicated_from and winner
                )
            if decision is not None and decision.duplicate_of is not None:
                duplicates += 1
                marked = article.replace(
                    duplicate_of=decision.duplicate_of,
                    similarity=decision.similarity,
                    syndicated_from=decision.syndicated_from,
                    agency=decision.agency,
                )
                out.unique.append((decision.duplicate_of.encode(), marked.to_json()))
                own = batch.detected.get(article.id, ()) if decision.outcome == NEAR else ()
                self._reissue(marked, own, out)
            else:
                uniques += 1
                out.unique.append((article.id.encode(), article.to_json()))
                self._emit(article, batch.detected.get(article.id, ()), out)
        if uniques:
            metrics.ARTICLES_UNIQUE.inc(uniques)
        if duplicates:
            metrics.ARTICLES_DUPLICATE.inc(duplicates)
        return out

    def _decide(self, articles: list[Article]) -> list[DedupeDecision | None]:
        """Dedupe decisions in order, for the whole batch at once (the cheap path).

        If the batch call fails, each article is decided alone, so only the article at fault passes on
        unchecked (``None``); articles the failed call already remembered come back as replays (unique).
        """
        if not articles:
            return []
        try:
            decisions: list[DedupeDecision | None] = list(self.dedupe.check_and_add_batch(articles))
        except Exception:
            log.warning("batch dedupe failed; deciding the batch's articles one by one", exc_info=True)
            decisions = [self._decide_one(article) for article in articles]
        if log.isEnabledFor(logging.DEBUG):
            for article, decision in zip(articles, decisions, strict=True):
                if decision is not None and decision.duplicate_of is not None:
                    log.debug(
                        "duplicate of %s (%s, %.2f)",
                        decision.duplicate_of,
                        decision.outcome,
                        decision.similarity or 1.0,
                        extra={"stage": "dedupe", "article_id": article.id},
                    )
        return decisions

    def _decide_one(self, article: Article) -> DedupeDecision | None:
        try:
            return self.dedupe.check_and_add(article)
        except Exception:
            self._dedupe_errors.inc()
            log.exception("dedupe failed; passing article on as unique", extra={"article_id": article.id})
            return None

    def _detect(self, article: Article, batch: DecidedBatch, store: bool = True) -> None:
        """Detect ``article``'s events; ``store``: keep them as an original's reports (not a near copy's)."""
        started = time.perf_counter()
        try:
            reports = list(self.engine.detect(article).events)
            if reports and store:
                stored = orjson.dumps([r.to_dict() for r in reports])
                self.article_events[article.id.encode()] = stored
                batch.new_reports.append((article.id, stored))
        except Exception:
            self._detect_errors.inc()
            if not store:  # a near copy still carries its original's reports
                log.exception(
                    "detection of a near copy failed; its own reports skipped", extra={"stage": "detect"}
                )
                return
            log.exception("detection failed; article dead-lettered", extra={"stage": "detect"})
            batch.dead.append((article.id.encode(), article.to_json()))
            return
        self._detect_seconds.observe(time.perf_counter() - started)
        batch.detected[article.id] = reports

    def stored_reports(self, duplicate: Article) -> list[Event]:
        """The reports stored for ``duplicate``'s original, re-issued with the duplicate's evidence."""
        assert duplicate.duplicate_of is not None
        return duplicate_reports(self._stored(duplicate.duplicate_of), duplicate)

    def _stored(self, article_id: str) -> list[Event]:
        """An original's own reports, as its detection stored them ([] if it reported nothing)."""
        known = self.article_events.get(article_id.encode())
        return [Event.from_dict(data) for data in orjson.loads(known)] if known else []

    def _reissue(self, duplicate: Article, own: Sequence[Event], out: ArticleOutputs) -> None:
        """Count the duplicate's source for its original's events, and send ``own`` reports (a near copy's
        own detection) of events the original's reports lack.

        A syndicated copy's own reports carry the wire story's source like its re-issued ones (issue 19):
        the source its original's stored reports carry, else the original's own, which the shared state
        keeps for every remembered article (decided in any batch, on any worker); only when neither is
        known (a state written before sources were kept) do they keep the copy's.
        """
        try:
            assert duplicate.duplicate_of is not None
            stored = self._stored(duplicate.duplicate_of)
            reports = duplicate_reports(stored, duplicate)
            known = {report.key for report in reports}
            new = [report for report in own if report.key not in known]
            syndicated = duplicate.syndicated_from is not None
            wire = self._wire_sources(stored, duplicate.duplicate_of) if syndicated else None
            if new and wire is not None:
                new = copy_reports(new, duplicate, wire)
            reports += new
        except Exception:
            self._detect_errors.inc()
            log.exception("re-issuing a duplicate's reports failed; dead-lettered", extra={"stage": "detect"})
            out.dead.append((duplicate.id.encode(), duplicate.to_json()))
            return
        self._emit(duplicate, reports, out)

    def _wire_sources(self, stored: Sequence[Event], original_id: str) -> tuple[str, ...] | None:
        """The sources of the wire story a syndicated copy prints: its original's, from the original's stored
        reports, else the original's source as the shared state holds it; None when neither is known."""
        if stored:
            return stored[0].sources
        source = self.dedupe.source_of(original_id)
        return None if source is None else (source,)

    @staticmethod
    def _emit(article: Article, reports: Sequence[Event], out: ArticleOutputs) -> None:
        if not reports:
            return
        lag = (utcnow() - article.fetched_at).total_seconds()
        for report in reports:
            metrics.EVENT_REPORTS.labels(type=report.type).inc()
            metrics.EVENT_LAG_SECONDS.observe(lag)
            out.events.append((report.id.encode(), report.to_json()))
