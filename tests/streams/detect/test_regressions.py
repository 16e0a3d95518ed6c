"""Bugs found in the detectors, each kept as a test."""

from __future__ import annotations

from datetime import UTC, datetime

from streams.detect.engine import DetectionEngine
from streams.records import Article


def test_caption_with_a_day_of_month_does_not_crash() -> None:
    # Raised OverflowError in date resolution, which dead-lettered the whole article.
    text = (
        "Russian President Vladimir Putin (L) meets Turkish President Recep Tayyip Erdogan, March 3.\n\n"
        "Putin and Erdogan spoke by phone on Tuesday about Syria, the Kremlin said."
    )
    article = Article(
        id="x", url="https://example.org/x", title="", text=text, published=datetime(2020, 3, 12, tzinfo=UTC)
    )
    events = DetectionEngine().detect(article).events
    assert [(e.type, e.date) for e in events] == [("leader_call", "2020-03-10")]
