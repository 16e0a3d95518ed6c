"""Ceasefires: declared and violated (alleged when accused), appeals and holding truces are not violations."""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from streams.records import EventType
from tests.streams.detect.conftest import make_article


def _events(engine: DetectionEngine, text: str, published: str) -> list[tuple[str, str, str | None, bool]]:
    return sorted(
        (e.type, e.date, e.conflict, e.alleged)
        for e in engine.detect(make_article(text, published)).events
        if e.type.startswith("ceasefire")
    )


def test_accusations_are_alleged(engine: DetectionEngine) -> None:
    text = (
        "Armenia and Azerbaijan accused each other on Tuesday of violating the ceasefire in Nagorno-Karabakh."
    )
    assert _events(engine, text, "2020-10-21") == [
        ("ceasefire_violated", "2020-10-20", "Nagorno-Karabakh", True)
    ]


def test_one_sentence_two_truces(engine: DetectionEngine) -> None:
    text = (
        "Fighting in Nagorno-Karabakh continued. The Moscow-brokered humanitarian ceasefire took effect "
        "on 10 October and was violated almost immediately, following which an announcement by Azerbaijan "
        "to declare "
        "another ceasefire on 18 October also ended with an eruption of hostilities."
    )
    violated = [e for e in _events(engine, text, "2020-10-21") if e[0] == EventType.CEASEFIRE_VIOLATED]
    assert [(d, c, a) for _, d, c, a in violated] == [
        ("2020-10-10", "Nagorno-Karabakh", False),
        ("2020-10-18", "Nagorno-Karabakh", False),
    ]


def test_appeals_and_holding_truces_are_not_events(engine: DetectionEngine) -> None:
    for text in (
        "The UN Secretary-General called for an immediate ceasefire in Nagorno-Karabakh.",
        "Yerevan is ready to engage with the co-chairs to reestablish a cease-fire regime.",
        "Armenia and Azerbaijan must strictly observe their ceasefire agreements.",
        "The truce in Yemen has largely held since April.",
        "No violations of the ceasefire were reported along the Line of Control on Thursday.",
    ):
        assert _events(engine, text, "2020-10-21") == [], text


def test_declared_with_codes(engine: DetectionEngine) -> None:
    text = "A ceasefire between Israel and Hezbollah came into force in Lebanon early on Wednesday."
    event = engine.detect(make_article(text, "2024-11-27")).events[0]
    assert (event.type, event.date, event.conflict) == ("ceasefire_declared", "2024-11-27", "Lebanon")
    assert (event.cameo, event.plover_category, event.plover_mode) == ("0871", "RETREAT", "ceasefire")
    assert event.participants == ()
