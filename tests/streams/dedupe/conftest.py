"""Fixtures for the dedupe tests: the seed articles as Article records with their README dates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.records import Article

SEED_DATES = {
    "000": "2020-11-07",
    "001": "2020-11-07",
    "002": "2020-10-02",
    "003": "2020-10-01",
    "004": "2020-10-21",
}


def seed_article(path: Path, **changes: object) -> Article:
    """A seed file as an Article published at noon UTC of its README date."""
    published = datetime.fromisoformat(SEED_DATES[path.name[:3]]).replace(hour=12, tzinfo=UTC)
    article = Article(
        id=path.stem, url="", title="", text=path.read_text(encoding="utf-8"), published=published
    )
    return article.replace(**changes) if changes else article


@pytest.fixture(scope="session")
def seeds(seeds_dir: Path) -> dict[str, Article]:
    """The five seeds keyed by their number ("000" ... "004")."""
    return {p.name[:3]: seed_article(p) for p in sorted(seeds_dir.glob("0*.txt"))}
