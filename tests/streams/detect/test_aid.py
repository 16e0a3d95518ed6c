"""Aid: military, humanitarian and financial aid pledged or delivered, donor and recipient, in three
languages; appeals, denials, conditions, proposals, domestic support and 'help' are near misses."""

from __future__ import annotations

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import Article, EventType
from tests.streams.detect.conftest import make_article, near_miss_reasons


def _aid(engine: DetectionEngine, text: str, published: str) -> set[tuple[str, ...]]:
    """(donor, recipient, date) of each aid event."""
    events = engine.detect(make_article(text, published)).events
    return {(*(p.country or "" for p in e.participants), e.date) for e in events if e.type == EventType.AID}


def test_no_aid_in_the_seeds(engine: DetectionEngine, seed_articles: dict[str, Article]) -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        events = engine.detect(seed_articles[prefix]).events
        assert not [e for e in events if e.type == EventType.AID], prefix


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "The United States announced on Wednesday a new military aid package of $800 million for "
            "Ukraine.",
            "2022-04-21",
            {("USA", "UKR", "2022-04-20")},
        ),
        (
            "La France livre des canons Caesar et des missiles antichars Milan à l’Ukraine, a annoncé le "
            "président.",
            "2022-04-23",
            {("FRA", "UKR", "2022-04-23")},
        ),
        (
            "Au Bénin, Emmanuel Macron promet une aide militaire renforcée face à la menace djihadiste.",
            "2022-07-28",
            {("FRA", "BEN", "2022-07-28")},
        ),
        (
            "Вашингтон выделил Киеву новый пакет военной помощи на 800 млн долларов, сообщили в Пентагоне.",
            "2022-04-21",
            {("USA", "UKR", "2022-04-21")},
        ),
    ],
)
def test_aid_in_three_languages(
    engine: DetectionEngine, text: str, published: str, expected: set[tuple[str, ...]]
) -> None:
    assert _aid(engine, text, published) == expected


def test_fields_amount_kind_and_code(engine: DetectionEngine) -> None:
    text = "Les Etats-Unis accordent une aide supplémentaire de 4,5 milliards de dollars à l’Ukraine."
    [event] = [e for e in engine.detect(make_article(text, "2022-08-08")).events if e.type == EventType.AID]
    assert (event.cameo, event.plover_category) == ("070", "AID")
    assert "amount:4,5 milliards de dollars" in event.topics
    assert event.initiator == "United States"


@pytest.mark.parametrize(
    ("text", "published", "reason"),
    [
        ("Volodymyr Zelensky demande une aide militaire sans restriction à l’OTAN.", "2022-03-24", ""),
        ("La Slovaquie dément avoir livré des avions et des missiles à Kiev.", "2022-08-15", "denial"),
        (
            "Le Sri Lanka annonce un programme d’aide à la population d’un milliard d’euros.",
            "2022-01-06",
            "domestic",
        ),
        ("Ukraine asked Germany to send more weapons and military aid on Monday.", "2022-04-11", "appeal"),
    ],
)
def test_near_misses(engine: DetectionEngine, text: str, published: str, reason: str) -> None:
    assert not _aid(engine, text, published)
    if reason:  # without a giving verb the sentence is no candidate at all
        assert reason in near_miss_reasons(engine, text, published)
