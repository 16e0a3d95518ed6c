"""The worker's article stage without Faust: the seeds, in one batch and in any order, with bad records."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from streams.detect.engine import DetectionEngine
from streams.records import Article, Event
from streams.settings import Settings
from streams.worker.article_stage import ArticleStage
from streams.worker.dedupe_state import SharedDedupe
from tests.seed_events import SEED_EVENTS, SEED_EVENTS_NOT_ALERTED

SEED_META = Path(__file__).resolve().parents[2] / "deploy" / "seeds" / "seeds.meta.json"

EXPECTED_EVENT_KEYS = SEED_EVENTS | SEED_EVENTS_NOT_ALERTED


@pytest.fixture(scope="module")
def seed_articles(seeds_dir: Path) -> list[Article]:
    meta = orjson.loads(SEED_META.read_bytes())
    return [
        Article(
            id=name[:3],
            url=f"https://{meta[name]['source']}/{name[:3]}",
            title=meta[name]["title"],
            text=(seeds_dir / name).read_text(encoding="utf-8"),
            published=datetime.fromisoformat(meta[name]["published"]),
            source_site=meta[name]["source"],
            connector="spool",
        )
        for name in sorted(k for k in meta if not k.startswith("_"))
    ]


def new_stage() -> tuple[ArticleStage, dict[bytes, bytes]]:
    settings = Settings()
    reports: dict[bytes, bytes] = {}
    stage = ArticleStage(
        SharedDedupe(settings.dedupe, {}), DetectionEngine.from_settings(settings.detect), reports
    )
    return stage, reports


def identity(event: Event) -> tuple[str, str, tuple[str, ...]]:
    return event.type, event.date, tuple(sorted(p.country for p in event.participants))


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4), (1, 0, 2, 3, 4), (4, 3, 2, 1, 0)])
def test_seeds_in_one_batch(seed_articles: list[Article], order: tuple[int, ...]) -> None:
    stage, stored = new_stage()
    records = [(a.url.encode(), a.to_json()) for a in (seed_articles[i] for i in order)]
    records.insert(2, (b"broken", b"{not json"))

    out = stage.process(records)

    assert out.dead == [(b"broken", b"{not json")]
    stored_articles = {
        Article.from_json(value).id: (key, Article.from_json(value)) for key, value in out.unique
    }
    assert set(stored_articles) == {"000", "001", "002", "003", "004"}
    first, second = ("000", "001") if order.index(0) < order.index(1) else ("001", "000")
    key, copy = stored_articles[second]
    assert (key, copy.duplicate_of) == (first.encode(), first)  # keyed by the original: replay meets it first
    assert all(a.duplicate_of is None for i, (_, a) in stored_articles.items() if i != second)
    events = [Event.from_json(value) for _, value in out.events]
    assert all(key == event.id.encode() for (key, _), event in zip(out.events, events, strict=True))
    # official_contact reports exist too (stored, not alerted by default): the README's events are the rest.
    assert {identity(e) for e in events if e.type != "official_contact"} == EXPECTED_EVENT_KEYS
    # The copy's reports repeat its original's with its own evidence: one more source for the merge stage.
    copies = [e for e in events if e.evidence[0].article_id == second]
    assert copies and {identity(e) for e in copies} <= {
        identity(e) for e in events if e.evidence[0].article_id == first
    }
    assert set(stored) == {a.encode() for a in ("000", "002", "003", "004") if a != second} | {first.encode()}


def test_resent_batch_gives_no_new_detection(seed_articles: list[Article]) -> None:
    """At-least-once redelivery: the same records again are replays of remembered articles."""
    stage, _ = new_stage()
    records = [(a.url.encode(), a.to_json()) for a in seed_articles]
    first = stage.process(records)
    again = stage.process(records)
    assert sorted(again.unique) == sorted(first.unique)
    assert sorted(again.events) == sorted(first.events)  # same event ids and evidence: merge counts them once


def test_failures_are_dead_lettered_not_raised(seed_articles: list[Article]) -> None:
    stage, stored = new_stage()

    def broken_detect(article: Article) -> object:
        raise RuntimeError("detector bug")

    stage.engine.detect = broken_detect  # type: ignore[method-assign]
    out = stage.process([(b"k", a.to_json()) for a in seed_articles[:3]])
    assert len(out.unique) == 3  # dedupe still stores every article
    dead_ids = [Article.from_json(value).id for _, value in out.dead]
    assert dead_ids == ["000", "002"]  # the unique ones; 001 (a copy of 000) has no stored reports
    assert out.events == [] and stored == {}


def test_many_batches_any_split(seed_articles: list[Article]) -> None:
    """Splitting the stream into batches changes nothing."""
    whole, _ = new_stage()
    records = [(a.url.encode(), a.to_json()) for a in seed_articles]
    expected = whole.process(records)
    for cut in range(1, len(records)):
        split, _ = new_stage()
        parts = [split.process(part) for part in (records[:cut], records[cut:])]
        assert list(itertools.chain(*(p.unique for p in parts))) == expected.unique
        assert list(itertools.chain(*(p.events for p in parts))) == expected.events


def test_failed_batch_dedupe_falls_back_to_one_by_one(seed_articles: list[Article]) -> None:
    stage, _ = new_stage()

    def broken_batch(articles: object, now: object = None) -> object:
        raise RuntimeError("batch path bug")

    stage.dedupe.check_and_add_batch = broken_batch  # type: ignore[method-assign]
    out = stage.process([(a.url.encode(), a.to_json()) for a in seed_articles])
    marked = {Article.from_json(value).id: Article.from_json(value).duplicate_of for _, value in out.unique}
    assert marked == {"000": None, "001": "000", "002": None, "003": None, "004": None}
    assert out.dead == []


def without_reports_of(article: Article, event_type: str, engine: DetectionEngine) -> Article:
    """A near copy of ``article`` printed without the sentences that report its ``event_type`` events."""
    text = article.text
    for _ in range(10):
        copy = article.replace(id=f"{article.id}-cut", url="https://other.example/cut", text=text)
        found = [e for e in engine.detect(copy).events if e.type == event_type]
        if not found:
            return copy.replace(source_site="other.example")
        text = text.replace(found[0].evidence[0].sentence, "")
    raise AssertionError("the event sentences could not be cut")


@pytest.mark.parametrize("split", [False, True])
def test_events_do_not_depend_on_which_near_copy_came_first(
    seed_articles: list[Article], split: bool
) -> None:
    """Issue 19: a near copy that reports an event its original lacks still reports it.

    Before, a duplicate only re-issued its original's reports, so whether the event was found depended
    on which of the two copies arrived first (with several workers, or partitions interleaved otherwise).
    """
    full = seed_articles[2]  # 002: the Pashinyan-Putin call
    cut = without_reports_of(full, "leader_call", new_stage()[0].engine)
    answers = []
    for order in ((full, cut), (cut, full)):
        stage, _ = new_stage()
        records = [(a.url.encode(), a.to_json()) for a in order]
        parts = [records[:1], records[1:]] if split else [records]
        outputs = [stage.process(part) for part in parts]
        marked = [Article.from_json(value) for out in outputs for _, value in out.unique]
        assert marked[1].duplicate_of == order[0].id and marked[1].similarity is not None  # a near copy
        events = [Event.from_json(value) for out in outputs for _, value in out.events]
        answers.append({e.key for e in events if e.type == "leader_call"})
    assert answers[0] == answers[1] != set()


@pytest.mark.parametrize(
    ("seed", "split"),
    [
        (2, False),  # 002's shorter print reports nothing: its site is known from the batch
        (2, True),  # ... decided in an earlier batch: its site from the shared state (its log entry)
        (4, False),  # 004's shorter print still reports the ceasefire violations: from its stored reports
        (4, True),
    ],
)
def test_a_syndicated_copys_own_report_keeps_the_wire_storys_source(
    seed_articles: list[Article], seed: int, split: bool
) -> None:
    """Issue 19: a syndicated near copy reporting an event its original lacks is one more outlet of the wire
    story, not a second source. Before, its own report carried its own site as the source, so which copy
    came first (order, workers) decided whether a "confirmed" alert fired."""
    full = seed_articles[seed]
    cut = without_reports_of(full, "leader_call", new_stage()[0].engine)  # another outlet's shorter print
    assert full.source_site and cut.source_site and full.source_site != cut.source_site
    stage, _ = new_stage()
    records = [(a.url.encode(), a.to_json()) for a in (cut, full)]
    parts = [records[:1], records[1:]] if split else [records]
    outputs = [stage.process(part) for part in parts]

    marked = [Article.from_json(value) for out in outputs for _, value in out.unique]
    assert marked[1].duplicate_of == cut.id and marked[1].syndicated_from == cut.id
    events = [Event.from_json(value) for out in outputs for _, value in out.events]
    calls = [e for e in events if e.type == "leader_call"]
    assert calls and all(e.evidence[0].article_id == full.id for e in calls)  # the copy's own reports
    for call in calls:
        assert call.sources == (cut.source_site,)
        assert call.outlets == (cut.source_site, full.source_site)
    reissued = [e for e in events if e.type != "leader_call" and e.evidence[0].article_id == full.id]
    assert all(e.sources == (cut.source_site,) for e in reissued) and bool(reissued) == (seed == 4)


def test_a_syndicated_copy_of_another_workers_original_names_the_wire_source(
    seed_articles: list[Article],
) -> None:
    """Issue 19: an original that reported nothing and was decided on another worker left no record of its
    site, so a syndicated copy's own reports named the copy's site as a new source. Its state-log entry
    now carries the original's source, and every worker applying the log names the wire source."""
    full = seed_articles[2]
    cut = without_reports_of(full, "leader_call", new_stage()[0].engine)
    writer, _ = new_stage()
    decided = writer.decide([(cut.url.encode(), cut.to_json())])
    assert not decided.new_reports, "the original must report nothing for this case"
    log = writer.dedupe.log_records(decided.remembered, decided.new_reports)
    reader, _ = new_stage()
    for offset, (key, value) in enumerate(log):
        reader.dedupe.apply(key, value, offset)

    out = reader.process([(full.url.encode(), full.to_json())])
    (marked,) = [Article.from_json(value) for _, value in out.unique]
    assert marked.duplicate_of == cut.id and marked.syndicated_from == cut.id
    calls = [e for e in (Event.from_json(value) for _, value in out.events) if e.type == "leader_call"]
    assert calls
    for call in calls:
        assert call.sources == (cut.source_site,)
        assert call.outlets == (cut.source_site, full.source_site)
