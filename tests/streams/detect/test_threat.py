"""Threats: force, sanctions or retaliation threatened by a state, a leader or an armed group, in five
languages; fears, commentators' hypotheticals, weather and disease, denials, figures of speech and old
threats are near misses."""

from __future__ import annotations

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import Article, EventType
from tests.streams.detect.conftest import make_article, near_miss_reasons


def _threats(engine: DetectionEngine, text: str, published: str) -> set[tuple[str, str, str, str]]:
    """(threatening side, threatened sides, means, date) of each threat event."""
    events = engine.detect(make_article(text, published)).events
    return {
        (
            e.initiator or "",
            ",".join(sorted(t.removeprefix("party:") for t in e.topics if t.startswith("party:"))),
            next(t.removeprefix("means:") for t in e.topics if t.startswith("means:")),
            e.date,
        )
        for e in events
        if e.type == EventType.THREAT
    }


def test_no_threats_in_the_seeds(engine: DetectionEngine, seed_articles: dict[str, Article]) -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        events = engine.detect(seed_articles[prefix]).events
        assert not [e for e in events if e.type == EventType.THREAT], prefix


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "Russia threatened to strike Ukraine's bridges on Saturday.",
            "2024-03-10",
            {("Russia", "UKR", "force", "2024-03-09")},
        ),
        (
            "Iran warned it would retaliate against Israel for the strike.",
            "2024-03-10",
            {("Iran", "ISR", "retaliation", "2024-03-10")},
        ),
        (
            "The United States threatened China with new sanctions.",
            "2024-03-10",
            {("United States", "CHN", "sanctions", "2024-03-10")},
        ),
        (
            "Hamas vowed to retaliate against Israel.",
            "2024-03-10",
            {("Hamas", "ISR", "retaliation", "2024-03-10")},
        ),
        (
            "Poland was threatened by Russia on Monday.",
            "2024-03-10",
            {("Russia", "POL", "other", "2024-03-04")},
        ),
        (
            "Путин пригрозил ударить по Киеву.",
            "2024-03-10",
            {("Russia", "UKR", "force", "2024-03-10")},
        ),
        (
            "Франция пригрозила России санкциями.",
            "2024-03-10",
            {("France", "RUS", "sanctions", "2024-03-10")},
        ),
        (
            "Росія пригрозила Польщі ударом.",
            "2024-03-10",
            {("Russia", "POL", "force", "2024-03-10")},
        ),
        (
            "La Russie a menacé de frapper la Pologne.",
            "2024-03-10",
            {("Russia", "POL", "force", "2024-03-10")},
        ),
        (
            "中国威胁要对美国实施制裁。",
            "2024-03-10",
            {("China", "USA", "sanctions", "2024-03-10")},
        ),
        # Regressions of the first run on the types set: a hyphenated means after "warns of", a day between
        # "warned" and "of", a condition's "doesn't" is no denial, NATO's secretary general speaks for it.
        (
            "North Korea Warns of Pre-Emptive Strikes Against South Korea.",
            "2016-03-12",
            {("North Korea", "KOR", "force", "2016-03-12")},
        ),
        (
            'South Korea warned on Wednesday of "searing" consequences if North Korea doesn\'t stop.',
            "2016-02-03",
            {("South Korea", "PRK", "retaliation", "2016-02-03")},
        ),
        (
            "Йенс Столтенберг пригрозил санкциями Китаю из-за позиции по Украине.",
            "2024-06-23",
            {("NATO", "CHN", "sanctions", "2024-06-23")},
        ),
        (
            "هدد حزب الله إسرائيل بالرد على أي هجوم.",
            "2024-03-10",
            {("Hezbollah", "ISR", "retaliation", "2024-03-10")},
        ),
    ],
)
def test_threats(engine: DetectionEngine, text: str, published: str, expected: set[tuple[str, ...]]) -> None:
    assert _threats(engine, text, published) == expected


def test_a_threat_has_the_code_of_its_means(engine: DetectionEngine) -> None:
    events = engine.detect(
        make_article("North Korea threatened to use nuclear weapons against Japan.")
    ).events
    (threat,) = [e for e in events if e.type == EventType.THREAT]
    assert (threat.cameo, threat.plover_category, threat.plover_mode) == ("138", "THREATEN", "military")
    assert threat.severity == "warning"


def test_threatened_sanctions_are_a_threat_and_stay_a_sanctions_near_miss(engine: DetectionEngine) -> None:
    text = "The European Union threatened new sanctions against Belarus."
    result = engine.detect(make_article(text, "2024-03-10"))
    assert {e.type for e in result.events} == {EventType.THREAT}
    assert ("sanctions", "threat") in {(m.rule.split("/")[0], m.reason) for m in result.near_misses}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("The storm threatened to flood coastal towns in Florida.", "nature"),
        ("Putin denied that Russia had threatened Poland.", "negated"),
        ("Residents fear Russia threatened to strike the city.", "fear"),
        ("Analysts say Turkey could threaten Greece with force.", "hypothetical"),
        ("In 2014 Russia threatened to cut off gas to Ukraine.", "old_background"),
        ("Russia threatens the peace of Europe, Germany said.", "figurative"),
        ("Россия никому не угрожает, заявил Путин.", "negated"),
        # Regressions of the first run: restraint "unless threatened", an offensive's course, politics.
        ("North Korea leader Kim says will not use nuclear arms unless threatened.", "negated"),
        ("Thousands flee as Russian-backed offensive threatens to besiege Aleppo.", "figurative"),
        ("Yesterday Trump's Republicans threatened to shut down the government.", "domestic"),
        ("Лесной пожар угрожает населенным пунктам.", "nature"),
        # Regressions of the French first run: an ultimatum refused, threats since the war's start recalled.
        ("Volodymyr Zelensky « ne peut accepter aucun ultimatum de la Russie ».", "negated"),
        (
            "Dès le début de la guerre, Vladimir Poutine a brandi la menace de l’arme nucléaire.",
            "old_background",
        ),
    ],
)
def test_near_misses(engine: DetectionEngine, text: str, reason: str) -> None:
    assert not _threats(engine, text, "2024-03-10")
    assert reason in near_miss_reasons(engine, text, "2024-03-10")


def test_a_threat_to_democracy_is_no_event(engine: DetectionEngine) -> None:
    assert not _threats(engine, "Disinformation is a threat to democracy, France said.", "2024-03-10")
