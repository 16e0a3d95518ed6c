"""Armed attacks on a named place, with the attacker, the toll and the weapon's code, in four languages;
figures of speech, exercises, threats, history and truce violations are near misses or other events."""

from __future__ import annotations

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import Article, Event, EventType
from tests.streams.detect.conftest import make_article, near_miss_reasons


def _attacks(engine: DetectionEngine, text: str, published: str) -> list[Event]:
    return [
        e for e in engine.detect(make_article(text, published)).events if e.type == EventType.ARMED_ATTACK
    ]


def _summary(events: list[Event]) -> set[tuple[str, str, str]]:
    """(attacker ISO3 or "", place, date) of each attack."""
    return {
        (e.participants[0].country or "" if e.participants else "", e.place.name if e.place else "", e.date)
        for e in events
    }


def test_strike_with_attacker_place_toll_and_code(engine: DetectionEngine) -> None:
    text = "Russian missiles hit Kyiv on Monday, killing at least 5 people and wounding 12, officials said."
    (event,) = _attacks(engine, text, "2022-10-12")
    assert _summary([event]) == {("RUS", "Kyiv", "2022-10-10")}
    assert event.place is not None and event.place.country == "UA" and event.place.kind == "city"
    assert {"killed:5", "wounded:12", "party:UKR", "weapon:aerial"} <= set(event.topics)
    assert (event.cameo, event.plover_category, event.severity) == ("195", "ASSAULT", "critical")
    assert "armed attack: Russia, in Kyiv, 2022-10-10" in event.summary


def test_one_event_per_attacker_place_and_day(engine: DetectionEngine) -> None:
    text = (
        "An Israeli air strike on Rafah killed 12 people overnight. Witnesses said the Israeli strike "
        "on Rafah hit a house. Israeli jets also struck Khan Younis."
    )
    assert _summary(_attacks(engine, text, "2024-02-13")) == {
        ("ISR", "Rafah", "2024-02-12"),
        ("ISR", "Khan Yunis", "2024-02-12"),  # undated: the one day the article gives its attacks
    }


@pytest.mark.parametrize(
    "text",
    [
        "He suffered a heart attack in London on Monday.",
        "The senator launched a political attack on the president in Washington.",
        "The ruling is an attack on democracy in Poland, the opposition said.",
        "Protesters in Paris attacked the government's pension policy.",
    ],
)
def test_figures_of_speech_are_no_attacks(engine: DetectionEngine, text: str) -> None:
    assert _attacks(engine, text, "2022-10-12") == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("NATO jets carried out simulated bombing runs over Estonia during an exercise.", "exercise"),
        ("Russia threatened to strike Kyiv if the West sent tanks.", "threat"),
        ("In 1944 Allied aircraft bombed Dresden.", "old_background"),
        ("The army denied shelling Mariupol on Sunday.", "negated"),
        ("Did Russian missiles hit Kyiv on Monday?", "question"),
        ("An air strike killed sixteen people on Sunday, the army said.", "no_place"),
    ],
)
def test_near_misses(engine: DetectionEngine, text: str, reason: str) -> None:
    assert _attacks(engine, text, "2022-10-12") == []
    assert reason in near_miss_reasons(engine, text, "2022-10-12")


def test_a_truce_broken_is_a_violation_not_an_attack(engine: DetectionEngine) -> None:
    text = "Despite the ceasefire, Azerbaijani forces shelled Stepanakert on Saturday, violating the truce."
    events = engine.detect(make_article(text, "2020-10-19")).events
    assert [e.type for e in events] == [EventType.CEASEFIRE_VIOLATED]
    assert "ceasefire_violation" in near_miss_reasons(engine, text, "2020-10-19")


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "Росія атакувала Харків ракетами, загинули 3 людини.",
            "2022-09-21",
            {("RUS", "Kharkiv", "2022-09-21")},
        ),
        (
            "ВСУ нанесли удар по Донецку, погибли 2 человека.",
            "2022-09-21",
            {("UKR", "Donetsk", "2022-09-21")},
        ),
        (
            "Les forces azerbaïdjanaises ont bombardé Stepanakert dimanche, faisant 3 morts.",
            "2020-10-06",
            {("AZE", "Stepanakert", "2020-10-04")},
        ),
    ],
)
def test_attacks_in_other_languages(
    engine: DetectionEngine, text: str, published: str, expected: set[tuple[str, str, str]]
) -> None:
    assert _summary(_attacks(engine, text, published)) == expected


def test_the_attacker_is_not_the_target_named_after_a_preposition(engine: DetectionEngine) -> None:
    # Regression: "удару по Україні" made Ukraine the attacker of its own city.
    text = "Сьогодні Росія завдала чергового ракетного удару по Україні, по Одесі."
    assert _summary(_attacks(engine, text, "2022-04-23")) == {("RUS", "Odesa", "2022-04-23")}


def test_the_attacker_follows_the_attack_noun(engine: DetectionEngine) -> None:
    # Regression: the passive lead named no attacker ("touchées ... par des frappes russes").
    text = "Kiev et sa région ont été touchées par des frappes russes, lundi matin."
    assert _summary(_attacks(engine, text, "2022-03-14")) == {("RUS", "Kyiv", "2022-03-14")}


def test_a_capital_acting_is_no_target(engine: DetectionEngine) -> None:
    # Regression: "Moscou a bombardé" made Moscow (and the bridge's Kerch) places struck.
    text = (
        "Deux jours après l’attaque du pont de Crimée, près de Kertch, Moscou a bombardé de plusieurs villes "
        "en Ukraine, dont la capitale, Kiev."
    )
    assert _summary(_attacks(engine, text, "2022-10-10")) == {("RUS", "Kyiv", "2022-10-10")}


def test_a_source_is_no_place(engine: DetectionEngine) -> None:
    # Regression: the places gazetteer reads "Selon" as Salon-de-Provence.
    text = (
        "Une maternité bombardée à Marioupol. "
        "Selon un responsable régional ukrainien, l’attaque a fait 17 blessés."
    )
    assert {place for _, place, _ in _summary(_attacks(engine, text, "2022-03-09"))} == {"Mariupol"}


def test_no_attack_in_the_seeds(engine: DetectionEngine, seed_articles: dict[str, Article]) -> None:
    for prefix, article in seed_articles.items():
        assert _attacks(engine, article.text, article.published.date().isoformat()) == [], prefix


def test_an_undated_report_takes_the_one_day_the_article_gives(engine: DetectionEngine) -> None:
    # Regression: the headline's strike took the publication day, the body's "intervenue mardi" had no place.
    text = (
        "A Mykolaïv, l’immeuble du gouverneur régional éventré par un missile russe\n\n"
        "Douze personnes ont été tuées dans cette frappe, intervenue mardi, après plusieurs jours d’accalmie."
    )
    assert _summary(_attacks(engine, text, "2022-03-30")) == {("RUS", "Mykolaiv", "2022-03-29")}


def test_a_town_after_a_preposition_is_struck(engine: DetectionEngine) -> None:
    # Regression: "A Kiev," before the trigger was read as Ukraine's government acting.
    assert _summary(
        _attacks(engine, "A Kiev, des attaques de drones font au moins quatre morts", "2022-10-17")
    ) == {("", "Kyiv", "2022-10-17")}
