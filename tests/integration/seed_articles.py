"""The seed articles as the integration tests send them: with a URL and a date, and republished copies."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from streams.records import Article

PUBLISHED = {
    "000": "2020-11-07T20:00:00+00:00",
    "001": "2020-11-07T20:00:00+00:00",
    "002": "2020-10-02T18:00:00+00:00",
    "003": "2020-10-01T09:00:00+00:00",
    "004": "2020-10-21T12:00:00+00:00",
}


def seed_article(seeds_dir: Path, number: str) -> Article:
    """Seed ``number`` ("000" ... "004") as sent by origin.example, dated as its story."""
    path = next(seeds_dir.glob(f"{number}_*.txt"))
    return Article(
        id=f"seed-{number}",
        url=f"https://origin.example/{number}",
        title="",
        text=path.read_text(encoding="utf-8"),
        published=datetime.fromisoformat(PUBLISHED[number]),
        source_site="origin.example",
    )


def republished(original: Article, site: str) -> Article:
    """The same story on another site: new URL and headline, curly quotes, re-wrapped whitespace."""
    text = original.text.replace('"', "\u201c").replace("  ", " ").replace("\n", "\n\n")
    return original.replace(
        id=f"{original.id}@{site}",
        url=f"https://{site}/story/{original.id}",
        title=f"REPOST: {original.title}",
        text=text,
        source_site=site,
    )
