"""Dedupe state survives a killed worker: duplicates of articles seen before the kill are still caught."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from streams.records import Article
from streams.topics import ARTICLES_RAW, ARTICLES_UNIQUE
from tests.integration.kafka_io import produce_articles, read_all
from tests.integration.seed_articles import republished, seed_article
from tests.pipeline_harness import Pipeline, metric_sum, wait_for

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("store", ["memory://", "rocksdb://"])
def test_duplicates_after_a_killed_worker_are_still_caught(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, seeds_dir: Path, store: str
) -> None:
    """memory:// rebuilds the tables from their changelogs; rocksdb:// keeps a local copy as well."""
    pipe = Pipeline(tmp_path, kafka_bootstrap, topic_prefix, overrides={"worker": {"store": store}})
    raw_topic = f"{topic_prefix}{ARTICLES_RAW}"
    first_half = [seed_article(seeds_dir, n) for n in ("000", "002", "003", "004")]
    second_half = [seed_article(seeds_dir, "001")] + [
        republished(a, "mirror.example") for a in first_half[1:]
    ]
    try:
        pipe.start("worker")
        produce_articles(kafka_bootstrap, raw_topic, first_half)
        wait_for(
            lambda: (
                pipe.assert_running()
                or metric_sum(pipe.worker_metrics(), "newswatch_articles_unique_total") >= 4
            ),
            120,
            "the first half to be remembered",
        )
        pipe.stop("worker", sig=signal.SIGKILL)

        pipe.start("worker")
        produce_articles(kafka_bootstrap, raw_topic, second_half)
        wait_for(
            lambda: (
                pipe.assert_running()
                or metric_sum(pipe.worker_metrics(), "newswatch_articles_duplicate_total") >= 4
            ),
            120,
            "the second half to be recognised as duplicates",
        )
    finally:
        pipe.stop_all()

    records = [
        Article.from_json(v) for v in read_all(kafka_bootstrap, f"{topic_prefix}{ARTICLES_UNIQUE}", expect=8)
    ]
    duplicate_links = {a.id: a.duplicate_of for a in records if a.duplicate_of}
    assert duplicate_links == {
        "seed-001": "seed-000",
        "seed-002@mirror.example": "seed-002",
        "seed-003@mirror.example": "seed-003",
        "seed-004@mirror.example": "seed-004",
    }
    unique_ids = {a.id for a in records if not a.duplicate_of}
    assert unique_ids == {"seed-000", "seed-002", "seed-003", "seed-004"}
