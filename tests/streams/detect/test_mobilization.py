"""Mobilization: martial law, mobilisation, reserve call-ups and troops massed at a border, in five languages;
drills, denials, plans, lifted states and history are near misses."""

from __future__ import annotations

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import Article, EventType
from tests.streams.detect.conftest import make_article, near_miss_reasons


def _mobilizations(engine: DetectionEngine, text: str, published: str) -> set[tuple[str, str]]:
    """(acting state, date) of each mobilization event."""
    events = engine.detect(make_article(text, published)).events
    return {(e.participants[0].country or "", e.date) for e in events if e.type == EventType.MOBILIZATION}


def test_seed_004_martial_law_in_both_countries(
    engine: DetectionEngine, seed_articles: dict[str, Article]
) -> None:
    events = [e for e in engine.detect(seed_articles["004"]).events if e.type == EventType.MOBILIZATION]
    assert {e.participants[0].country for e in events} == {"ARM", "AZE"}
    for event in events:
        assert event.date == "2020-10-21"  # "have imposed": undated, the publication day
        assert (event.cameo, event.plover_category) == ("152", "MOBILIZE")
        assert "kind:martial_law" in event.topics
        assert event.severity == "critical"
        assert "Baku and Yerevan have imposed martial law" in event.evidence[0].sentence


def test_no_mobilization_in_the_other_seeds(
    engine: DetectionEngine, seed_articles: dict[str, Article]
) -> None:
    for prefix in ("000", "001", "002", "003"):
        events = engine.detect(seed_articles[prefix]).events
        assert not [e for e in events if e.type == EventType.MOBILIZATION], prefix


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "Russia announced a partial mobilisation on Wednesday, calling up 300,000 reservists.",
            "2022-09-22",
            {("RUS", "2022-09-21")},
        ),
        (
            "Ukraine's parliament extended martial law for another 90 days on Tuesday.",
            "2022-05-19",
            {("UKR", "2022-05-17")},
        ),
        (
            "Russia has massed more than 100,000 troops near the border with Ukraine.",
            "2022-01-20",
            {("RUS", "2022-01-20")},
        ),
        ("Путин объявил частичную мобилизацию в России.", "2022-09-21", {("RUS", "2022-09-21")}),
        (
            "Президент України Зеленський продовжив воєнний стан на 90 днів.",
            "2022-05-19",
            {("UKR", "2022-05-19")},
        ),
        (
            "Le président Aliev a décrété la loi martiale en Azerbaïdjan dimanche.",
            "2020-09-29",
            {("AZE", "2020-09-27")},
        ),
        ("أعلنت أرمينيا الأحكام العرفية والتعبئة العامة", "2020-09-27", {("ARM", "2020-09-27")}),
    ],
)
def test_acts_in_each_language(
    engine: DetectionEngine, text: str, published: str, expected: set[tuple[str, str]]
) -> None:
    assert _mobilizations(engine, text, published) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("The Kremlin said there are no plans to mobilise reservists.", "negated"),
        (
            "Belarus will hold military drills near the border next week, moving troops to the border.",
            "drill",
        ),
        ("In 1941 the Soviet Union declared a general mobilisation.", "old_background"),
        ("Parliament lifted martial law on Monday.", "lifted"),
        ("The opposition called for martial law to be declared.", "appeal"),
        ("Russia could declare a general mobilisation next week.", "plan"),
        ("Намагаються навіть розпочати так звану мобілізацію в окупованих районах України.", "plan"),
        (
            "Après l’annonce d’un groupement conjoint, une « mobilisation cachée » serait en cours.",
            "plan",
        ),
    ],
)
def test_near_misses(engine: DetectionEngine, text: str, reason: str) -> None:
    assert _mobilizations(engine, text, "2022-09-21") == set()
    assert reason in near_miss_reasons(engine, text, "2022-09-21")


def test_each_state_of_a_joined_pair_and_no_other(engine: DetectionEngine) -> None:
    # Regression: Russian clauses broke at ", а", so "в Армении, а затем и в Азербайджане" lost Armenia.
    text = (
        "Уходящий день принес обострение, из-за чего в Армении, а затем и в Азербайджане "
        "было введено военное положение."
    )
    assert _mobilizations(engine, text, "2020-09-27") == {("ARM", "2020-09-27"), ("AZE", "2020-09-27")}
    # The state acting is the one before the act, never one named after it as its adversary.
    text = (
        "Хафтар объявил всеобщую мобилизацию в подконтрольных ему районах, "
        "чтобы противостоять действиям Турции."
    )
    assert ("TUR", "2020-01-04") not in _mobilizations(engine, text, "2020-01-04")


def test_martial_law_declared_is_no_background(engine: DetectionEngine) -> None:
    # Regression: "военного положения" (genitive) was a background cue, so its declaration was lost.
    text = "Жителей Украины охватила паника после объявления военного положения властями страны."
    assert _mobilizations(engine, text, "2022-02-24") == {("UKR", "2022-02-24")}
