"""Ceasefire patterns of issue 16 (third real-article round), each beside the near miss it must not fire on.

Old breakdowns named as background, worries about violations, negated breaches, and violations told indirectly
("violence has continued despite a ceasefire", "has not halted the fighting"). Quality is measured on the
real articles (`python -m tests.eval.score_detection --set articles`).
"""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from streams.records import EventType
from tests.streams.detect.conftest import found_events


def _violations(engine: DetectionEngine, text: str, published: str = "2016-06-08") -> list[tuple[str, str]]:
    return found_events(engine, text, EventType.CEASEFIRE_VIOLATED, published)


def _dates(engine: DetectionEngine, text: str, published: str = "2016-06-08") -> list[str]:
    return [day for _, day in _violations(engine, text, published)]


# -- old breakdowns ------------------------------------------------------------------------------------------


def test_a_breakdown_named_as_a_starting_point_is_background(engine: DetectionEngine) -> None:
    text = "Violence has spiraled in southeast Turkey since a ceasefire with the PKK collapsed."
    assert _violations(engine, text) == []


def test_twin_a_breakdown_told_as_news_is_a_violation(engine: DetectionEngine) -> None:
    text = "A ceasefire with the PKK collapsed in southeast Turkey on Tuesday as violence spiraled."
    assert _dates(engine, text) == ["2016-06-07"]


def test_a_breakdown_a_year_ago_is_background(engine: DetectionEngine) -> None:
    text = "The PKK insurgency goes on in Turkey, where the ceasefire collapsed almost a year ago."
    assert _violations(engine, text) == []


def test_twin_a_breakdown_two_days_ago_is_a_violation(engine: DetectionEngine) -> None:
    text = "The PKK insurgency goes on in Turkey, where the ceasefire collapsed two days ago."
    assert _dates(engine, text) == ["2016-06-06"]


def test_a_breakdown_dated_by_an_earlier_month_is_background(engine: DetectionEngine) -> None:
    text = "The Kremlin urged talks after the Feb. 27 ceasefire in Syria collapsed in April."
    assert _violations(engine, text, "2016-05-23") == []


def test_twin_a_breakdown_in_the_month_of_publication_is_a_violation(engine: DetectionEngine) -> None:
    text = "The Kremlin urged talks after the Feb. 27 ceasefire in Syria collapsed in April."
    assert _violations(engine, text, "2016-04-28") == [("Syria", "2016-04-28")]


def test_a_breach_the_next_sentence_dates_long_before_is_background(engine: DetectionEngine) -> None:
    text = (
        "Hamas is the obstacle in Gaza, and they violated a ceasefire. "
        "There was a ceasefire in place on the 6th of October, which they decided to break."
    )
    assert _violations(engine, text, "2024-09-05") == []


def test_twin_a_truce_the_next_sentence_dates_long_before_keeps_the_breach(engine: DetectionEngine) -> None:
    text = "Hamas violated a ceasefire in Gaza, Israel said. The ceasefire was agreed on the 6th of October."
    assert _violations(engine, text, "2024-09-05") == [("Gaza", "2024-09-05")]


def test_twin_a_breach_the_next_sentence_dates_recently_is_a_violation(engine: DetectionEngine) -> None:
    text = (
        "Hamas is the obstacle in Gaza, and they violated a ceasefire. "
        "There was a ceasefire in place on Monday, which they decided to break."
    )
    assert _violations(engine, text, "2024-09-05") == [("Gaza", "2024-09-05")]


# -- worries, negations ------------------------------------------------------------------------------------


def test_concerns_about_violations_are_an_undated_trend(engine: DetectionEngine) -> None:
    text = "Both leaders expressed concerns about violations of a ceasefire in eastern Ukraine."
    assert _violations(engine, text, "2016-04-24") == []


def test_twin_an_increase_in_violations_dated_yesterday_is_a_violation(engine: DetectionEngine) -> None:
    text = "We are deeply concerned by the increase in ceasefire violations in Sudan yesterday."
    assert _violations(engine, text, "2023-04-27") == [("Sudan", "2023-04-26")]


def test_twin_concerns_dated_by_the_example_after_them_are_a_violation(engine: DetectionEngine) -> None:
    text = (
        "We are concerned about violations of the ceasefire in the Donbas. "
        "For example, a shelling of a kindergarten yesterday."
    )
    assert _violations(engine, text, "2022-02-18") == [("Donbas", "2022-02-17")]


def test_groups_that_have_not_broken_the_truce_is_negated(engine: DetectionEngine) -> None:
    text = (
        "The army will block all armed groups in Aleppo which have not joined or broken the ceasefire deal."
    )
    assert _violations(engine, text, "2016-04-10") == []


def test_twin_groups_that_broke_the_truce_is_a_violation(engine: DetectionEngine) -> None:
    text = "Armed groups in Aleppo broke the ceasefire deal on Saturday."
    assert _violations(engine, text, "2016-04-10") == [("Syria", "2016-04-09")]


# -- violations told indirectly ------------------------------------------------------------------------------


def test_violence_despite_a_ceasefire_is_a_violation(engine: DetectionEngine) -> None:
    text = "Despite a ceasefire agreement, senseless violence has continued across Sudan."
    assert _violations(engine, text, "2023-06-01") == [("Sudan", "2023-06-01")]


def test_twin_aid_held_up_despite_a_ceasefire_is_no_violation(engine: DetectionEngine) -> None:
    text = "Despite a ceasefire agreement, aid has not reached the people of Sudan."
    assert _violations(engine, text, "2023-06-01") == []


def test_fighting_a_truce_did_not_halt_is_a_violation(engine: DetectionEngine) -> None:
    text = (
        "The truce deal has reduced violence although not halted the fighting, with further hostilities "
        "reported in western Syria on Friday."
    )
    assert _violations(engine, text, "2016-03-12") == [("Syria", "2016-03-11")]


def test_twin_a_truce_that_halted_the_fighting_is_no_violation(engine: DetectionEngine) -> None:
    text = "The truce deal has halted the fighting in western Syria since Friday."
    assert _violations(engine, text, "2016-03-12") == []
