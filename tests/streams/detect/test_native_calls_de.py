"""German leader calls: the chancellor as "der Kanzler", "beide" naming the pair before, calls summed up;
a call dated by a month alone is background, what is said after a call names no participant, a call
"kommende Woche" is planned (issue 15, the German real texts; sentences written here in their shape)."""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article


def _calls(engine: DetectionEngine, text: str, published: str) -> list[tuple[tuple[str, ...], str]]:
    detection = engine.detect(make_article(text, published).replace(language="de"))
    return sorted(
        (tuple(sorted(p.person_id or "" for p in e.participants)), e.date)
        for e in detection.events
        if e.type == "leader_call"
    )


def test_der_kanzler_is_the_german_chancellor_of_the_day(engine: DetectionEngine) -> None:
    text = (
        "In einem Telefongespräch mit dem ukrainischen Präsidenten Wolodymyr Selenskyj sicherte der "
        "Kanzler weitere Hilfe zu."
    )
    assert _calls(engine, text, "2025-05-08") == [(("merz-friedrich", "zelensky-volodymyr"), "2025-05-08")]


def test_beide_takes_the_pair_named_in_the_sentence_before(engine: DetectionEngine) -> None:
    text = (
        "Bundeskanzler Olaf Scholz und Israels Ministerpräsident Benjamin Netanyahu haben über eine "
        "Waffenruhe gesprochen. Außerdem hätten beide in einem Telefonat über die Geiseln beraten."
    )
    assert _calls(engine, text, "2024-05-02") == [(("netanyahu-benjamin", "scholz-olaf"), "2024-05-02")]


def test_calls_summed_up_over_weeks_are_background(engine: DetectionEngine) -> None:
    for text in (
        "Merz und Trump haben in den vergangenen Wochen mehrfach miteinander telefoniert.",
        "Zwei Mal hat Bundeskanzler Olaf Scholz bereits mit US-Präsident Joe Biden telefoniert.",
    ):
        assert _calls(engine, text, "2024-05-31") == [], text


def test_criticism_of_a_call_is_not_a_new_call(engine: DetectionEngine) -> None:
    text = "Selenskyj kritisiert Bundeskanzler Scholz scharf für Telefonat mit Putin."
    assert _calls(engine, text, "2024-11-18") == []


def test_a_role_named_as_its_next_holder_is_nobody_in_office(engine: DetectionEngine) -> None:
    # Before 6 May 2025 "the future chancellor" is Merz, not Scholz who held the office.
    text = (
        "Italiens Ministerpräsidentin Giorgia Meloni sagte dem wahrscheinlich künftigen Bundeskanzler "
        "in einem Telefonat ihre Unterstützung zu."
    )
    assert _calls(engine, text, "2025-02-24") == []
    assert _calls(engine, text.replace("wahrscheinlich künftigen ", ""), "2025-02-24") == [
        (("meloni-giorgia", "scholz-olaf"), "2025-02-24")
    ]


def test_a_call_dated_by_its_month_alone_is_background(engine: DetectionEngine) -> None:
    text = "Scholz hatte im November mit Russlands Präsidenten Wladimir Putin telefoniert."
    assert _calls(engine, text, "2025-01-05") == []
    dated = "Scholz hatte am Freitag mit Russlands Präsidenten Wladimir Putin telefoniert."
    assert _calls(engine, dated, "2024-11-18") == [(("putin-vladimir", "scholz-olaf"), "2024-11-15")]


def test_what_was_said_after_a_call_names_no_participant(engine: DetectionEngine) -> None:
    text = (
        "Zuvor hatte der US-Präsident die NBC-Journalistin Kristen Welker angerufen und gesagt, er sei "
        '"sehr verärgert" auf Putin.'
    )
    assert _calls(engine, text, "2025-03-31") == []


def test_a_call_announced_for_the_coming_week_is_planned(engine: DetectionEngine) -> None:
    text = "Schon kommende Woche werde er mit dem russischen Präsidenten telefonieren, sagte Trump."
    assert _calls(engine, text, "2025-03-31") == []
