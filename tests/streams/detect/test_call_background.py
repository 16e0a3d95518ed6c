"""Calls told as background in a later article are old, not new (issue 16, time in long texts)."""

from __future__ import annotations

from typing import Any

from streams.detect.engine import DetectionEngine
from streams.records import EventType
from tests.streams.detect.conftest import make_article, near_miss_reasons


def _calls(engine: DetectionEngine, text: str, published: str = "2020-09-22") -> list[Any]:
    events = engine.detect(make_article(text, published)).events
    return [
        (tuple(sorted(p.person_id or p.name for p in e.participants)), e.date)
        for e in events
        if e.type == EventType.LEADER_CALL
    ]


def _reasons(engine: DetectionEngine, text: str, published: str = "2020-09-22") -> set[str]:
    return near_miss_reasons(engine, text, published)


def test_the_call_that_led_to_an_impeachment_is_background(engine: DetectionEngine) -> None:
    text = (
        "Trump complained that he was originally impeached over a 'perfect phone call' with "
        "Ukrainian President Volodymyr Zelensky."
    )
    assert _calls(engine, text) == []
    assert "old_background" in _reasons(engine, text)


def test_twin_a_call_told_as_news_is_a_call(engine: DetectionEngine) -> None:
    text = "Trump held a phone call with Ukrainian President Volodymyr Zelensky on Monday."
    assert _calls(engine, text) == [(("trump-donald", "zelensky-volodymyr"), "2020-09-21")]


def test_a_date_naming_a_coming_summit_does_not_date_the_call(engine: DetectionEngine) -> None:
    text = (
        "President Biden spoke with Canadian Prime Minister Justin Trudeau regarding preparations for the "
        "April 22-23 Leaders Summit on Climate."
    )
    title = "Readout of President Joseph R. Biden, Jr. Call with Prime Minister Justin Trudeau of Canada"
    events = engine.detect(make_article(text, "2021-04-21", title=title)).events
    calls = [(sorted(p.person_id or "" for p in e.participants), e.date) for e in events]
    assert calls == [(["biden-joe", "trudeau-justin"], "2021-04-21")]


def test_twin_a_call_dated_after_publication_is_still_a_plan(engine: DetectionEngine) -> None:
    text = "President Biden will speak by phone with Canadian Prime Minister Justin Trudeau on April 22."
    assert _calls(engine, text, published="2021-04-21") == []
    assert "plan" in _reasons(engine, text, published="2021-04-21")


def test_a_call_known_by_a_country_name_is_background(engine: DetectionEngine) -> None:
    text = (
        "In the Ukraine call to President Volodymyr Zelensky that Trump defended as 'perfect,' "
        "he asked his counterpart about investigating rival Joe Biden."
    )
    assert _calls(engine, text) == []
    assert "old_background" in _reasons(engine, text)


def test_twin_the_call_named_by_a_country_with_a_date_is_a_call(engine: DetectionEngine) -> None:
    text = "In the Ukraine call on Monday, Trump told President Volodymyr Zelensky he would visit Kyiv."
    assert _calls(engine, text) == [(("trump-donald", "zelensky-volodymyr"), "2020-09-21")]
