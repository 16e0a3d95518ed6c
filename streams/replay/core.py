"""The pure part of replay: select stored articles by publication time, detect, build event reports.

It does what the worker's article stage does for detection (``streams/worker/article_stage.py``),
record by record, over the stored ``articles.unique`` topic read from its beginning:

- a unique article inside the range goes through the current ``DetectionEngine``; its reports are sent
  to ``events`` keyed by event id and remembered by article id;
- a duplicate (``duplicate_of`` set) inside the range re-issues its original's reports with its own
  evidence (its id, URL, source, publication time), exactly like the agent; the original comes earlier
  in the same partition, because dedupe keys a duplicate by its original's id;
- a unique article outside the range but within ``context`` of it is detected only to remember its
  reports (a duplicate inside the range may point to it); nothing is sent for it;
- an article id already processed (at-least-once re-delivery) is skipped.

No Kafka here: the shell (``streams/replay/kafka.py``) feeds records in and sends the reports out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from streams.detect.engine import DetectionEngine
from streams.errors import RecordError
from streams.events.reports import duplicate_reports
from streams.records import Article, Event

# What happened to one stored record.
DETECTED = "detected"  # in range, unique: detection ran, its reports are sent
DUPLICATE = "duplicate"  # in range, a duplicate: the original's reports are re-issued
CONTEXT = "context"  # outside the range but near it: detected only to remember the reports
OUT_OF_RANGE = "out_of_range"  # skipped
REPEAT = "repeat"  # an article id seen before: skipped
BAD = "bad"  # undecodable record: counted


def _start_of(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time.min, tzinfo=UTC)


def _end_of(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time.max, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Publication times ``start <= published <= end`` (either end open when None).

    Built from dates, the range covers whole UTC days: ``--to 2020-11-08`` includes all of that day.
    """

    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def of(cls, start: date | datetime | None, end: date | datetime | None) -> TimeRange:
        begin = _start_of(start) if start is not None else None
        finish = _end_of(end) if end is not None else None
        if begin is not None and finish is not None and finish < begin:
            raise ValueError(f"range ends ({finish.isoformat()}) before it starts ({begin.isoformat()})")
        return cls(begin, finish)

    def __contains__(self, moment: object) -> bool:
        if not isinstance(moment, datetime):
            return False
        return (self.start is None or moment >= self.start) and (self.end is None or moment <= self.end)

    def widened(self, margin: timedelta) -> TimeRange:
        """The range with ``margin`` added on both (closed) sides."""
        return TimeRange(
            None if self.start is None else self.start - margin,
            None if self.end is None else self.end + margin,
        )

    def describe(self) -> str:
        start = self.start.isoformat() if self.start else "the beginning"
        end = self.end.isoformat() if self.end else "the end"
        return f"{start} .. {end}"


def report_record(report: Event) -> tuple[bytes, bytes]:
    """The ``events`` record of one report: key = event id, value = Event JSON (as the worker sends it)."""
    return report.id.encode(), report.to_json()


@dataclass(frozen=True, slots=True)
class Step:
    """What replay made of one stored record, and the reports to send for it."""

    action: str
    article: Article | None = None
    reports: tuple[Event, ...] = ()
    error: str | None = None


@dataclass
class ReplayStats:
    """Counts for the progress line and the summary."""

    read: int = 0  # records read from articles.unique
    selected: int = 0  # articles inside the range (unique + duplicates)
    detected: int = 0  # articles run through detection (in range or context)
    duplicates: int = 0  # duplicates inside the range
    reports: int = 0  # reports to send (or sent)
    skipped: int = 0  # out of range or repeats
    errors: int = 0  # undecodable records
    by_type: dict[str, int] = field(default_factory=dict)

    def count(self, step: Step) -> None:
        self.read += 1
        if step.action == BAD:
            self.errors += 1
        elif step.action in (OUT_OF_RANGE, REPEAT):
            self.skipped += 1
        elif step.action == CONTEXT:
            self.skipped += 1
            self.detected += 1
        else:
            self.selected += 1
            if step.action == DETECTED:
                self.detected += 1
            else:
                self.duplicates += 1
        self.reports += len(step.reports)
        for report in step.reports:
            self.by_type[report.type] = self.by_type.get(report.type, 0) + 1


class Replayer:
    """Stateful per-run selection and detection over the stored articles, in topic order per partition.

    Memory: the reports of every detected original that had any (most articles have none), and the ids
    of the originals processed (to skip re-deliveries).
    """

    def __init__(
        self, engine: DetectionEngine, selected: TimeRange, context: timedelta = timedelta(0)
    ) -> None:
        self.engine = engine
        self.selected = selected
        self.context_range = selected.widened(context)
        self.known_reports: dict[str, tuple[Event, ...]] = {}
        self._seen: set[str] = set()
        self.stats = ReplayStats()

    def feed_raw(self, raw: bytes | None) -> Step:
        """One stored record's value (Article JSON); an undecodable one is a BAD step, never an exception."""
        try:
            if raw is None:
                raise RecordError("empty record (tombstone)")
            article = Article.from_json(raw)
        except RecordError as exc:
            step = Step(BAD, error=str(exc))
            self.stats.count(step)
            return step
        return self.feed(article)

    def feed(self, article: Article) -> Step:
        """Decide about one stored article; returns the reports to send (empty for skips)."""
        step = self._step(article)
        self.stats.count(step)
        return step

    def _step(self, article: Article) -> Step:
        in_range = article.published in self.selected
        if article.duplicate_of is not None:
            if not in_range:
                return Step(OUT_OF_RANGE, article)
            # Keyed by (duplicate id, original id): the same duplicate record re-delivered is a repeat.
            marker = f"{article.id}\x1f{article.duplicate_of}"
            if marker in self._seen:
                return Step(REPEAT, article)
            self._seen.add(marker)
            known = self.known_reports.get(article.duplicate_of, ())
            return Step(DUPLICATE, article, tuple(duplicate_reports(known, article)))
        if not in_range and article.published not in self.context_range:
            return Step(OUT_OF_RANGE, article)
        if article.id in self._seen:
            return Step(REPEAT, article)
        self._seen.add(article.id)
        reports = tuple(self.engine.detect(article).events)
        if reports:
            self.known_reports[article.id] = reports
        if not in_range:
            return Step(CONTEXT, article)
        return Step(DETECTED, article, reports)
