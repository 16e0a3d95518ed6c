"""agreement_signed: deals signed by named states fire in every cue language; talks towards a deal, drafts,
appeals and plans are near misses; "the two heads of state signed" takes the states and day told before."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from streams.detect.detector import ArticleText
from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article


def _signed(engine: DetectionEngine, text: str, published: str, language: str = "en") -> list[tuple]:
    article = replace(make_article(text, published), language=language)
    events = engine.detect(article).events
    return [(e.date, e.topics, e.cameo) for e in events if e.type == "agreement_signed"]


def _reasons(engine: DetectionEngine, text: str, published: str, language: str = "en") -> set[str]:
    article = replace(make_article(text, published), language=language)
    return {m.reason for m in engine.detect(article).near_misses if m.rule.startswith("agreement_signed")}


@pytest.mark.parametrize(
    ("text", "language", "date", "parties"),
    [
        ("Russia and Turkey signed a grain deal in Istanbul on Friday.", "en", "2023-03-17", ("RUS", "TUR")),
        (
            "Президенты России и Белоруссии подписали соглашение о союзном государстве.",
            "ru",
            "2023-03-22",
            ("BLR", "RUS"),
        ),
        (
            "3月20日，中国和沙特阿拉伯签署了全面战略伙伴关系协议。",
            "zh",
            "2023-03-20",
            ("CHN", "SAU"),
        ),
        (
            "وقعت المملكة العربية السعودية ومصر اتفاقية للتعاون في مجال الطاقة.",
            "ar",
            "2023-03-22",
            ("EGY", "SAU"),
        ),
    ],
)
def test_signings_by_named_states_fire(
    engine: DetectionEngine, text: str, language: str, date: str, parties: tuple[str, ...]
) -> None:
    assert _signed(engine, text, "2023-03-22", language) == [
        (date, tuple(f"party:{p}" for p in parties), "057")
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Russia and Ukraine are close to signing a grain deal, Turkish officials said.", "talks"),
        ("Russia and Ukraine will sign a grain deal in Istanbul next week.", "plan"),
        ("France and Germany signed off on a draft agreement on defence.", "draft"),
        ("The UN urged Russia and Ukraine to sign a prisoner-exchange deal.", "appeal"),
        ("Armenia and Azerbaijan signed a peace treaty in 1994, years ago.", "old_background"),
        ("Ukraine has not signed the grain deal with Russia.", "negated"),
        ("President Biden signed a partnership document at the White House on Monday.", "no_parties"),
        ("The parliaments of Russia and Azerbaijan signed a cooperation agreement.", "not_states"),
        (
            "Putin met Lukashenko in Minsk, where the accords of Russia and Ukraine were signed in a palace.",
            "old_background",
        ),
    ],
)
def test_near_misses_say_why(engine: DetectionEngine, text: str, reason: str) -> None:
    assert _signed(engine, text, "2023-03-22") == []
    assert reason in _reasons(engine, text, "2023-03-22")


def test_the_two_heads_of_state_take_the_states_and_day_of_the_lead(engine: DetectionEngine) -> None:
    text = (
        "当地时间3月21日下午，国家主席习近平在莫斯科克里姆林宫同俄罗斯总统普京举行会谈。\n\n"
        "会谈后，两国元首共同签署了《联合声明》。"
    )
    assert _signed(engine, text, "2023-03-22", "zh") == [("2023-03-21", ("party:CHN", "party:RUS"), "057")]


def test_the_states_before_come_from_the_leaders_of_the_lead_first(engine: DetectionEngine) -> None:
    """A body paragraph naming other countries ("中蒙俄经济走廊") does not make them parties: the leaders of
    the lead (Xi and the Mongolian president) do."""
    text = (
        "10月19日上午，国家主席习近平在人民大会堂会见蒙古国总统呼日勒苏赫。\n\n"
        "习近平指出，希望中蒙俄天然气管道项目尽早取得实质性进展。\n\n"
        "两国元首共同见证签署跨境铁路等多项双边合作文件。"
    )
    assert _signed(engine, text, "2023-10-19", "zh") == [("2023-10-19", ("party:CHN", "party:MNG"), "057")]


def test_english_prefilter_reads_whole_words(engine: DetectionEngine) -> None:
    """ "sign" in "design" and "signal" is no signing word: such prose is not split into sentences at all."""
    detector = next(d for d in engine.detectors if d.name == "agreement_signed")

    def article(text: str) -> ArticleText:
        lower = text.lower()
        words = {w.encode() for w in re.findall(r"[a-z]+", lower)} & detector.gate_words()
        return ArticleText(text, lower, "en", date(2023, 3, 22), frozenset(words))

    assert not detector.may_fire(article("The design signals a new deal for the assigned document."))
    assert detector.may_fire(article("Russia and Turkey signed a grain deal in Istanbul on Friday."))


def test_the_summary_names_the_signers_and_the_place(engine: DetectionEngine) -> None:
    article = make_article("Russia and Turkey signed a grain deal in Istanbul on Friday.", "2023-03-22")
    events = [e for e in engine.detect(article).events if e.type == "agreement_signed"]
    assert [e.summary for e in events] == [
        "agreement signed: Russia – Turkey, in Istanbul, 2023-03-17, reported in en"
    ]
