"""Turkish leader calls: "X, A ve B ile telefonda görüştü" is X's call with A and X's call with B;
"seçilmiş" before an office names its next holder; a surname the gazetteer does not list, learnt from its
office elsewhere in the article, is that leader when it stands alone (issue 15)."""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article


def _calls(engine: DetectionEngine, text: str, published: str) -> list[tuple[str, ...]]:
    detection = engine.detect(make_article(text, published).replace(language="tr"))
    return sorted(tuple(sorted(p.person_id or "" for p in e.participants)) for e in detection.events)


def test_a_subject_phoning_two_counterparts_makes_two_calls(engine: DetectionEngine) -> None:
    text = (
        "Cumhurbaşkanı Erdoğan, Rusya Devlet Başkanı Vladimir Putin ve Fransa Cumhurbaşkanı Emmanuel Macron "
        "ile telefonda görüştü."
    )
    assert _calls(engine, text, "2022-03-10") == [
        ("erdogan-recep-tayyip", "macron-emmanuel"),
        ("erdogan-recep-tayyip", "putin-vladimir"),
    ]


def test_one_counterpart_with_a_suffix_is_one_call(engine: DetectionEngine) -> None:
    assert _calls(engine, "Erdoğan, Putin'le telefonda görüştü.", "2022-03-10") == [
        ("erdogan-recep-tayyip", "putin-vladimir")
    ]


def test_the_next_holder_of_an_office_is_nobody_in_office(engine: DetectionEngine) -> None:
    text = "Cumhurbaşkanı Erdoğan, seçilmiş ABD Başkanı ile telefonda görüştü."
    assert _calls(engine, text, "2024-11-08") == []
    assert _calls(engine, text.replace("seçilmiş ", ""), "2024-11-08") == [
        ("biden-joe", "erdogan-recep-tayyip")
    ]


def test_a_surname_learnt_from_its_office_names_the_subject_of_the_headline(engine: DetectionEngine) -> None:
    text = (
        "May, Trump ve Merkel ile telefonda görüştü. İngiltere Başbakanı May'in Trump ve Merkel ile "
        "görüşmelerinde son gelişmeleri ele aldığı bildirildi."
    )
    assert _calls(engine, text, "2018-03-13") == [
        ("may-theresa", "merkel-angela"),
        ("may-theresa", "trump-donald"),
    ]
