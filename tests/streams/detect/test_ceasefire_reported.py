"""Violations told indirectly count; tallies, threats, questions and old breakdowns do not (issue 16)."""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from streams.records import EventType
from tests.streams.detect.conftest import found_events, near_miss_reasons


def _violations(engine: DetectionEngine, text: str, published: str = "2016-05-03") -> list[tuple[str, str]]:
    return found_events(engine, text, EventType.CEASEFIRE_VIOLATED, published)


def _reasons(engine: DetectionEngine, text: str, published: str = "2016-05-03") -> set[str]:
    return near_miss_reasons(engine, text, published)


def test_a_dated_count_of_violations_is_a_violation(engine: DetectionEngine) -> None:
    text = "More than 300 violations of the ceasefire in Syria were recorded overnight."
    assert _violations(engine, text) == [("Syria", "2016-05-02")]


def test_twin_an_undated_tally_of_violations_is_background(engine: DetectionEngine) -> None:
    text = "Since then, both sides in Syria have reported over 7,000 breaches of the ceasefire."
    assert _violations(engine, text) == []
    assert "old_background" in _reasons(engine, text)


def test_twin_repeated_violations_summed_up_are_background(engine: DetectionEngine) -> None:
    text = "Kerry said he was working on a deal in Syria despite repeated violations of the truce."
    assert _violations(engine, text) == []


def test_a_truce_wrecked_by_fighting_is_a_violation(engine: DetectionEngine) -> None:
    text = "Fighting in Aleppo on Tuesday wrecked the first major ceasefire of the war."
    assert _violations(engine, text) == [("Syria", "2016-05-03")]


def test_twin_a_conditional_collapse_is_no_violation(engine: DetectionEngine) -> None:
    text = "If this happens in Aleppo, the truce will collapse, he said."
    assert _violations(engine, text) == []
    assert "conditional" in _reasons(engine, text)


def test_twin_expected_breaches_are_no_violation(engine: DetectionEngine) -> None:
    text = "The United Nations said it expected breaches in the temporary truce in Syria."
    assert _violations(engine, text) == []


def test_twin_a_question_about_a_violation_is_no_violation(engine: DetectionEngine) -> None:
    text = "Does the U.S. view the attack in Damascus as a violation of the ongoing truce?"
    assert _violations(engine, text) == []
    assert "question" in _reasons(engine, text)


def test_twin_a_ceasefire_that_collapsed_months_ago_is_background(engine: DetectionEngine) -> None:
    text = "Violence has escalated in the southeast since a two-year ceasefire collapsed in July."
    assert _violations(engine, text, "2016-01-12") == []
    assert "old_background" in _reasons(engine, text, "2016-01-12")


def test_a_ceasefire_that_collapsed_this_month_is_a_violation(engine: DetectionEngine) -> None:
    text = "A two-year ceasefire in Syria collapsed in January."
    assert _violations(engine, text, "2016-01-12") == [("Syria", "2016-01-12")]


def test_the_syrian_army_names_the_syrian_conflict(engine: DetectionEngine) -> None:
    text = "Shelling erupted near Damascus overnight on Tuesday despite a truce announced by the Syrian army."
    assert _violations(engine, text) == [("Syria", "2016-05-03")]


def test_twin_sporadic_fighting_despite_a_truce_is_background(engine: DetectionEngine) -> None:
    text = (
        "But despite the ceasefire in Syria, sporadic hostilities continued, both sides fighting for years."
    )
    assert _violations(engine, text) == []
    assert "old_background" in _reasons(engine, text)


def test_dated_sporadic_shelling_despite_a_truce_is_a_violation(engine: DetectionEngine) -> None:
    text = "Sporadic shelling hit Aleppo on Tuesday despite the ceasefire in Syria."
    assert _violations(engine, text) == [("Syria", "2016-05-03")]


def test_the_first_air_strike_since_a_truce_began_is_a_violation(engine: DetectionEngine) -> None:
    text = (
        "The monitor said warplanes on Tuesday mounted the first air strike against Douma near Damascus "
        "since the start of the cessation of hostilities."
    )
    assert _violations(engine, text) == [("Syria", "2016-05-03")]


def test_twin_fighting_that_subsided_since_a_truce_began_is_no_violation(engine: DetectionEngine) -> None:
    text = "Fighting near Damascus has largely subsided since the start of the cessation of hostilities."
    assert _violations(engine, text) == []


def test_an_offensive_on_the_last_day_of_a_truce_is_a_violation(engine: DetectionEngine) -> None:
    text = "In Taiz, Houthi fighters pressed their offensive on the final day of the five-day truce in Yemen."
    assert _violations(engine, text) == [("Yemen", "2016-05-03")]


def test_twin_aid_on_the_last_day_of_a_truce_is_no_violation(engine: DetectionEngine) -> None:
    text = "Aid convoys reached Taiz on the final day of the five-day truce in Yemen."
    assert _violations(engine, text) == []


def test_the_cessation_named_alone_is_the_truce(engine: DetectionEngine) -> None:
    text = "Warplanes on Tuesday mounted the first air strike in Syria since the start of the cessation."
    assert _violations(engine, text) == [("Syria", "2016-05-03")]


def test_twin_the_cessation_of_something_else_is_no_truce(engine: DetectionEngine) -> None:
    text = (
        "Warplanes on Tuesday struck Douma in Syria, the first raid since the start of the cessation of aid."
    )
    assert _violations(engine, text) == []


def test_an_example_in_the_next_sentence_dates_the_violations(engine: DetectionEngine) -> None:
    text = (
        "Over the last few days, we have seen a major uptick in violations of the ceasefire in the Donbas. "
        "For example, a shelling of a kindergarten yesterday."
    )
    assert _violations(engine, text, "2022-02-18") == [("Donbas", "2022-02-17")]


def test_twin_a_next_sentence_that_is_no_example_does_not_date_them(engine: DetectionEngine) -> None:
    text = (
        "Over the last few days, we have seen a major uptick in violations of the ceasefire in the Donbas. "
        "Talks in Minsk ended yesterday."
    )
    assert _violations(engine, text, "2022-02-18") == [("Donbas", "2022-02-18")]
