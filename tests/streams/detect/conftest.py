"""Fixtures for the detection tests: one engine per session (the gazetteer load is the slow part)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import Article

SEED_DATES = {
    "000": "2020-11-07",
    "001": "2020-11-07",
    "002": "2020-10-02",
    "003": "2020-10-01",
    "004": "2020-10-21",
}


@pytest.fixture(scope="session")
def engine() -> DetectionEngine:
    return DetectionEngine()


def make_article(
    text: str, published: str = "2020-10-21", title: str = "", article_id: str = "t1"
) -> Article:
    """A test article published at noon UTC on ``published``."""
    moment = datetime.fromisoformat(published).replace(hour=12, tzinfo=UTC)
    return Article(
        id=article_id, url=f"https://example.org/{article_id}", title=title, text=text, published=moment
    )


def found_events(engine: DetectionEngine, text: str, kind: str, published: str) -> list[tuple[str, str]]:
    """(conflict or "", date) of each event of type ``kind`` the engine finds in ``text``."""
    events = engine.detect(make_article(text, published)).events
    return [(e.conflict or "", e.date) for e in events if e.type == kind]


def near_miss_reasons(engine: DetectionEngine, text: str, published: str) -> set[str]:
    """The reasons of the near misses the engine reports for ``text``."""
    return {m.reason for m in engine.detect(make_article(text, published)).near_misses}


@pytest.fixture(scope="session")
def seed_articles(seeds_dir: Path) -> dict[str, Article]:
    articles = {}
    for path in sorted(seeds_dir.glob("0*.txt")):
        prefix = path.name[:3]
        articles[prefix] = make_article(
            path.read_text(encoding="utf-8"), SEED_DATES[prefix], article_id=path.stem
        )
    return articles
