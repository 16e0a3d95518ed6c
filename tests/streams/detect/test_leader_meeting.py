"""leader_meeting: leaders meeting in person fire in every cue language; plans, calls, cancellations,
ministers and old meetings are near misses with their reason."""

from __future__ import annotations

from dataclasses import replace

import pytest

from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article


def _meetings(engine: DetectionEngine, text: str, published: str, language: str = "en") -> list[tuple]:
    article = replace(make_article(text, published), language=language)
    events = engine.detect(article).events
    return [
        (e.date, tuple(sorted(p.person_id or "" for p in e.participants)), e.cameo)
        for e in events
        if e.type == "leader_meeting"
    ]


def _reasons(engine: DetectionEngine, text: str, published: str, language: str = "en") -> set[str]:
    article = replace(make_article(text, published), language=language)
    # The engine keeps one near miss per sentence and reason (a call detector's "plan" may stand for ours).
    return {m.reason for m in engine.detect(article).near_misses}


@pytest.mark.parametrize(
    ("text", "language", "date", "people"),
    [
        (
            "President Vladimir Putin met with Turkish President Recep Tayyip Erdogan in Sochi on Monday.",
            "en",
            "2023-03-20",
            ("erdogan-recep-tayyip", "putin-vladimir"),
        ),
        (
            "Владимир Путин провел переговоры с Александром Лукашенко в Ново-Огареве.",
            "ru",
            "2023-03-22",
            ("lukashenko-alexander", "putin-vladimir"),
        ),
        (
            "当地时间3月21日下午，国家主席习近平在莫斯科克里姆林宫同俄罗斯总统普京举行会谈。",
            "zh",
            "2023-03-21",
            ("putin-vladimir", "xi-jinping"),
        ),
        (
            "استقبل خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز الرئيس المصري عبدالفتاح السيسي.",
            "ar",
            "2023-03-22",
            ("salman-bin-abdulaziz", "sisi-abdel-fattah"),
        ),
    ],
)
def test_meetings_of_leaders_fire(
    engine: DetectionEngine, text: str, language: str, date: str, people: tuple[str, ...]
) -> None:
    assert _meetings(engine, text, "2023-03-22", language) == [(date, people, "043")]


@pytest.mark.parametrize(
    ("text", "language", "reason"),
    [
        ("Putin will meet Turkish President Erdogan in Ankara next week.", "en", "plan"),
        ("Putin and Erdogan met by video link on Monday.", "en", "call"),
        ("President Putin hosted Turkish President Erdogan for a virtual bilateral meeting.", "en", "call"),
        ("Erdogan cancelled his meeting with Putin in Sochi.", "en", "cancelled"),
        ("Putin first met Erdogan in Ankara years ago.", "en", "old_background"),
        ("Putin met Turkish Foreign Minister Mevlut Cavusoglu in Moscow.", "en", "not_leaders"),
        ("Владимир Путин и Реджеп Эрдоган встретятся на следующей неделе, сообщили в Кремле.", "ru", "plan"),
        ("国家主席习近平将于下周同俄罗斯总统普京举行会谈。", "zh", "plan"),
    ],
)
def test_near_misses_say_why(engine: DetectionEngine, text: str, language: str, reason: str) -> None:
    assert _meetings(engine, text, "2023-03-22", language) == []
    assert reason in _reasons(engine, text, "2023-03-22", language)


def test_a_chinese_vice_president_is_no_leader(engine: DetectionEngine) -> None:
    text = "10月18日下午，国家主席习近平在人民大会堂会见来华出席论坛的尼日利亚副总统谢蒂马。"
    assert _meetings(engine, text, "2023-10-19", "zh") == []


def test_a_summit_counts_every_leader_of_its_sentence(engine: DetectionEngine) -> None:
    text = (
        "5月19日上午，国家主席习近平在陕西省西安市主持首届中国－中亚峰会。哈萨克斯坦总统托卡耶夫、"
        "乌兹别克斯坦总统米尔济约耶夫出席。"
    )
    found = _meetings(engine, text, "2023-05-19", "zh")
    assert found == [("2023-05-19", ("mirziyoyev-shavkat", "tokayev-kassym-jomart", "xi-jinping"), "044")]


def test_the_town_named_near_the_cue_is_the_place(engine: DetectionEngine) -> None:
    text = (
        "当地时间3月21日下午，国家主席习近平在莫斯科克里姆林宫同俄罗斯总统普京举行会谈。\n\n"
        "普京热烈欢迎习近平对俄罗斯进行国事访问。"
    )
    article = replace(make_article(text, "2023-03-22"), language="zh")
    meetings = [e for e in engine.detect(article).events if e.type == "leader_meeting"]
    # One meeting: the later paragraph naming no place is the same one, and the event keeps Moscow.
    assert [(e.date, e.place.name if e.place else None) for e in meetings] == [("2023-03-21", "Moscow")]
