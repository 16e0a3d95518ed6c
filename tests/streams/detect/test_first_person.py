"""Calls a leader tells in the first person, on a source that names its speaker (``Article.speaker``).

The passages follow the shapes of the real texts in tests/eval/realtext/multilingual (Zelensky's addresses,
the Mexican presidents' press conferences); each true call has a twin that must not fire.
"""

from __future__ import annotations

from typing import Any

import pytest

from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article

ZELENSKY = "zelensky-volodymyr"
AMLO = "lopez-obrador-andres-manuel"
SHEINBAUM = "sheinbaum-claudia"


def _detect(
    engine: DetectionEngine, text: str, language: str, published: str, speaker: str | None
) -> tuple[list[tuple[str, tuple[str, ...], str]], list[str]]:
    article = make_article(text, published).replace(language=language, speaker=speaker)
    detection = engine.detect(article)
    events = sorted(
        (e.type, tuple(sorted(p.person_id or "" for p in e.participants)), e.date) for e in detection.events
    )
    return events, sorted({m.reason for m in detection.near_misses})


CALLS: list[tuple[str, str, str, str, list[tuple[str, str]]]] = [
    # A talk verb and a leader, no place: a remote call in the leader's own account.
    ("uk", "Говорив сьогодні з канцлером Німеччини Олафом Шольцом.", "2022-05-17", ZELENSKY,
     [("scholz-olaf", "2022-05-17")]),
    # A call trigger in the first person ("у мене").
    ("uk", "У мене відбулася телефонна розмова з Олександром Лукашенком.", "2022-02-27", ZELENSKY,
     [("lukashenko-alexander", "2022-02-27")]),
    # One call per counterpart, dated by "вчора".
    ("uk", "Вчора говорив з президентами Франції, Польщі.", "2022-02-28", ZELENSKY,
     [("duda-andrzej", "2022-02-27"), ("macron-emmanuel", "2022-02-27")]),
    # An undated line of the account takes the time of the line before it that gives one.
    ("uk", "Вчора говорив з Президентом Франції. Дякую за підтримку. Говорив також з Президентом Польщі.",
     "2022-02-28", ZELENSKY, [("duda-andrzej", "2022-02-27"), ("macron-emmanuel", "2022-02-27")]),
    ("es", "Ayer hablé con el presidente de Alemania por teléfono.", "2020-10-23", AMLO,
     [("steinmeier-frank-walter", "2020-10-22")]),
    ("es", "Hablé con el presidente Trump el sábado, y vamos a dar unas semanas más.", "2025-10-27",
     SHEINBAUM, [("trump-donald", "2025-10-25")]),
    # English: "I" of a source that speaks as the US president.
    ("en", "Today I spoke by phone with President Zelenskyy of Ukraine.", "2022-03-01", "biden-joe",
     [("zelensky-volodymyr", "2022-03-01")]),
    ("en", "This morning I called President Macron to discuss Ukraine.", "2022-03-01", "biden-joe",
     [("macron-emmanuel", "2022-03-01")]),
    # The leader thanked in the sentence before is the other party of "we had a call".
    ("es", "Muchas gracias al presidente Donald Trump. Tuvimos una excelente y respetuosa llamada.",
     "2025-03-06", SHEINBAUM, [("trump-donald", "2025-03-06")]),
]  # fmt: skip


@pytest.mark.parametrize(("language", "text", "published", "speaker", "calls"), CALLS)
def test_a_first_person_call_is_the_speakers(
    engine: DetectionEngine, language: str, text: str, published: str, speaker: str, calls: list[Any]
) -> None:
    events, _ = _detect(engine, text, language, published, speaker)
    assert events == [("leader_call", tuple(sorted((speaker, other))), day) for other, day in calls]


@pytest.mark.parametrize(("language", "text", "published", "speaker", "calls"), CALLS)
def test_without_a_speaker_a_first_person_call_does_not_fire(
    engine: DetectionEngine, language: str, text: str, published: str, speaker: str, calls: list[Any]
) -> None:
    events, _ = _detect(engine, text, language, published, None)
    assert events == []


NOT_CALLS: list[tuple[str, str, str, str, str | None]] = [
    # A visit in the clause: the talk was in person.
    ("uk", "Під час візиту говорив з канцлером Німеччини Олафом Шольцом.", "2022-05-17", ZELENSKY,
     "in_person"),
    # The subject is named: someone else talked, and without a medium that is no call.
    ("uk", "Президент Франції говорив сьогодні з канцлером Німеччини.", "2022-05-17", ZELENSKY, None),
    # "That night" of the line before: calls recalled.
    ("uk", "Тієї ночі я говорив зі світовими лідерами. Говорив з Президентом Польщі Анджеєм Дудою.",
     "2022-04-26", ZELENSKY, "old_background"),
    # Not a head of state or government.
    ("es", "Ayer hablé con la vicepresidenta de Estados Unidos.", "2021-04-08", AMLO, None),
    ("es", "Ayer hablé con el presidente de la FIFA y con el Departamento de Estado del presidente Trump.",
     "2025-12-03", SHEINBAUM, None),
    ("es", "No he hablado recientemente con el presidente Trump.", "2025-11-27", SHEINBAUM, None),
    # A call asked for ("habíamos pedido una llamada") is no call, even after the leader is named.
    (
        "es",
        "El presidente Trump buscaba hablar con nosotros. Nosotros habíamos pedido una llamada hacía tiempo.",
        "2025-05-01",
        SHEINBAUM,
        "plan",
    ),
    # Someone named before "me" is the subject: the speaker only heard of the call.
    ("en", "President Macron told me he would call Chancellor Scholz.", "2022-03-01", "biden-joe", "plan"),
    ("es", "Ahora que hablé con el primer ministro Trudeau, le dije lo mismo.", "2020-06-17", AMLO,
     "old_background"),
    # An undated round of many conversations is a summary, not one event each.
    ("es", "Hablamos con presidentes, hablé con el presidente de Rusia, hablé con el presidente de China, "
     "hablé con el presidente de Estados Unidos, hablé con el presidente de Cuba, con el presidente de "
     "Argentina, con todos.", "2022-02-08", AMLO, "old_background"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "text", "published", "speaker", "reason"), NOT_CALLS)
def test_a_first_person_near_miss_is_no_call(
    engine: DetectionEngine, language: str, text: str, published: str, speaker: str, reason: str | None
) -> None:
    events, reasons = _detect(engine, text, language, published, speaker)
    assert events == []
    if reason is not None:
        assert reason in reasons


def test_the_speaker_is_the_office_holder_of_the_day(engine: DetectionEngine) -> None:
    # A speaker who was no leader on the day (Sheinbaum before October 2024) makes no leader call.
    events, _ = _detect(engine, "Ayer hablé con el presidente de Francia.", "es", "2023-05-10", SHEINBAUM)
    assert events == []


def test_the_president_of_a_parliament_is_not_the_countrys(engine: DetectionEngine) -> None:
    events, _ = _detect(
        engine, "Говорив і з Президенткою німецького Бундестагу.", "uk", "2022-05-08", ZELENSKY
    )
    assert events == []
    events, _ = _detect(engine, "Говорив і з Президентом Німеччини.", "uk", "2022-05-08", ZELENSKY)
    assert events == [("leader_call", ("steinmeier-frank-walter", ZELENSKY), "2022-05-08")]
