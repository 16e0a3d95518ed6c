"""Protest: demonstrations, strikes, sit-ins and riots in a named place, in six languages; calls, plans,
banned rallies, anniversaries, diplomatic protests and look-alike words are near misses."""

from __future__ import annotations

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import Article, EventType
from tests.streams.detect.conftest import make_article, near_miss_reasons


def _protests(engine: DetectionEngine, text: str, published: str, title: str = "") -> set[tuple[str, str]]:
    """(place, date) of each protest event."""
    events = engine.detect(make_article(text, published, title=title)).events
    return {(e.place.name if e.place else "", e.date) for e in events if e.type == EventType.PROTEST}


def test_no_protest_in_the_seeds(engine: DetectionEngine, seed_articles: dict[str, Article]) -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        events = engine.detect(seed_articles[prefix]).events
        assert not [e for e in events if e.type == EventType.PROTEST], prefix


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "Thousands of protesters marched through central Berlin on Saturday against rising energy "
            "prices, police said.",
            "2022-10-09",
            {("Berlin", "2022-10-08")},
        ),
        (
            "Plusieurs milliers de personnes étaient rassemblées samedi après-midi à Paris pour protester "
            "contre la guerre en Ukraine.",
            "2022-03-06",
            {("Paris", "2022-03-05")},
        ),
        (
            "Au Liban, les fonctionnaires sont en grève pour réclamer une revalorisation de leurs salaires.",
            "2022-07-25",
            {("Lebanon", "2022-07-25")},
        ),
        (
            "В субботу в Минске прошел многотысячный митинг оппозиции, сообщают местные журналисты.",
            "2020-08-17",
            {("Minsk", "2020-08-15")},
        ),
        (
            "In Hamburg sind am Samstag mehrere tausend Menschen gegen die Energiepolitik der Regierung auf "
            "die Straße gegangen.",
            "2022-10-09",
            {("Hamburg", "2022-10-08")},
        ),
        (
            "Miles de manifestantes marcharon por las calles de Guadalajara para exigir justicia por los "
            "desaparecidos.",
            "2022-03-09",
            {("Guadalajara", "2022-03-09")},
        ),
    ],
)
def test_protests_in_six_languages(
    engine: DetectionEngine, text: str, published: str, expected: set[tuple[str, str]]
) -> None:
    assert _protests(engine, text, published) == expected


def test_fields_size_kind_and_summary(engine: DetectionEngine) -> None:
    text = "In Madrid, 150,000 farmers protested on Sunday against the rise in fuel prices."
    events = [
        e for e in engine.detect(make_article(text, "2022-03-21")).events if e.type == EventType.PROTEST
    ]
    assert len(events) == 1
    event = events[0]
    assert (event.cameo, event.plover_category) == ("141", "PROTEST")
    assert "size:150000" in event.topics and "kind:demonstration" in event.topics
    assert event.summary.startswith("protest: Spain, in Madrid, 2022-03-20")


def test_headline_country_and_lead_town_are_one_event(engine: DetectionEngine) -> None:
    # The headline names the country, the lead the town: one protest, in the town.
    found = _protests(
        engine,
        "Des manifestants ont pénétré, mercredi, dans un bâtiment de la mairie d’Almaty.",
        "2022-01-05",
        title="Kazakhstan : le président promet une réponse « ferme » aux manifestations",
    )
    assert found == {("Almaty", "2022-01-05")}


@pytest.mark.parametrize(
    ("text", "published", "reason"),
    [
        ("Seoul lodged a protest with Tokyo over the decision on the Sado mine.", "2022-01-31", ""),
        ("Séoul proteste contre la décision de Tokyo de proposer le site minier.", "2022-01-31", ""),
        (
            "Opposition leaders called for protests in Paris on Saturday against the reform.",
            "2023-01-10",
            "appeal",
        ),
        (
            "Au Burkina Faso, deux manifestations interdites à Ouagadougou pour raisons de sécurité.",
            "2022-01-21",
            "cancelled",
        ),
        (
            "Unions will hold a general strike in Lagos next week, their leaders announced.",
            "2022-06-01",
            "plan",
        ),
        ("Le parti Rassemblement national a tenu un meeting à Perpignan.", "2022-04-03", "figurative"),
        ("The striker scored twice in Manchester on Saturday.", "2022-04-03", "figurative"),
        ("В знак протеста Москва отозвала посла из Вильнюса.", "2022-04-03", ""),
    ],
)
def test_near_misses(engine: DetectionEngine, text: str, published: str, reason: str) -> None:
    assert not _protests(engine, text, published)
    if reason and (reason != "figurative" or "Rassemblement" in text):
        assert reason in near_miss_reasons(engine, text, published)


def test_history_is_no_protest(engine: DetectionEngine) -> None:
    text = "Des manifestations ont eu lieu dans plusieurs pays de la région dès 2015, à Buenos Aires d’abord."
    assert not _protests(engine, text, "2022-10-08")
