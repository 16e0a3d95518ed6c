"""Native calls dated or rejected by what the article says around them (issue 15, Arabic real texts)."""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article


def _calls(engine: DetectionEngine, text: str, published: str) -> list[tuple[tuple[str, ...], str]]:
    detection = engine.detect(make_article(text, published).replace(language="ar"))
    return sorted(
        (tuple(sorted(p.person_id or "" for p in e.participants)), e.date) for e in detection.events
    )


def test_an_undated_call_takes_the_date_a_later_sentence_gives_the_call(engine: DetectionEngine) -> None:
    text = (
        "بحث الرئيس الأفغاني أشرف غني في اتصال هاتفي برئيس الوزراء الباكستاني نواز شريف العلاقات الثنائية.\n"
        "وأوضح التلفزيون الحكومي الباكستاني اليوم أن الجانبين ركزا خلال الاتصال الذي جرى الليلة الماضية "
        "على جهود المصالحة."
    )
    assert _calls(engine, text, "2015-08-10") == [(("ghani-ashraf", "sharif-nawaz"), "2015-08-09")]


def test_a_call_dated_in_its_own_sentence_keeps_its_date(engine: DetectionEngine) -> None:
    text = (
        "أجرى الرئيس الأفغاني أشرف غني اتصالا هاتفيا اليوم برئيس الوزراء الباكستاني نواز شريف.\n"
        "وقال إن الجانبين ركزا خلال الاتصال الذي جرى على جهود المصالحة التي بدأت قبل أسبوع."
    )
    assert _calls(engine, text, "2015-08-10") == [(("ghani-ashraf", "sharif-nawaz"), "2015-08-10")]


def test_the_kings_deputy_is_not_the_king(engine: DetectionEngine) -> None:
    deputy = (
        "تلقى نائب خادم الحرمين الشريفين صاحب السمو الملكي الأمير محمد بن نايف اتصالاً هاتفياً اليوم من الملك "
        "محمد السادس ملك المملكة المغربية."
    )
    assert _calls(engine, deputy, "2015-08-06") == []
    king = deputy.replace(
        "نائب خادم الحرمين الشريفين صاحب السمو الملكي الأمير محمد بن نايف", "خادم الحرمين الشريفين"
    )
    assert _calls(engine, king, "2015-08-06") == [
        (("mohammed-vi-morocco", "salman-bin-abdulaziz"), "2015-08-06")
    ]


def test_according_to_starts_a_new_clause(engine: DetectionEngine) -> None:
    text = (
        "أطلع الرئيس التركي رجب طيب أردوغان أمس الأربعاء في اتصال هاتفي نظيره الإيراني حسن روحاني على سير "
        "العمليات في سوريا، وبحسب المعلومات الواردة فإن الرئيس السوري بشار الأسد لم يكن طرفا."
    )
    assert _calls(engine, text, "2015-08-06") == [(("erdogan-recep-tayyip", "rouhani-hassan"), "2015-08-05")]


def test_a_crown_prince_who_is_also_prime_minister_is_a_leader(engine: DetectionEngine) -> None:
    detection = engine.detect(
        make_article("3月28日，国家主席习近平同沙特王储兼首相穆罕默德通电话。", "2023-03-28")
    )
    assert [(e.type, sorted(p.person_id or "" for p in e.participants)) for e in detection.events] == [
        ("leader_call", ["mohammed-bin-salman", "xi-jinping"])
    ]


def _violations(engine: DetectionEngine, text: str, published: str) -> list[tuple[str | None, str]]:
    detection = engine.detect(make_article(text, published).replace(language="ru"))
    return [(e.conflict, e.date) for e in detection.events if e.type == "ceasefire_violated"]


def test_a_violation_told_in_the_sentence_after_the_truce_is_found(engine: DetectionEngine) -> None:
    # Sentences now end before a Cyrillic capital, so the accusation stands in a sentence of its own.
    truce = "Третий день перемирия в секторе Газа, которое едва не закончилось досрочно."
    accused = "Движение ХАМАС накануне обвинило Израиль в нарушении условий сделки."
    assert _violations(engine, f"{truce} {accused}", "2023-11-26") == [("Gaza", "2023-11-25")]
    # Not after a sentence naming a truce, or in another paragraph: no violation.
    assert (
        _violations(engine, f"Обстановка в секторе Газа остаётся напряжённой. {accused}", "2023-11-26") == []
    )
    assert _violations(engine, f"{truce}\n\n{accused}", "2023-11-26") == []
