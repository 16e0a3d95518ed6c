"""A truce reported together with its breach is background to the breach, not a separate declaration."""

from __future__ import annotations

from datetime import UTC, datetime

from streams.detect.engine import DetectionEngine
from streams.records import Article, EventType


def _detect(text: str) -> list[tuple[str, str]]:
    article = Article(
        id="x", url="https://example.org/x", title="", text=text, published=datetime(2020, 10, 21, tzinfo=UTC)
    )
    return sorted((e.type, e.date) for e in DetectionEngine().detect(article).events)


def test_truce_that_took_effect_and_was_violated_is_one_violation() -> None:
    found = _detect(
        "The Moscow-brokered humanitarian ceasefire in Nagorno-Karabakh took effect on 10 October "
        "and was violated almost immediately."
    )
    assert found == [(EventType.CEASEFIRE_VIOLATED, "2020-10-10")]


def test_a_truce_taking_effect_alone_is_a_declaration() -> None:
    found = _detect("A humanitarian ceasefire in Nagorno-Karabakh took effect on Tuesday at midnight.")
    assert found == [(EventType.CEASEFIRE_DECLARED, "2020-10-20")]
