"""Replay without a broker: selection by publication time, detection, duplicate reports, dry-run output."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from streams.detect.engine import Detection, DetectionEngine
from streams.detect.rules import RuleSet
from streams.records import Article, Event, Evidence, Participant
from streams.replay.cli import ReplaySummary, parse_when, run_replay
from streams.replay.core import (
    BAD,
    CONTEXT,
    DETECTED,
    DUPLICATE,
    OUT_OF_RANGE,
    REPEAT,
    Replayer,
    TimeRange,
    duplicate_reports,
    report_record,
)
from streams.settings import settings_from_mapping

SEED_META = Path(__file__).resolve().parents[2] / "deploy" / "seeds" / "seeds.meta.json"


def article(
    article_id: str, day: str, *, duplicate_of: str | None = None, source: str = "a.example"
) -> Article:
    return Article(
        id=article_id,
        url=f"https://{source}/{article_id}",
        title=f"title {article_id}",
        text=f"text of {article_id}",
        published=datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC),
        source_site=source,
        duplicate_of=duplicate_of,
    )


def event_for(item: Article, kind: str = "leader_call") -> Event:
    return Event(
        type=kind,
        date=item.published.date().isoformat(),
        participants=(Participant("Alpha", person_id="alpha-a"), Participant("Beta", person_id="beta-b")),
        evidence=(
            Evidence(item.id, item.url, f"sentence of {item.id}", item.source_site, item.published, "r"),
        ),
        sources=(item.source_site,),
        first_reported=item.published,
        last_reported=item.published,
    )


class FakeEngine:
    """Reports one event for every article whose id starts with 'e'; records what it was asked."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def detect(self, item: Article) -> Detection:
        self.seen.append(item.id)
        events = (event_for(item),) if item.id.startswith("e") else ()
        return Detection(events, (), "en")


def replayer(
    start: str | None = "2020-10-01", end: str | None = "2020-10-31", context_days: float = 0
) -> Replayer:
    selected = TimeRange.of(
        date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None
    )
    return Replayer(FakeEngine(), selected, timedelta(days=context_days))  # type: ignore[arg-type]


# ---------------------------------------------------------------- selection


def test_range_of_dates_covers_whole_days_inclusive() -> None:
    selected = TimeRange.of(date(2020, 10, 1), date(2020, 11, 8))
    assert datetime(2020, 10, 1, 0, 0, tzinfo=UTC) in selected
    assert datetime(2020, 11, 8, 23, 59, 59, tzinfo=UTC) in selected
    assert datetime(2020, 9, 30, 23, 59, 59, tzinfo=UTC) not in selected
    assert datetime(2020, 11, 9, 0, 0, tzinfo=UTC) not in selected


def test_open_range_and_times() -> None:
    assert datetime(1999, 1, 1, tzinfo=UTC) in TimeRange.of(None, None)
    selected = TimeRange.of(None, parse_when("2020-10-01T12:00:00"))
    assert datetime(2020, 10, 1, 12, 0, tzinfo=UTC) in selected
    assert datetime(2020, 10, 1, 12, 0, 1, tzinfo=UTC) not in selected
    with pytest.raises(ValueError):
        TimeRange.of(date(2020, 11, 1), date(2020, 10, 1))


def test_parse_when_rejects_garbage() -> None:
    import argparse

    assert parse_when("2020-10-01") == date(2020, 10, 1)
    with pytest.raises(argparse.ArgumentTypeError):
        parse_when("yesterday")


def test_articles_outside_the_range_are_skipped_without_detection() -> None:
    r = replayer()
    assert r.feed(article("e1", "2020-09-30")).action == OUT_OF_RANGE
    assert r.feed(article("e2", "2020-11-01")).action == OUT_OF_RANGE
    step = r.feed(article("e3", "2020-10-15"))
    assert step.action == DETECTED and [e.type for e in step.reports] == ["leader_call"]
    assert r.engine.seen == ["e3"]  # type: ignore[attr-defined]
    assert (r.stats.read, r.stats.selected, r.stats.skipped, r.stats.reports) == (3, 1, 2, 1)


def test_articles_without_events_send_nothing() -> None:
    r = replayer()
    step = r.feed(article("x1", "2020-10-15"))
    assert step.action == DETECTED and step.reports == ()
    assert r.known_reports == {}


# ---------------------------------------------------------------- duplicates


def test_duplicate_reuses_the_originals_reports_with_its_own_evidence() -> None:
    r = replayer()
    original = article("e1", "2020-10-10", source="first.example")
    r.feed(original)
    dup = article("d1", "2020-10-11", duplicate_of="e1", source="second.example")
    step = r.feed(dup)
    assert step.action == DUPLICATE
    (report,) = step.reports
    assert report.id == event_for(original).id  # same event, so the merge agent folds it in
    assert report.evidence[0].article_id == "d1"
    assert report.evidence[0].sentence == "sentence of e1"
    assert report.sources == ("second.example",)
    assert report.first_reported == dup.published
    assert r.engine.seen == ["e1"]  # type: ignore[attr-defined]  # the duplicate is not detected again


def test_duplicate_in_range_of_an_original_just_outside_it_uses_the_context() -> None:
    r = replayer(context_days=7)
    step = r.feed(article("e1", "2020-09-28"))
    assert step.action == CONTEXT and step.reports == ()  # detected, remembered, not sent
    dup = r.feed(article("d1", "2020-10-02", duplicate_of="e1", source="b.example"))
    assert dup.action == DUPLICATE and len(dup.reports) == 1
    far = r.feed(article("e9", "2020-09-01"))
    assert far.action == OUT_OF_RANGE
    assert r.stats.detected == 1 and r.stats.reports == 1


def test_duplicate_of_an_unknown_original_sends_nothing() -> None:
    r = replayer()
    step = r.feed(article("d1", "2020-10-02", duplicate_of="never-seen"))
    assert step.action == DUPLICATE and step.reports == ()


def test_repeated_records_are_skipped() -> None:
    r = replayer()
    assert r.feed(article("e1", "2020-10-10")).action == DETECTED
    assert r.feed(article("e1", "2020-10-10")).action == REPEAT
    assert r.feed(article("d1", "2020-10-11", duplicate_of="e1")).action == DUPLICATE
    assert r.feed(article("d1", "2020-10-11", duplicate_of="e1")).action == REPEAT
    assert r.engine.seen == ["e1"]  # type: ignore[attr-defined]


def test_bad_records_are_counted_not_raised() -> None:
    r = replayer()
    assert r.feed_raw(b"not json").action == BAD
    assert r.feed_raw(None).action == BAD
    assert r.feed_raw(b'{"id": "x"}').action == BAD  # no published time
    assert r.feed_raw(article("e1", "2020-10-10").to_json()).action == DETECTED
    assert (r.stats.errors, r.stats.read) == (3, 4)


def test_duplicate_reports_match_the_worker() -> None:
    from streams.detect.engine import DetectionEngine
    from streams.settings import Settings
    from streams.worker.article_stage import ArticleStage
    from streams.worker.dedupe_state import SharedDedupe

    original = article("e1", "2020-10-10")
    dup = article("d1", "2020-10-11", duplicate_of="e1", source="")
    dup = dup.replace(connector="spool")
    reports = [event_for(original), event_for(original, "ceasefire_declared")]
    settings = Settings()
    stored = {b"e1": orjson.dumps([r.to_dict() for r in reports])}
    worker = ArticleStage(
        SharedDedupe(settings.dedupe, {}), DetectionEngine.from_settings(settings.detect), stored
    )
    ours = duplicate_reports(reports, dup)
    theirs = worker.stored_reports(dup)
    assert [r.to_dict() for r in ours] == [r.to_dict() for r in theirs]
    assert ours and all(r.evidence[0].article_id == "d1" for r in ours)


def test_report_record_is_keyed_by_event_id() -> None:
    report = event_for(article("e1", "2020-10-10"))
    key, value = report_record(report)
    assert key == report.id.encode()
    assert Event.from_json(value) == report


# ---------------------------------------------------------------- the run loop (dry run) with the real engine


@pytest.fixture(scope="module")
def seed_records(seeds_dir: Path) -> list[bytes]:
    """The seeds as the worker stores them in articles.unique: 001 marked as a duplicate of 000."""
    meta = orjson.loads(SEED_META.read_bytes())
    records = []
    for name in sorted(k for k in meta if not k.startswith("_")):
        info = meta[name]
        item = Article(
            id=name[:3],
            url=f"spool://{name}",
            title=info["title"],
            text=(seeds_dir / name).read_text(encoding="utf-8"),
            published=datetime.fromisoformat(info["published"]),
            source_site=info["source"],
            connector="spool",
            duplicate_of="000" if name.startswith("001") else None,
        )
        records.append(item.to_json())
    return records


@pytest.fixture(scope="module")
def settings():  # type: ignore[no-untyped-def]
    return settings_from_mapping({})


@pytest.fixture(scope="module")
def real_engine() -> DetectionEngine:
    return DetectionEngine()


def test_dry_run_prints_the_reports_of_the_seeds(seed_records, settings, real_engine) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    stats = run_replay(
        settings,
        TimeRange.of(date(2020, 9, 1), date(2020, 12, 31)),
        records=[*seed_records, b"garbage"],
        total=len(seed_records) + 1,
        send=None,
        engine=real_engine,
        out=out,
        as_json=True,
    )
    reports = [Event.from_json(line) for line in out.getvalue().splitlines()]
    identities = {(r.type, r.date) for r in reports if r.type == "leader_call"}
    assert identities == {
        ("leader_call", "2020-09-30"),
        ("leader_call", "2020-10-02"),
        ("leader_call", "2020-10-20"),
        ("leader_call", "2020-11-07"),
    }
    # 001 re-issues 000's reports with its own evidence.
    from_000 = sorted(r.id for r in reports if r.evidence[0].article_id == "000")
    from_001 = sorted(r.id for r in reports if r.evidence[0].article_id == "001")
    assert from_000 and from_000 == from_001
    assert stats.errors == 1 and stats.duplicates == 1 and stats.reports == len(reports)
    summary = ReplaySummary(
        stats, sent=len(reports), send_errors=0, dry_run=True, total=6, deleted_by_retention=False
    )
    assert "would send" in "\n".join(summary.lines())


def test_a_new_rule_adds_only_its_own_reports(seed_records, settings, real_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - name: foreign_fighters\n    keywords: [extremists]\n    entities: [Syria, Libya]\n",
        encoding="utf-8",
    )
    with_rule = DetectionEngine(real_engine.gazetteer, RuleSet.load(str(rules)))
    sent: dict[str, list[bytes]] = {"plain": [], "rule": []}
    for name, engine in (("plain", real_engine), ("rule", with_rule)):
        run_replay(
            settings,
            TimeRange.of(date(2020, 9, 1), date(2020, 12, 31)),
            records=seed_records,
            total=len(seed_records),
            send=lambda _key, value, name=name: sent[name].append(value),  # type: ignore[misc]
            engine=engine,
        )
    plain = {Event.from_json(v).id for v in sent["plain"]}
    extra = [Event.from_json(v) for v in sent["rule"] if Event.from_json(v).id not in plain]
    assert {e.type for e in extra} == {"rule:foreign_fighters"}
    assert {e.evidence[0].article_id for e in extra} == {"000", "001"}  # the original and its duplicate
    assert len({e.id for e in extra}) == 1


def test_range_selects_a_subset_of_the_seeds(seed_records, settings, real_engine) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    stats = run_replay(
        settings,
        TimeRange.of(date(2020, 10, 1), date(2020, 10, 2)),
        records=seed_records,
        total=len(seed_records),
        send=None,
        engine=real_engine,
        out=out,
        context=timedelta(0),
    )
    assert stats.selected == 2  # 002 and 003
    assert stats.skipped == 3
    assert "2020-09-30" in out.getvalue() and "2020-10-20" not in out.getvalue()


# ---------------------------------------------------------------- the reader, with a fake consumer


class FakeConsumer:
    """Two partitions; partition 1 grows after the reader opened (those records must not be read)."""

    def __init__(self, topic: str) -> None:
        from kafka import TopicPartition

        self.tp = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
        self.logs = {self.tp[0]: [b"a0", b"a1", b"a2"], self.tp[1]: [b"b0"]}
        self.pos = {tp: 0 for tp in self.tp}
        self.paused: set[object] = set()
        self.first = {self.tp[0]: 1, self.tp[1]: 0}  # partition 0 lost its first record to retention

    def partitions_for_topic(self, topic: str) -> set[int]:
        return {0, 1}

    def assign(self, partitions: list[object]) -> None:
        self.assigned = partitions

    def beginning_offsets(self, partitions: list[object]) -> dict[object, int]:
        return {tp: self.first[tp] for tp in partitions}  # type: ignore[index]

    def end_offsets(self, partitions: list[object]) -> dict[object, int]:
        ends = {tp: len(self.logs[tp]) for tp in partitions}  # type: ignore[index]
        self.logs[self.tp[1]].extend([b"b1-late", b"b2-late"])  # written after the snapshot
        return ends

    def seek(self, tp: object, offset: int) -> None:
        self.pos[tp] = offset  # type: ignore[index]

    def pause(self, *partitions: object) -> None:
        self.paused.update(partitions)

    def poll(self, timeout_ms: int = 0) -> dict[object, list[object]]:
        from types import SimpleNamespace

        batch = {}
        for tp in self.tp:
            if tp in self.paused or self.pos[tp] >= len(self.logs[tp]):
                continue
            records = [
                SimpleNamespace(offset=i, value=v) for i, v in enumerate(self.logs[tp]) if i >= self.pos[tp]
            ][:2]
            self.pos[tp] = records[-1].offset + 1
            batch[tp] = records
        return batch

    def position(self, tp: object) -> int:
        return self.pos[tp]  # type: ignore[index]

    def close(self) -> None:
        self.closed = True


def test_stored_articles_reads_to_the_end_offsets_taken_at_open() -> None:
    from streams.replay.broker import StoredArticles

    settings = settings_from_mapping({"kafka": {"topic_prefix": "p."}})
    consumer = FakeConsumer("p.articles.unique")
    stored = StoredArticles(settings, consumer=consumer)
    assert stored.topic == "p.articles.unique"
    assert stored.total == 3  # a1, a2 (a0 deleted by retention) and b0
    assert stored.deleted_by_retention
    values = list(stored.records(poll_ms=1))
    assert sorted(values) == [b"a1", b"a2", b"b0"]  # nothing written after the snapshot
    stored.close()
    assert consumer.closed


def test_report_sender_counts_acks_and_failures() -> None:
    from kafka.errors import KafkaTimeoutError
    from kafka.producer.future import FutureProduceResult, FutureRecordMetadata
    from kafka.structs import TopicPartition

    from streams.replay.broker import ReportSender

    class FakeProducer:
        def __init__(self) -> None:
            self.sent: list[tuple[str, bytes, bytes]] = []

        def send(self, topic: str, key: bytes, value: bytes) -> FutureRecordMetadata:
            produce = FutureProduceResult(TopicPartition(topic, 0))
            future = FutureRecordMetadata(produce, 0, -1, None, len(key), len(value), -1)
            self.sent.append((topic, key, value))
            if key == b"bad":
                produce.failure(KafkaTimeoutError("broker down"))
            else:
                produce.success((0, 0, None))
            return future

        def flush(self, timeout: float | None = None) -> None:
            return None

        def close(self, timeout: float | None = None) -> None:
            return None

    producer = FakeProducer()
    sender = ReportSender(settings_from_mapping({"kafka": {"topic_prefix": "p."}}), producer=producer)
    sender.send(b"k1", b"v1")
    sender.send(b"bad", b"v2")
    sender.flush()
    assert (sender.acked, sender.failed) == (1, 1)
    assert producer.sent[0][0] == "p.events"
    assert "broker down" in (sender.last_error or "")
