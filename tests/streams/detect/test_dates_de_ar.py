"""Dates of German and Arabic calls: which calls the text dates, and which take the publication day.

An undated call ("hat mit Putin telefoniert", "خلال اتصال هاتفي") is dated by the publication day and listed
in ``Detection.undated``; a dated one ("gestern", "أمس") is not (docs/detection.md, "Calls the text does not
date").
"""

from __future__ import annotations

from datetime import UTC, datetime

from streams.detect.engine import DetectionEngine
from streams.records import Article


def _article(text: str, published: str, language: str) -> Article:
    moment = datetime.fromisoformat(published).replace(hour=12, tzinfo=UTC)
    return Article(
        id="t", url="https://example.org/t", title="", text=text, published=moment, language=language
    )


def _calls(engine: DetectionEngine, text: str, published: str, language: str) -> list[tuple[str, bool]]:
    """(date, undated) of each leader call found."""
    detection = engine.detect(_article(text, published, language))
    return [(e.date, e.key in detection.undated) for e in detection.events if e.type == "leader_call"]


def test_an_undated_german_call_takes_the_publication_day_and_is_marked_undated(
    engine: DetectionEngine,
) -> None:
    text = "US-Präsident Donald Trump hat mit Kremlchef Wladimir Putin telefoniert."
    assert _calls(engine, text, "2025-02-13", "de") == [("2025-02-13", True)]


def test_a_german_call_dated_yesterday_is_not_undated(engine: DetectionEngine) -> None:
    text = "US-Präsident Donald Trump hat gestern mit Kremlchef Wladimir Putin telefoniert."
    assert _calls(engine, text, "2025-02-13", "de") == [("2025-02-12", False)]


def test_an_undated_arabic_call_is_marked_undated(engine: DetectionEngine) -> None:
    text = (
        "دعا الرئيس الإيراني حسن روحاني إلى «تعاون أكبر» مع أنقرة في مكافحة التنظيمات الإرهابية، "
        "خلال مكالمة هاتفية مع نظيره التركي رجب طيب إردوغان، حسبما نقلت وكالة الأنباء الرسمية الإيرانية."
    )
    assert _calls(engine, text, "2015-08-07", "ar") == [("2015-08-07", True)]


def test_an_arabic_call_dated_yesterday_is_not_undated(engine: DetectionEngine) -> None:
    text = "أطلع الرئيس التركي رجب طيب أردوغان أمس في اتصال هاتفي نظيره الإيراني حسن روحاني على سير العمليات."
    assert _calls(engine, text, "2015-08-06", "ar") == [("2015-08-05", False)]


# An Arabic paragraph is read as one sentence: a date in a later sentence of it tells another happening.
_OBAMA_ERDOGAN = (
    "بحث الرئيس الاميركي باراك اوباما ونظيره التركي رجب طيب اردوغان خلال اتصال هاتفي الحرب في سوريا والعراق"
    " ، حسب ما اعلن البيت الابيض. وقدم اوباما تعازيه لتركيا التي شهدت هجوما اوقع {day} 32 قتيلا في سوروتش."
)


def test_a_date_in_a_later_arabic_sentence_of_the_paragraph_does_not_date_the_call(
    engine: DetectionEngine,
) -> None:
    text = _OBAMA_ERDOGAN.format(day="الثلاثاء")
    assert _calls(engine, text, "2015-07-23", "ar") == [("2015-07-23", True)]


def test_a_date_in_the_arabic_call_sentence_still_dates_it(engine: DetectionEngine) -> None:
    # Twin: the same weekday inside the call's own sentence dates the call.
    text = _OBAMA_ERDOGAN.format(day="").replace("خلال اتصال هاتفي", "خلال اتصال هاتفي الثلاثاء")
    assert _calls(engine, text, "2015-07-23", "ar") == [("2015-07-21", False)]


def test_an_abbreviation_in_a_german_sentence_does_not_cut_off_its_date(engine: DetectionEngine) -> None:
    # Twin of the Arabic full stop: "Dr." before a capital is the splitter's abbreviation, not a sentence end.
    text = "Am Montag hat Bundeskanzler Dr. Olaf Scholz mit Präsident Emmanuel Macron telefoniert."
    assert _calls(engine, text, "2024-11-20", "de") == [("2024-11-18", False)]


def _reasons(engine: DetectionEngine, text: str, published: str, language: str) -> set[str]:
    return {m.reason for m in engine.detect(_article(text, published, language)).near_misses}


def test_an_undated_german_pluperfect_with_already_is_background(engine: DetectionEngine) -> None:
    # "had already had a call", as English "had spoken": a call before the time the report tells of.
    text = (
        'Präsident Selenskyj hatte nach eigenen Angaben bereits ein "ausgezeichnetes Telefonat" '
        "mit dem US-Präsidenten."
    )
    assert _calls(engine, text, "2024-11-06", "de") == []
    assert "old_background" in _reasons(engine, text, "2024-11-06", "de")


def test_the_german_perfect_with_already_is_still_a_call(engine: DetectionEngine) -> None:
    # Twin: "hat ... bereits ... telefoniert" (perfect) reports the call as news.
    text = "Präsident Selenskyj hat nach eigenen Angaben bereits mit US-Präsident Joe Biden telefoniert."
    assert _calls(engine, text, "2024-11-06", "de") == [("2024-11-06", True)]


def test_a_dated_german_pluperfect_with_already_is_a_call_of_that_day(engine: DetectionEngine) -> None:
    # Twin: with its own day the pluperfect call is dated, not background.
    text = "Selenskyj hatte bereits am Montag mit US-Präsident Joe Biden telefoniert."
    assert _calls(engine, text, "2024-11-06", "de") == [("2024-11-04", False)]


_RUBIO_LAVROV = (
    "Das machte US-Außenminister Marco Rubio bei einem Telefonat mit seinem russischen Kollegen "
    "Sergej Lawrow deutlich. Das Gespräch fand bereits {when} statt."
)


def _contacts(engine: DetectionEngine, text: str, published: str) -> list[str]:
    events = engine.detect(_article(text, published, "de")).events
    return [e.date for e in events if e.type == "official_contact"]


def test_a_later_german_sentence_on_the_call_dates_it(engine: DetectionEngine) -> None:
    # "Das Gespräch fand bereits am Sonntag statt": the conversation took place on Sunday.
    assert _contacts(engine, _RUBIO_LAVROV.format(when="am Sonntag"), "2025-04-30") == ["2025-04-27"]


def test_a_later_german_sentence_on_the_call_without_a_day_leaves_it_undated(engine: DetectionEngine) -> None:
    # Twin: no day in the sentence that refers back: the publication day.
    assert _contacts(engine, _RUBIO_LAVROV.format(when="in angespannter Stimmung"), "2025-04-30") == [
        "2025-04-30"
    ]
