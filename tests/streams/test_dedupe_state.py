"""The shared dedupe state without Kafka: workers that decide at once agree once they applied one log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import Article, Event
from streams.settings import Settings
from streams.worker.article_stage import ArticleOutputs, ArticleStage, DecidedBatch
from streams.worker.dedupe_state import FINGERPRINT, PROSE, REPORTS, SOURCE, TEXT, LogRecord, SharedDedupe
from tests.integration.seed_articles import republished, seed_article

SETTINGS = Settings()
EXTRA = "\n\nThe ministry said further talks between the two delegations would be held in the capital soon.\n"


class _Worker:
    """An article stage over its own shared state, as one worker process holds it."""

    def __init__(self) -> None:
        self.shared = SharedDedupe(SETTINGS.dedupe)
        self.stage = ArticleStage(
            self.shared, DetectionEngine.from_settings(SETTINGS.detect), self.shared.reports
        )
        self.applied = 0  # log records applied so far

    def catch_up(self, log: list[LogRecord]) -> None:
        for offset in range(self.applied, len(log)):
            key, value = log[offset]
            self.shared.apply(key, value, offset)
        self.applied = len(log)


def _write(log: list[LogRecord], worker: _Worker, batch: DecidedBatch) -> None:
    log.extend(worker.shared.log_records(batch.remembered, batch.new_reports))


def _finish(log: list[LogRecord], worker: _Worker, batch: DecidedBatch) -> ArticleOutputs:
    """What the agent does once its records are written: apply the log, settle, tombstone the losers."""
    worker.catch_up(log)
    changed = worker.shared.settle(batch.remembered)
    log.extend(worker.shared.forget(list(changed)))
    return worker.stage.finish(batch, changed)


@pytest.fixture(scope="module")
def story(seeds_dir: Path) -> tuple[Article, Article, Article]:
    original = seed_article(seeds_dir, "000")
    return original, republished(original, "mirror.example"), republished(original, "other.example")


def _duplicates(out: ArticleOutputs) -> dict[str, str | None]:
    return {a.id: a.duplicate_of for a in (Article.from_json(v) for _, v in out.unique)}


def test_two_workers_deciding_one_story_at_once_keep_the_copy_written_first(
    story: tuple[Article, Article, Article],
) -> None:
    original, copy, _ = story
    first, second, log = _Worker(), _Worker(), []
    decided_first = first.stage.decide([(None, original.to_json())])
    decided_second = second.stage.decide([(None, copy.to_json())])  # before the original reached it
    assert decided_second.remembered, "the second worker judged its copy unique, as it must at this point"
    _write(log, first, decided_first)
    _write(log, second, decided_second)

    out_first = _finish(log, first, decided_first)
    out_second = _finish(log, second, decided_second)
    first.catch_up(log)
    second.catch_up(log)

    assert _duplicates(out_first) == {original.id: None}
    assert _duplicates(out_second) == {copy.id: original.id}  # the later writer gave way
    assert out_first.events and len(out_second.events) == len(out_first.events)  # the original's reports
    assert first.shared.fingerprints == second.shared.fingerprints  # one state in both workers
    assert set(first.shared.reports) == set(second.shared.reports) == {original.id.encode()}
    late = _Worker()  # a worker started afterwards reads the log and holds the same
    late.catch_up(log)
    assert late.shared.fingerprints == first.shared.fingerprints


def test_a_copy_later_in_the_log_is_not_applied_even_before_its_tombstone(
    story: tuple[Article, Article, Article],
) -> None:
    original, copy, third = story
    first, second, log = _Worker(), _Worker(), []
    decided_first = first.stage.decide([(None, original.to_json())])
    decided_second = second.stage.decide([(None, copy.to_json())])
    _write(log, first, decided_first)
    _write(log, second, decided_second)
    reader = _Worker()
    reader.catch_up(log)  # the second worker has not settled yet
    assert reader.shared.fingerprints == {
        decided_first.remembered[0]: first.shared.fingerprints[decided_first.remembered[0]]
    }
    out = reader.stage.process([(None, third.to_json())])
    assert _duplicates(out) == {third.id: original.id}


def test_a_duplicate_of_a_race_loser_points_at_the_winner(story: tuple[Article, Article, Article]) -> None:
    original, copy, third = story
    first, second, log = _Worker(), _Worker(), []
    decided_first = first.stage.decide([(None, original.to_json())])
    decided_second = second.stage.decide([(None, copy.to_json()), (None, third.to_json())])
    _write(log, first, decided_first)
    _write(log, second, decided_second)
    out = _finish(log, second, decided_second)
    assert _duplicates(out) == {copy.id: original.id, third.id: original.id}


def test_one_worker_settles_nothing(story: tuple[Article, Article, Article]) -> None:
    original, copy, _ = story
    worker, log = _Worker(), []
    decided = worker.stage.decide([(None, original.to_json()), (None, copy.to_json())])
    _write(log, worker, decided)
    assert _duplicates(_finish(log, worker, decided)) == {original.id: None, copy.id: original.id}
    assert [key[:1] for key, _ in log] == [REPORTS, TEXT, PROSE, SOURCE, FINGERPRINT]  # needs first


def test_another_workers_original_is_verified_by_its_text_as_one_worker_does(seeds_dir: Path) -> None:
    original, chromeless = seed_article(seeds_dir, "000"), seed_article(seeds_dir, "001")
    alone = _Worker()
    (one,) = [
        d for _, d in alone.stage.decide([(None, original.to_json()), (None, chromeless.to_json())]).articles
    ][1:]
    first, second, log = _Worker(), _Worker(), []
    _write(log, first, first.stage.decide([(None, original.to_json())]))
    second.catch_up(log)
    ((_, two),) = second.stage.decide([(None, chromeless.to_json())]).articles
    assert one is not None and two is not None
    assert (two.duplicate_of, two.method, two.similarity) == (one.duplicate_of, one.method, one.similarity)
    assert two.method == "text"


def test_eviction_returns_tombstones_for_the_fingerprint_and_its_reports(
    story: tuple[Article, Article, Article],
) -> None:
    original, _, _ = story
    worker, log = _Worker(), []
    decided = worker.stage.decide([(None, original.to_json())])
    _write(log, worker, decided)
    tombstones = worker.shared.evict_expired(
        original.published + timedelta(days=SETTINGS.dedupe.window_days + 1)
    )
    assert sorted(tombstones) == sorted((key, None) for key, _ in log)
    other = _Worker()
    other.catch_up(log + tombstones)
    assert other.shared.fingerprints == {} and other.shared.reports == {}


def test_a_late_entry_tombstoned_before_the_settle_does_not_hide_the_later_ones(seeds_dir: Path) -> None:
    """Regression: a late entry whose tombstone was applied first stopped the walk over the late entries."""
    one, two = seed_article(seeds_dir, "000"), seed_article(seeds_dir, "002")
    near_one = one.replace(id="000-longer", url="https://longer.example/000", text=one.text + EXTRA)
    near_two = two.replace(id="002-longer", url="https://longer.example/002", text=two.text + EXTRA)
    a, b, d, c, log = _Worker(), _Worker(), _Worker(), _Worker(), []
    decided = {
        name: worker.stage.decide([(None, article.to_json())])
        for name, worker, article in (("a", a, one), ("b", b, near_one), ("d", d, two), ("c", c, near_two))
    }
    for name, worker in (("a", a), ("b", b), ("d", d), ("c", c)):
        _write(log, worker, decided[name])
    # b lost to a: its tombstones follow; c applies b's entry, then that tombstone, before it settles
    assert _duplicates(_finish(log, b, decided["b"])) == {near_one.id: one.id}
    assert _duplicates(_finish(log, c, decided["c"])) == {near_two.id: two.id}


def test_a_race_loser_is_a_syndicated_copy_as_one_worker_marks_it(
    story: tuple[Article, Article, Article],
) -> None:
    """Issue 19: the copy that lost a race keeps the winner's source, as one worker's copy does.

    Settled unmarked, its re-issued reports named its own site as an independent source, so the merge
    stage raised a "confirmed" alert that one worker (which marks the copy syndicated) does not raise.
    """
    original, copy, _ = story
    one = _Worker().stage.process([(None, original.to_json()), (None, copy.to_json())])
    first, second, log = _Worker(), _Worker(), []
    decided_first = first.stage.decide([(None, original.to_json())])
    decided_second = second.stage.decide([(None, copy.to_json())])
    _write(log, first, decided_first)
    _write(log, second, decided_second)
    _finish(log, first, decided_first)
    raced = _finish(log, second, decided_second)

    def copies(out: ArticleOutputs) -> list[tuple[str | None, str | None]]:
        marked = (Article.from_json(v) for _, v in out.unique)
        return [(a.duplicate_of, a.syndicated_from) for a in marked if a.id == copy.id]

    def sources(out: ArticleOutputs) -> set[tuple[str, tuple[str, ...]]]:
        reports = (Event.from_json(v) for _, v in out.events)
        return {(e.key, e.sources) for e in reports if e.evidence[0].article_id == copy.id}

    assert copies(raced) == copies(one) == [(original.id, original.id)]
    assert sources(raced) == sources(one) != set()
