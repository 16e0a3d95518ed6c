"""Ceasefire violations in other languages: headlines dated by their lead, purposes, threats, tallies and
breaches recalled weeks later (issue 15). Each rule with its near-miss twin."""

from __future__ import annotations

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import EventType
from tests.streams.detect.conftest import make_article


def _detect(
    engine: DetectionEngine, text: str, language: str, published: str, title: str = ""
) -> tuple[list[tuple[str, str]], set[str]]:
    """(conflict, date) of each violation found, and the reasons of the near misses."""
    article = make_article(text, published, title=title).replace(language=language)
    detection = engine.detect(article)
    found = [(e.conflict or "", e.date) for e in detection.events if e.type == EventType.CEASEFIRE_VIOLATED]
    return found, {m.reason for m in detection.near_misses}


# -- an undated headline takes the day its lead states ---------------------------------------------------

_FR_TITLE = "Le Kremlin reproche à l'Azerbaïdjan d'avoir violé le cessez-le-feu au Haut-Karabakh"
_FR_LEAD = (
    "L'armée russe a indiqué, samedi, que des soldats azerbaïdjanais avaient franchi la ligne de contact. "
    "Elle demande leur retrait."
)
_FR_OTHER_LEAD = "Le Japon a annoncé, samedi, une hausse de son budget militaire. Le vote aura lieu en mai."


def test_an_undated_headline_takes_the_day_of_its_lead(engine: DetectionEngine) -> None:
    found, _ = _detect(engine, _FR_LEAD, "fr", "2022-03-27", title=_FR_TITLE)
    assert found == [("Nagorno-Karabakh", "2022-03-26")]


def test_twin_a_lead_telling_another_story_lends_no_day(engine: DetectionEngine) -> None:
    found, _ = _detect(engine, _FR_OTHER_LEAD, "fr", "2022-03-27", title=_FR_TITLE)
    assert found == [("Nagorno-Karabakh", "2022-03-27")]


def test_a_chinese_subheading_takes_the_day_of_its_paragraph(engine: DetectionEngine) -> None:
    text = "**哈马斯谴责以色列违反停火协议**\n\n以色列国防部18日宣布继续关闭加沙口岸。哈马斯随后发表声明。"
    found, _ = _detect(engine, text, "zh", "2025-10-19")
    assert found == [("Gaza", "2025-10-18")]


def test_twin_a_line_that_ends_a_sentence_is_no_heading(engine: DetectionEngine) -> None:
    text = "哈马斯谴责以色列违反停火协议。\n\n以色列国防部18日宣布继续关闭加沙口岸。哈马斯随后发表声明。"
    found, _ = _detect(engine, text, "zh", "2025-10-19")
    assert found == [("Gaza", "2025-10-19")]


def test_an_english_headline_takes_the_day_of_its_lead(engine: DetectionEngine) -> None:
    title = "Russia accuses Azerbaijan of violating the Karabakh ceasefire"
    lead = "Russia's defence ministry said on Saturday that Azerbaijani troops had crossed the contact line."
    found, _ = _detect(engine, lead, "en", "2022-03-27", title=title)
    assert found == [("Nagorno-Karabakh", "2022-03-26")]


def test_twin_an_english_lead_of_another_story_lends_no_day(engine: DetectionEngine) -> None:
    title = "Russia accuses Azerbaijan of violating the Karabakh ceasefire"
    lead = "Japan said on Saturday that it would raise its defence budget by a fifth."
    found, _ = _detect(engine, lead, "en", "2022-03-27", title=title)
    assert found == [("Nagorno-Karabakh", "2022-03-27")]


# -- what a mission is for, a threat, a tally ------------------------------------------------------------


def test_a_purpose_clause_reports_no_violation(engine: DetectionEngine) -> None:
    text = (
        "L'Union européenne a déployé des observateurs en Arménie dans le but de prévenir les violations "
        "du cessez-le-feu au Karabakh."
    )
    found, reasons = _detect(engine, text, "fr", "2024-01-17")
    assert found == []
    assert "purpose" in reasons


def test_twin_observers_who_report_a_violation_report_one(engine: DetectionEngine) -> None:
    text = "Les observateurs ont constaté mardi des violations du cessez-le-feu au Karabakh."
    found, _ = _detect(engine, text, "fr", "2024-01-17")
    assert found == [("Nagorno-Karabakh", "2024-01-16")]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh", "以色列国防部长称，如果黎以停火协议破裂，以色列将强力回应。"),
        ("zh", "以色列总理称，对真主党任何违反停火协议的行为，以色列都将以武力回应。"),
        ("ar", "وأكد التحالف أنه سيرد على الخروقات في حال عدم التزام المتمردين بالهدنة في اليمن."),
    ],
)
def test_a_threatened_violation_is_conditional(engine: DetectionEngine, language: str, text: str) -> None:
    found, reasons = _detect(engine, text, language, "2024-12-04")
    assert found == []
    assert "conditional" in reasons


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("zh", "以色列军队3日违反停火协议，袭击了黎巴嫩南部村镇。", ("Lebanon", "2024-12-03")),
        ("ar", "أفادت مصادر يوم الثلاثاء بخرق المتمردين الهدنة في اليمن.", ("Yemen", "2024-12-03")),
    ],
)
def test_twin_a_violation_told_as_done_is_found(
    engine: DetectionEngine, language: str, text: str, expected: tuple[str, str]
) -> None:
    found, _ = _detect(engine, text, language, "2024-12-04")
    assert found == [expected]


def test_an_undated_tally_of_repeated_violations_is_background(engine: DetectionEngine) -> None:
    text = (
        "Le rapport cite le blocus du corridor de Latchine et les violations répétées de la déclaration "
        "de cessez-le-feu au Karabakh."
    )
    found, reasons = _detect(engine, text, "fr", "2023-09-06")
    assert found == []
    assert "old_background" in reasons


def test_twin_a_statement_of_the_day_about_repeated_violations_is_reported(engine: DetectionEngine) -> None:
    found, _ = _detect(engine, "哈马斯10日发表声明，指责以色列多次破坏加沙停火协议。", "zh", "2025-11-11")
    assert found == [("Gaza", "2025-11-10")]


def test_twin_an_undated_chinese_tally_is_background(engine: DetectionEngine) -> None:
    found, reasons = _detect(engine, "哈马斯指责以色列多次破坏加沙停火协议。", "zh", "2025-11-11")
    assert found == []
    assert "old_background" in reasons


# -- the day of "that day", breaches recalled weeks later, the conflict of two named states ---------------


def test_that_day_is_the_day_named_before_it_in_the_sentence(engine: DetectionEngine) -> None:
    found, _ = _detect(engine, "据黎巴嫩通讯社3日报道，以色列军队当天再次违反停火协议。", "zh", "2024-12-04")
    assert found == [("Lebanon", "2024-12-03")]


def test_twin_that_day_alone_is_the_publication_day(engine: DetectionEngine) -> None:
    found, _ = _detect(engine, "据黎巴嫩通讯社报道，以色列军队当天再次违反停火协议。", "zh", "2024-12-04")
    assert found == [("Lebanon", "2024-12-04")]


_RECALL_FR = "Le 14 septembre, Bakou a rompu le cessez-le-feu et frappé le territoire arménien."


def test_a_violation_dated_five_weeks_before_is_recalled(engine: DetectionEngine) -> None:
    found, reasons = _detect(engine, _RECALL_FR, "fr", "2022-10-21")
    assert found == []
    assert "old_background" in reasons


def test_twin_a_violation_dated_a_week_before_is_reported(engine: DetectionEngine) -> None:
    found, _ = _detect(engine, _RECALL_FR, "fr", "2022-09-21")
    assert len(found) == 1 and found[0][1] == "2022-09-14"


_RECALL_EN = "On September 14, Azerbaijan broke the ceasefire in Nagorno-Karabakh and shelled Armenian towns."


def test_an_english_violation_dated_five_weeks_before_is_recalled(engine: DetectionEngine) -> None:
    found, _ = _detect(engine, _RECALL_EN, "en", "2022-10-21")
    assert found == []


def test_twin_an_english_violation_dated_a_week_before_is_reported(engine: DetectionEngine) -> None:
    found, _ = _detect(engine, _RECALL_EN, "en", "2022-09-21")
    assert found == [("Nagorno-Karabakh", "2022-09-14")]


def test_armenia_and_azerbaijan_name_their_conflict_not_one_named_before(engine: DetectionEngine) -> None:
    text = (
        "La Russie a subi des pertes en Ukraine. "
        "Mardi, l'Arménie et l'Azerbaïdjan ont connu une nouvelle crise, Bakou ayant rompu le cessez-le-feu."
    )
    found, _ = _detect(engine, text, "fr", "2022-09-14")
    assert found == [("Nagorno-Karabakh", "2022-09-13")]


def test_twin_a_breach_named_with_ukraine_alone_stays_ukraine(engine: DetectionEngine) -> None:
    text = "La Russie a subi des pertes en Ukraine. Mardi, Moscou a rompu le cessez-le-feu de Pâques."
    found, _ = _detect(engine, text, "fr", "2022-09-14")
    assert found == [("Ukraine", "2022-09-13")]
