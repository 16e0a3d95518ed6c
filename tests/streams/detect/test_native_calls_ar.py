"""Arabic leader calls: "أمس الأول" and "البارحة الأولى" (the day before yesterday) date a call two days
before the report, not one (issue 15)."""

from __future__ import annotations

import pytest

from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article

_CALL = (
    "تلقى خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز اتصالا هاتفيا {when} من جلالة الملك حمد بن عيسى "
    "آل خليفة ملك مملكة البحرين."
)


def _dated_calls(engine: DetectionEngine, text: str, published: str) -> list[tuple[str, tuple[str, ...]]]:
    detection = engine.detect(make_article(text, published).replace(language="ar"))
    return [(str(e.date), tuple(sorted(p.person_id or "" for p in e.participants))) for e in detection.events]


@pytest.mark.parametrize("when", ["أمس الأول", "امس الاول", "البارحة الأولى", "أول من أمس"])
def test_the_day_before_yesterday_is_two_days_back(engine: DetectionEngine, when: str) -> None:
    assert _dated_calls(engine, _CALL.format(when=when), "2015-08-09") == [
        ("2015-08-07", ("hamad-bin-isa", "salman-bin-abdulaziz"))
    ]


def test_yesterday_alone_is_one_day_back(engine: DetectionEngine) -> None:
    assert _dated_calls(engine, _CALL.format(when="أمس"), "2015-08-09") == [
        ("2015-08-08", ("hamad-bin-isa", "salman-bin-abdulaziz"))
    ]
