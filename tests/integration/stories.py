"""Made-up stories for integration tests that need many distinct articles on chosen partitions."""

from __future__ import annotations

import random
from datetime import datetime

from connectors.readback import partition_for
from streams.records import Article


def url_on(partition: int, stem: str, partitions: int) -> str:
    """A URL whose record key hashes to ``partition`` of ``partitions``."""
    for n in range(1000):
        url = f"https://{stem}-{n}.example/story"
        if partition_for(url.encode(), partitions) == partition:
            return url
    raise AssertionError("no URL hashes to that partition")


class StoryWriter:
    """Stories of random words: no two are near-duplicates of each other."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        letters = "abcdefghijklmnopqrstuvwxyz"
        self.words = ["".join(self.rng.choices(letters, k=self.rng.randint(3, 9))) for _ in range(3000)]

    def sentences(self, count: int = 14) -> list[str]:
        rng = self.rng
        return [
            " ".join(rng.choices(self.words, k=rng.randint(8, 16))).capitalize() + "." for _ in range(count)
        ]

    def story(self, article_id: str, url: str, published: datetime) -> Article:
        sentences = self.sentences()
        return Article(
            id=article_id,
            url=url,
            title=sentences[0],
            text=" ".join(sentences),
            published=published,
            source_site=url.split("/")[2],
        )
