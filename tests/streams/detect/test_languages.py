"""Calls, contacts and ceasefires in the eight languages read natively, one short passage per pattern.

These passages were written beside the vocabulary: they check that each language's file is wired
(triggers, cues, roles, morphology), not how well it reads real news (tests/eval/realtext does that).
People are named by role here ("президент Франции", "法国总统"), so the tests do not depend on the
gazetteer's names in other scripts.
"""

from __future__ import annotations

from typing import Any

import pytest

from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article

DAY = "2024-03-05"  # a Tuesday: Putin, Macron, Erdoğan, Zelensky, Xi and Scholz all in office


def _found(engine: DetectionEngine, text: str, language: str, published: str = DAY) -> Any:
    article = make_article(text, published).replace(language=language)
    detection = engine.detect(article)
    assert detection.language == language
    events = sorted(
        (e.type, tuple(sorted(p.person_id or "" for p in e.participants)), e.conflict)
        for e in detection.events
    )
    return events, sorted({m.reason for m in detection.near_misses})


MACRON_PUTIN = ("macron-emmanuel", "putin-vladimir")

CALLS = [
    ("ru", "Президент России провёл телефонный разговор с Президентом Франции.", MACRON_PUTIN),
    ("ru", "Российский президент и президент Франции провели телефонные переговоры.", MACRON_PUTIN),
    (
        "uk",
        "Президент України провів телефонну розмову з Президентом Франції.",
        ("macron-emmanuel", "zelensky-volodymyr"),
    ),
    ("zh", "国家主席同法国总统通电话。", ("macron-emmanuel", "xi-jinping")),
    # A cue after the trigger counts only in its clause: this 提议 (proposal) is in the next one.
    ("zh", "俄罗斯总统与法国总统通电话时指出，美国对安全保障提议的回复没有解决俄方关切。", MACRON_PUTIN),
    ("ar", "أجرى الرئيس الروسي اتصالاً هاتفياً مع الرئيس الفرنسي.", MACRON_PUTIN),
    ("ar", "تلقى الرئيس الروسي اتصالا هاتفيا من نظيره الفرنسي.", MACRON_PUTIN),
    # "رئيس الوزراء" (prime minister) holds "رئيس" (president): the longer office wins.
    ("ar", "أجرى الرئيس الروسي اتصالا هاتفيا برئيس الوزراء الهندي.", ("modi-narendra", "putin-vladimir")),
    ("fr", "Le président français s'est entretenu par téléphone avec son homologue russe.", MACRON_PUTIN),
    ("es", "El presidente ruso mantuvo una conversación telefónica con el presidente francés.", MACRON_PUTIN),
    ("tr", "Rusya Devlet Başkanı, Fransa Cumhurbaşkanı'yla telefonda görüştü.", MACRON_PUTIN),
    (
        "de",
        "Der Bundeskanzler telefonierte mit dem russischen Präsidenten.",
        ("putin-vladimir", "scholz-olaf"),
    ),
]


@pytest.mark.parametrize(("language", "text", "people"), CALLS)
def test_a_call_between_two_leaders_is_found(
    engine: DetectionEngine, language: str, text: str, people: tuple[str, ...]
) -> None:
    events, _ = _found(engine, text, language)
    assert events == [("leader_call", people, None)]


REJECTED = [
    ("ru", "Президент России не проводил телефонный разговор с Президентом Франции.", "negated"),
    (
        "ru",
        "Президент России проведёт телефонный разговор с Президентом Франции на следующей неделе.",
        "plan",
    ),
    ("uk", "Президент України не провів телефонну розмову з Президентом Франції.", "negated"),
    ("zh", "国家主席将同法国总统通电话。", "plan"),
    ("zh", "国家主席未同法国总统通电话。", "negated"),
    ("ar", "لم يجر الرئيس الروسي اتصالا هاتفيا مع الرئيس الفرنسي.", "negated"),
    ("fr", "Le président français ne s'est pas entretenu par téléphone avec le président russe.", "negated"),
    ("fr", "Le président français doit s'entretenir par téléphone avec le président russe.", "plan"),
    ("es", "El presidente ruso no mantuvo una conversación telefónica con el presidente francés.", "negated"),
    ("tr", "Rusya Devlet Başkanı, Fransa Cumhurbaşkanı ile telefonda görüşmedi.", "negated"),
    ("tr", "Rusya Devlet Başkanı, Fransa Cumhurbaşkanı ile yarın telefonda görüşecek.", "plan"),
    ("de", "Der Bundeskanzler hat nicht mit dem russischen Präsidenten telefoniert.", "negated"),
]


@pytest.mark.parametrize(("language", "text", "reason"), REJECTED)
def test_a_negated_or_planned_call_is_a_near_miss(
    engine: DetectionEngine, language: str, text: str, reason: str
) -> None:
    events, reasons = _found(engine, text, language)
    assert events == []
    assert reason in reasons


def test_ministers_talking_by_phone_are_an_official_contact(engine: DetectionEngine) -> None:
    events, reasons = _found(
        engine, "Министр иностранных дел России провёл телефонные переговоры с главой МИД Турции.", "ru"
    )
    assert events == [("official_contact", ("fidan-hakan", "lavrov-sergey"), None)]
    assert "not_leaders" in reasons


def test_roles_joined_by_and_are_two_people(engine: DetectionEngine) -> None:
    events, _ = _found(engine, "Состоялся телефонный разговор президентов России и Франции.", "ru")
    assert events == [("leader_call", MACRON_PUTIN, None)]


def test_plural_calls_with_two_leaders_are_one_call_each(engine: DetectionEngine) -> None:
    text = "Президент России провёл телефонные разговоры с президентом Франции и президентом Турции."
    events, _ = _found(engine, text, "ru")
    assert events == [
        ("leader_call", ("erdogan-recep-tayyip", "putin-vladimir"), None),
        ("leader_call", MACRON_PUTIN, None),
    ]


def test_belarus_is_not_read_as_russia_inside_it(engine: DetectionEngine) -> None:
    events, _ = _found(engine, "国家主席同白俄罗斯总统通电话。", "zh")
    assert events == [("leader_call", ("lukashenko-alexander", "xi-jinping"), None)]


CEASEFIRES = [
    ("ru", "Режим прекращения огня в Карабахе был нарушен.", "ceasefire_violated", "Nagorno-Karabakh"),
    ("ru", "В секторе Газа вступило в силу перемирие.", "ceasefire_declared", "Gaza"),
    ("uk", "Перемир'я на Донбасі було порушено.", "ceasefire_violated", "Donbas"),
    ("zh", "以色列违反加沙停火协议。", "ceasefire_violated", "Gaza"),
    ("ar", "اتهمت حماس إسرائيل بخرق وقف إطلاق النار في غزة.", "ceasefire_violated", "Gaza"),
    ("fr", "Le cessez-le-feu a été violé à Gaza.", "ceasefire_violated", "Gaza"),
    ("es", "Hamás denunció la violación del alto el fuego en Gaza.", "ceasefire_violated", "Gaza"),
    ("tr", "Gazze'de ateşkes ihlal edildi.", "ceasefire_violated", "Gaza"),
    ("de", "Die Waffenruhe im Gazastreifen wurde gebrochen.", "ceasefire_violated", "Gaza"),
]


@pytest.mark.parametrize(("language", "text", "kind", "conflict"), CEASEFIRES)
def test_ceasefires_are_found_with_their_conflict(
    engine: DetectionEngine, language: str, text: str, kind: str, conflict: str
) -> None:
    events, _ = _found(engine, text, language)
    assert [(e[0], e[2]) for e in events] == [(kind, conflict)]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "Генсек ООН призвал к прекращению огня в Газе."),
        ("zh", "联合国秘书长呼吁加沙实现停火。"),
        ("ar", "دعا الأمين العام إلى وقف إطلاق النار في غزة."),
        ("de", "Der UN-Generalsekretär forderte eine Waffenruhe in Gaza."),
    ],
)
def test_an_appeal_for_a_ceasefire_is_a_near_miss(engine: DetectionEngine, language: str, text: str) -> None:
    events, reasons = _found(engine, text, language)
    assert events == []
    assert "appeal" in reasons


def _outcome(engine: DetectionEngine, text: str, language: str) -> Any:
    detection = engine.detect(make_article(text, DAY).replace(language=language))
    return [e.to_dict() for e in detection.events], detection.near_misses


def test_the_stems_of_each_language_skip_nothing_its_patterns_find(engine: DetectionEngine) -> None:
    """Article prefilters and candidate sentences (by the files' stems) change no outcome."""
    from streams.detect import native_calls, native_ceasefire

    passages = [(lang, text) for lang, text, *_ in (*CALLS, *REJECTED, *CEASEFIRES)]
    gated = [_outcome(engine, text, lang) for lang, text in passages]
    with pytest.MonkeyPatch.context() as patch:
        for detector in engine.detectors:
            patch.setattr(type(detector), "may_fire", lambda *args: True)
        for module in (native_calls, native_ceasefire):
            patch.setattr(module, "sentences_containing", lambda *args: None)
        assert [_outcome(engine, text, lang) for lang, text in passages] == gated
