"""Two workers in one consumer group share the dedupe and report state through the real broker.

Each copy of a seed is sent to the other partition than its original, so the worker that decides it is
not the one that remembered the original: it must find the original's fingerprint and its reports, which
the other worker wrote to the shared state log (``streams/worker/state_log.py``). Then a burst of stories
whose copies go to both workers at once: every copy is found, none is kept by both workers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.readback import partition_for
from streams.records import Article
from streams.topics import ARTICLES_RAW, ARTICLES_UNIQUE
from tests.integration.kafka_io import produce_articles, read_all
from tests.integration.seed_articles import republished, seed_article
from tests.integration.stories import StoryWriter, url_on
from tests.pipeline_harness import Pipeline, metric_sum, wait_for

pytestmark = pytest.mark.integration

PARTITIONS = 2  # the harness's partition count: one partition per worker
BURST_STORIES = 400  # stories in the burst, each sent twice at once (original and copy, one per worker)


def _copy_on_the_other_partition(original: Article) -> Article:
    """A republished copy whose URL (the record key) hashes to the other partition than the original's."""
    home = partition_for(original.url.encode(), PARTITIONS)
    for n in range(100):
        copy = republished(original, f"mirror{n}.example")
        if partition_for(copy.url.encode(), PARTITIONS) != home:
            return copy
    raise AssertionError("no mirror site hashes to the other partition")


def _burst(seed: int) -> list[tuple[Article, Article]]:
    """Distinct stories and an exact or near copy of each, the original and its copy on both partitions."""
    writer = StoryWriter(seed)
    published = datetime(2026, 3, 1, 12, tzinfo=UTC)
    pairs = []
    for n in range(BURST_STORIES):
        home = n % PARTITIONS
        original = writer.story(
            f"burst-{seed}-{n}", url_on(home, f"origin{n}", PARTITIONS), published + timedelta(seconds=n)
        )
        extra = "" if n % 2 else " " + writer.sentences(1)[0]  # an exact copy, or near: one sentence more
        copy = original.replace(
            id=f"{original.id}-copy",
            url=url_on(1 - home, f"mirror{n}", PARTITIONS),
            text=original.text + extra,
            source_site="mirror.example",
        )
        pairs.append((original, copy))
    return pairs


def _rebalances_done(pipe: Pipeline) -> float:
    """Rebalances this worker finished, recovery included (every member counts its own)."""
    pipe.assert_running()
    return metric_sum(pipe.worker_metrics(), "newswatch_faust_rebalance_done_latency_count")


def _total(pipes: list[Pipeline], name: str) -> float:
    return sum(metric_sum(pipe.worker_metrics(), name) for pipe in pipes)


def test_two_workers_find_each_others_originals_and_reports(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, seeds_dir: Path
) -> None:
    # Same prefix, hence the same topics and Faust app id (one group); own folders and ports each.
    first, second = (Pipeline(tmp_path / name, kafka_bootstrap, topic_prefix) for name in ("a", "b"))
    pipes = [first, second]
    raw_topic = f"{topic_prefix}{ARTICLES_RAW}"
    originals = [seed_article(seeds_dir, n) for n in ("000", "002", "003", "004")]
    copies = [_copy_on_the_other_partition(a) for a in originals]
    try:
        first.start("worker")
        wait_for(lambda: _rebalances_done(first) >= 1, 120, "the first worker to own every partition")
        second.start("worker")  # joins the group: the partitions are split between the two
        wait_for(
            lambda: _rebalances_done(second) >= 1 and _rebalances_done(first) >= 2,
            120,
            "the shared assignment",
        )

        produce_articles(kafka_bootstrap, raw_topic, originals)
        wait_for(
            lambda: _total(pipes, "newswatch_articles_unique_total") >= len(originals),
            120,
            "the originals to be remembered",
        )
        original_reports = _total(pipes, "newswatch_event_reports_total")
        assert original_reports > 0

        wait_for(  # each worker applied the other's fingerprints from the changelog
            lambda: _total(pipes, "newswatch_dedupe_changelog_lag_seconds_count") >= len(originals),
            60,
            "the fingerprints to reach the other worker",
        )
        produce_articles(kafka_bootstrap, raw_topic, copies)
        wait_for(
            lambda: (
                _total(pipes, "newswatch_articles_unique_total")
                + _total(pipes, "newswatch_articles_duplicate_total")
                >= len(originals) + len(copies)
            ),
            120,
            "the copies to be decided",
        )
        duplicates = _total(pipes, "newswatch_articles_duplicate_total")
        decided_before_burst = duplicates + _total(pipes, "newswatch_articles_unique_total")
        copy_reports = _total(pipes, "newswatch_event_reports_total") - original_reports
        raced = _total(pipes, "newswatch_dedupe_cross_worker_duplicates_total")
        lag_count = _total(pipes, "newswatch_dedupe_changelog_lag_seconds_count")
        lag_mean = _total(pipes, "newswatch_dedupe_changelog_lag_seconds_sum") / max(1.0, lag_count)
        received = [metric_sum(p.worker_metrics(), "newswatch_articles_received_total") for p in pipes]

        # The burst: each story and its copy at once, one per worker, as in a backlog drain.
        pairs = _burst(19)
        produce_articles(kafka_bootstrap, raw_topic, [article for pair in pairs for article in pair])
        wait_for(
            lambda: (
                _total(pipes, "newswatch_articles_unique_total")
                + _total(pipes, "newswatch_articles_duplicate_total")
                >= decided_before_burst + 2 * len(pairs)
            ),
            240,
            "the burst to be decided",
        )
        settled = _total(pipes, "newswatch_dedupe_cross_worker_duplicates_total")
        burst_received = [metric_sum(p.worker_metrics(), "newswatch_articles_received_total") for p in pipes]
    finally:
        for pipe in pipes:
            pipe.stop_all()

    print(
        f"SCALE-OUT duplicates {duplicates:.0f}/{len(copies)}, copies' reports {copy_reports:.0f}"
        f" (originals' {original_reports:.0f}), workers received {received},"
        f" changelog lag {lag_mean * 1000:.0f} ms mean over {lag_count:.0f} records"
    )
    assert all(received), f"a worker received nothing, so nothing crossed workers: {received}"
    assert duplicates == len(copies)
    assert copy_reports == original_reports  # each copy re-issued its original's reports
    assert raced == 0
    records = [
        Article.from_json(v)
        for v in read_all(
            kafka_bootstrap, f"{topic_prefix}{ARTICLES_UNIQUE}", expect=len(originals) + len(copies)
        )
    ]
    assert {a.id: a.duplicate_of for a in records if a.duplicate_of and a.id.startswith("seed-")} == {
        copy.id: original.id for copy, original in zip(copies, originals, strict=True)
    }

    stored = [
        Article.from_json(v)
        for v in read_all(
            kafka_bootstrap,
            f"{topic_prefix}{ARTICLES_UNIQUE}",
            expect=len(originals) + len(copies) + 2 * len(pairs),
        )
    ]
    decided = {a.id: a.duplicate_of for a in stored if a.id.startswith("burst-")}
    kept_twice = [o.id for o, c in pairs if decided.get(o.id, "?") is None and decided.get(c.id, "?") is None]
    missing = [o.id for o, c in pairs if decided.get(o.id) != c.id and decided.get(c.id) != o.id]
    print(
        f"SCALE-OUT burst: {len(pairs)} stories sent twice at once, received {burst_received},"
        f" races settled by the log {settled:.0f}, kept twice {len(kept_twice)},"
        f" copies not found {len(missing)}"
    )
    assert all(n > received[i] for i, n in enumerate(burst_received)), "the burst must reach both workers"
    assert kept_twice == []  # no story kept by both workers
    assert missing == []  # every copy found: one of each pair points at the other
