"""Gaps the multilingual real-text set showed (issue 15): "that same day", Arabic spellings and clitics."""

from __future__ import annotations

from datetime import date

from streams.detect.dates import find_dates
from streams.detect.engine import DetectionEngine
from streams.records import EventType
from tests.streams.detect.conftest import make_article


def _calls(engine: DetectionEngine, text: str, published: str) -> list[tuple[tuple[str, ...], str]]:
    events = engine.detect(make_article(text, published)).events
    return [
        (tuple(sorted(p.person_id or p.name for p in e.participants)), e.date)
        for e in events
        if e.type == EventType.LEADER_CALL
    ]


def test_same_day_takes_the_date_named_before_it() -> None:
    found = find_dates(
        "克里姆林宫12日发布消息说，当天俄罗斯总统普京与法国领导人通话", date(2022, 3, 13), "zh"
    )
    assert [m.day for m in found] == [date(2022, 3, 12), date(2022, 3, 12)]


def test_twin_same_day_alone_is_the_publication_day() -> None:
    found = find_dates("俄罗斯总统普京当天与法国总统马克龙通电话", date(2022, 3, 13), "zh")
    assert [m.day for m in found] == [date(2022, 3, 13)]


def test_chinese_call_on_the_same_day_as_the_statement(engine: DetectionEngine) -> None:
    text = "克里姆林宫12日发布消息说，当天俄罗斯总统普京与法国总统马克龙通电话。"
    assert _calls(engine, text, "2022-03-13") == [(("macron-emmanuel", "putin-vladimir"), "2022-03-12")]


def test_arabic_names_written_without_hamza(engine: DetectionEngine) -> None:
    text = "بحث الرئيس الاميركي باراك اوباما ونظيره التركي رجب طيب اردوغان خلال اتصال هاتفي الأربعاء"
    assert _calls(engine, text, "2015-07-24") == [(("erdogan-recep-tayyip", "obama-barack"), "2015-07-22")]


def test_arabic_discussed_is_not_urged(engine: DetectionEngine) -> None:
    text = "بحث الرئيس الأمريكي باراك أوباما ونظيره التركي رجب طيب أردوغان، خلال اتصال هاتفي الأربعاء، الحرب"
    assert _calls(engine, text, "2015-07-24") == [(("erdogan-recep-tayyip", "obama-barack"), "2015-07-22")]


def test_twin_arabic_urged_is_still_an_appeal(engine: DetectionEngine) -> None:
    text = "وحث الرئيس الأمريكي باراك أوباما نظيره التركي رجب طيب أردوغان على اتصال هاتفي مع بوتين"
    reasons = {m.reason for m in engine.detect(make_article(text, "2015-07-24")).near_misses}
    assert _calls(engine, text, "2015-07-24") == []
    assert "appeal" in reasons


def test_arabic_last_night_is_the_day_before() -> None:
    found = find_dates("خلال الاتصال الذي جرى الليلة الماضية", date(2015, 8, 10), "ar")
    assert [m.day for m in found] == [date(2015, 8, 9)]
