"""Sanctions: imposed, extended or lifted by a state or a bloc on a side, in four languages; calls,
proposals, threats, talks, refusals and sanctions named as background are near misses."""

from __future__ import annotations

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import Article, EventType
from tests.streams.detect.conftest import make_article, near_miss_reasons


def _sanctions(engine: DetectionEngine, text: str, published: str) -> set[tuple[str, str, str, str]]:
    """(sanctioning side, sanctioned states, kind, date) of each sanctions event."""
    events = engine.detect(make_article(text, published)).events
    return {
        (
            e.initiator or "",
            ",".join(sorted(t.removeprefix("party:") for t in e.topics if t.startswith("party:"))),
            next(t.removeprefix("kind:") for t in e.topics if t.startswith("kind:")),
            e.date,
        )
        for e in events
        if e.type == EventType.SANCTIONS
    }


def test_no_sanctions_in_the_seeds(engine: DetectionEngine, seed_articles: dict[str, Article]) -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        events = engine.detect(seed_articles[prefix]).events
        assert not [e for e in events if e.type == EventType.SANCTIONS], prefix


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "The United States imposed new sanctions on Russia on Tuesday.",
            "2022-04-07",
            {("United States", "RUS", "imposed", "2022-04-05")},
        ),
        (
            "The European Union extended its economic sanctions against Russia for six months.",
            "2022-07-26",
            {("European Union", "RUS", "extended", "2022-07-26")},
        ),
        (
            "Britain and Canada imposed sanctions on Iran.",
            "2022-10-10",
            {("United Kingdom", "IRN", "imposed", "2022-10-10"), ("Canada", "IRN", "imposed", "2022-10-10")},
        ),
        (
            "США и Великобритания ввели новые санкции против России.",
            "2023-02-24",
            {
                ("United States", "RUS", "imposed", "2023-02-24"),
                ("United Kingdom", "RUS", "imposed", "2023-02-24"),
            },
        ),
        (
            "Евросоюз продлил экономические санкции против России.",
            "2023-01-27",
            {("European Union", "RUS", "extended", "2023-01-27")},
        ),
        (
            "L’Union européenne a adopté lundi des sanctions contre l’Iran.",
            "2022-10-19",
            {("European Union", "IRN", "imposed", "2022-10-17")},
        ),
        (
            "La Cédéao a levé les sanctions économiques contre le Mali.",
            "2022-07-04",
            {("ECOWAS", "MLI", "lifted", "2022-07-04")},
        ),
        (
            "伊朗外交部16日宣布对61名美国人实施制裁。",
            "2022-07-17",
            {("Iran", "USA", "imposed", "2022-07-16")},
        ),
    ],
)
def test_acts_in_each_language(
    engine: DetectionEngine, text: str, published: str, expected: set[tuple[str, str, str, str]]
) -> None:
    assert _sanctions(engine, text, published) == expected


def test_event_fields_codes_severity_and_summary(engine: DetectionEngine) -> None:
    text = "ECOWAS lifted its sanctions on Mali on Sunday."
    (event,) = [
        e for e in engine.detect(make_article(text, "2022-07-04")).events if e.type == EventType.SANCTIONS
    ]
    assert (event.cameo, event.plover_category) == ("163", "SANCTION")
    assert event.severity == "info"  # a lifting; imposed and extended are warnings
    assert [p.name for p in event.participants] == ["ECOWAS", "Mali"]
    assert event.participants[0].country is None  # a bloc, no state
    assert event.summary.startswith("sanctions: ECOWAS – Mali, 2022-07-03")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Zelensky called on the West to impose sanctions on Russia now.", "appeal"),
        ("Poland proposed new sanctions against Russia.", "proposal"),
        ("The United States threatened to impose sanctions on China.", "threat"),
        ("The European Union is discussing new sanctions on Russia.", "talks"),
        ("Hungary refused to impose sanctions on Russia.", "negated"),
        ("The sanctions the United States imposed on Iran in 2012 hurt its economy.", "old_background"),
        ("Страны, которые ввели санкции против России, платят за газ больше.", "old_background"),
        ("Россия может ввести санкции против Украины в случае провокаций.", "threat"),
        ("马来西亚和越南不支持对俄罗斯实施制裁。", "negated"),
        ("La Commission européenne propose d’étendre les sanctions contre la Russie.", "proposal"),
    ],
)
def test_near_misses(engine: DetectionEngine, text: str, reason: str) -> None:
    assert _sanctions(engine, text, "2022-09-21") == set()
    assert reason in near_miss_reasons(engine, text, "2022-09-21")


def test_the_side_after_a_target_word_is_the_target(engine: DetectionEngine) -> None:
    # "对" introduces the target: China sanctions the United States, not the other way round.
    found = _sanctions(engine, "外交部发言人宣布中方对美国国会众议长实施制裁。", "2022-08-05")
    assert found == {("China", "USA", "imposed", "2022-08-05")}
    # A side named only in an earlier clause is not taken for the sanctioning one.
    text = "Guerre en Ukraine en direct : nouvelles sanctions contre la Russie."
    assert _sanctions(engine, text, "2022-03-24") == set()


def test_a_headline_takes_its_leads_day(engine: DetectionEngine) -> None:
    text = (
        "Евросоюз ввел девятый пакет санкций против России\n\n"
        "С вечера пятницы действует девятый пакет санкций."
    )
    assert _sanctions(engine, text, "2022-12-18") == {("European Union", "RUS", "imposed", "2022-12-16")}


def test_sides_joined_after_the_act_each_sanction(engine: DetectionEngine) -> None:
    text = (
        "We welcome the new sanctions adopted today by the European Union and the United Kingdom "
        "against 29 Iranians."
    )
    assert _sanctions(engine, text, "2022-11-14") == {
        ("European Union", "IRN", "imposed", "2022-11-14"),
        ("United Kingdom", "IRN", "imposed", "2022-11-14"),
    }


def test_a_dash_ends_the_clause_of_the_side_held_accountable(engine: DetectionEngine) -> None:
    # "holding Iran accountable—imposing new sanctions on Iran": Iran is no sanctioning side.
    text = "And today, we are holding Iran accountable—imposing new sanctions and export controls on Iran."
    assert _sanctions(engine, text, "2024-04-18") == set()
    assert "no_sanctioner" in near_miss_reasons(engine, text, "2024-04-18")


def test_a_tally_of_past_sanctions_is_background(engine: DetectionEngine) -> None:
    text = "Over the last three years, the United States has sanctioned over 600 individuals and entities."
    assert _sanctions(engine, text, "2024-04-16") == set()
    assert "old_background" in near_miss_reasons(engine, text, "2024-04-16")
