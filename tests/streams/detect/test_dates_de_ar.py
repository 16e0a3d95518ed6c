"""Dates of German and Arabic calls: which calls the text dates, and which take the publication day.

An undated call ("hat mit Putin telefoniert", "خلال اتصال هاتفي") is dated by the publication day and listed in
``Detection.undated``; a dated one ("gestern", "أمس") is not (docs/detection.md, "Calls the text does not date").
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
