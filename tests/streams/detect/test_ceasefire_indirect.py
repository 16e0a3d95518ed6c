"""Ceasefire patterns of the issue-16 real-article round, each beside the near miss it must not fire on.

Written sentences test one pattern each; the quality is measured on the real articles
(`python -m tests.eval.score_detection --set articles`).
"""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from streams.records import EventType
from tests.streams.detect.conftest import found_events, near_miss_reasons


def _violations(engine: DetectionEngine, text: str, published: str = "2016-05-03") -> list[tuple[str, str]]:
    return found_events(engine, text, EventType.CEASEFIRE_VIOLATED, published)


def _declarations(engine: DetectionEngine, text: str, published: str = "2016-05-03") -> list[tuple[str, str]]:
    return found_events(engine, text, EventType.CEASEFIRE_DECLARED, published)


def _reasons(engine: DetectionEngine, text: str, published: str = "2016-05-03") -> set[str]:
    return near_miss_reasons(engine, text, published)


# -- violations --------------------------------------------------------------------------------------------


def test_a_strike_while_a_truce_is_extended_is_a_violation(engine: DetectionEngine) -> None:
    text = (
        "Inside Aleppo, where Russia said it extended a truce that began on Wednesday until Monday, rebels "
        "said the Syrian army shelled their posts on Tuesday."
    )
    assert _violations(engine, text) == [("Syria", "2016-05-03")]


def test_twin_a_truce_extended_without_a_strike_is_no_violation(engine: DetectionEngine) -> None:
    text = "Russia said it extended a truce in Aleppo until Monday to let aid convoys into Syria."
    assert _violations(engine, text) == []


def test_twin_a_strike_before_the_truce_was_extended_is_no_violation(engine: DetectionEngine) -> None:
    text = "The Syrian army shelled rebel posts in Aleppo on Tuesday, before Russia extended the truce."
    assert _violations(engine, text) == []


def test_a_count_on_the_first_day_is_dated_by_the_truce_start(engine: DetectionEngine) -> None:
    text = (
        "France said the deal in Syria came into force on Saturday. "
        "The opposition said the cessation of hostilities was broken 15 times on the first day."
    )
    assert _violations(engine, text, "2016-02-29") == [("Syria", "2016-02-27")]


def test_twin_on_the_first_day_of_talks_without_a_start_keeps_the_publication_day(
    engine: DetectionEngine,
) -> None:
    text = "The opposition in Syria said the cessation of hostilities was broken 15 times on the first day."
    assert _violations(engine, text, "2016-02-29") == [("Syria", "2016-02-29")]


def test_violations_by_an_armed_group_in_a_named_country_are_that_country_s(engine: DetectionEngine) -> None:
    text = (
        "The Syrian government broke the truce on Tuesday, with further violations by Russia and Hezbollah."
    )
    assert _violations(engine, text) == [("Syria", "2016-05-03")]


def test_twin_an_armed_group_named_alone_still_names_its_conflict(engine: DetectionEngine) -> None:
    text = "Israel said Hezbollah violated the truce on Tuesday."
    assert _violations(engine, text) == [("Lebanon", "2016-05-03")]


def test_a_breach_that_started_the_war_is_background(engine: DetectionEngine) -> None:
    text = (
        "Hamas violated a ceasefire that was in place, slaughtered 1,200 people, basically started this war."
    )
    assert _violations(engine, text, "2024-01-29") == []
    assert "old_background" in _reasons(engine, text, "2024-01-29")


def test_twin_a_dated_breach_that_started_fighting_is_a_violation(engine: DetectionEngine) -> None:
    text = "Azerbaijan violated the ceasefire in Karabakh on Tuesday and started the war, Armenia said."
    assert _violations(engine, text, "2016-05-03") == [("Nagorno-Karabakh", "2016-05-03")]


def test_a_truce_described_by_what_has_become_of_it_is_background(engine: DetectionEngine) -> None:
    text = "The Saudis worked with us to forge a ceasefire in Sudan that has unfortunately been violated."
    assert _violations(engine, text, "2023-06-01") == []


def test_twin_a_truce_that_was_broken_at_once_is_a_violation(engine: DetectionEngine) -> None:
    text = "The Russians brokered a ceasefire in Karabakh that was almost immediately broken."
    assert _violations(engine, text, "2022-09-13") == [("Nagorno-Karabakh", "2022-09-13")]


def test_continued_violations_summed_up_are_background(engine: DetectionEngine) -> None:
    text = "This was reflected in the continued violations of the truce in Yemen."
    assert _violations(engine, text, "2015-05-20") == []
    assert "old_background" in _reasons(engine, text, "2015-05-20")


def test_twin_continued_violations_on_a_day_are_a_violation(engine: DetectionEngine) -> None:
    text = "Monitors reported continued violations of the truce in Yemen on Tuesday."
    assert _violations(engine, text, "2015-05-20") == [("Yemen", "2015-05-19")]


def test_violations_summed_up_since_a_day_are_background(engine: DetectionEngine) -> None:
    text = "The United States has monitored allegations of truce violations in Sudan since July 5."
    assert _violations(engine, text, "2024-07-17") == []


def test_twin_a_violation_since_a_day_s_truce_is_a_violation(engine: DetectionEngine) -> None:
    text = "Rebels in Sudan violated the truce in force since July 5 on Tuesday."
    assert _violations(engine, text, "2024-07-17") == [("Sudan", "2024-07-16")]


def test_an_undated_breach_of_a_truce_made_months_ago_is_background(engine: DetectionEngine) -> None:
    text = (
        "The towns were part of a local ceasefire deal in Syria agreed in September, but implementation "
        "has been halting, with some fighting around Madaya despite the truce."
    )
    assert _violations(engine, text, "2016-01-11") == []


def test_twin_an_undated_breach_of_a_truce_made_this_month_is_a_violation(engine: DetectionEngine) -> None:
    text = (
        "The towns were part of a local ceasefire deal in Syria agreed in January, but there was fighting "
        "around Madaya despite the truce."
    )
    assert _violations(engine, text, "2016-01-11") == [("Syria", "2016-01-11")]


def test_a_reporter_s_question_in_a_transcript_reports_nothing(engine: DetectionEngine) -> None:
    text = (
        "Q    The ambassador says the U.S. is saying that the ceasefire in Sudan has collapsed.  Who is "
        "responsible?\n\nMR. KIRBY:  We are working with our partners."
    )
    assert _violations(engine, text, "2023-06-01") == []
    assert "question" in _reasons(engine, text, "2023-06-01")


def test_twin_the_answer_in_a_transcript_reports(engine: DetectionEngine) -> None:
    text = (
        "Q    What happened in Sudan?\n\nMR. KIRBY:  The ceasefire in Sudan collapsed yesterday.  We are "
        "working with our partners."
    )
    assert _violations(engine, text, "2023-06-01") == [("Sudan", "2023-05-31")]


# -- declarations ------------------------------------------------------------------------------------------


def test_a_truce_named_by_its_announcement_is_background(engine: DetectionEngine) -> None:
    text = (
        "The Presidents agreed that the time is now to fully implement the cessation of hostilities "
        "announced on November 26, 2024, and for Lebanon to recover."
    )
    assert _declarations(engine, text, "2025-01-09") == []


def test_twin_a_truce_announced_that_day_is_a_declaration(engine: DetectionEngine) -> None:
    text = "Israel and Lebanon announced a cessation of hostilities on November 26, 2024."
    assert _declarations(engine, text, "2024-11-27") == [("Lebanon", "2024-11-26")]


def test_a_truce_that_began_days_ago_is_background(engine: DetectionEngine) -> None:
    text = "The partial cease-fire in Syria that began on Monday night is showing signs of fraying."
    assert _declarations(engine, text, "2016-09-16") == []


def test_twin_a_truce_beginning_is_a_declaration(engine: DetectionEngine) -> None:
    text = "A partial cease-fire began in Syria on Monday night."
    assert _declarations(engine, text, "2016-09-13") == [("Syria", "2016-09-12")]


def test_an_undated_start_takes_the_day_the_article_gives(engine: DetectionEngine) -> None:
    text = (
        "A five-day humanitarian ceasefire has begun in Yemen. "
        "It was not clear if both sides were honouring the truce, which began at 11pm on Tuesday."
    )
    assert _declarations(engine, text, "2015-05-13") == [("Yemen", "2015-05-12")]


def test_twin_an_undated_start_without_a_day_is_the_publication_day(engine: DetectionEngine) -> None:
    text = "A five-day humanitarian ceasefire has begun in Yemen."
    assert _declarations(engine, text, "2015-05-13") == [("Yemen", "2015-05-13")]


def test_a_truce_of_an_earlier_year_is_background(engine: DetectionEngine) -> None:
    for text in (
        "The worst violence in Karabakh since a 1994 ceasefire was announced by Azerbaijan today.",
        "By 1994, when a ceasefire was agreed, Armenians controlled almost all of Nagorno-Karabakh.",
        "She appeared at an event to mark 67 years since the armistice that was signed in Korea.",
        "As you all know, the parties in Sudan agreed a 72-hour ceasefire starting on April 24th.",
        "The two sides in Gaza last month reached a deal to revive a fragile truce.",
    ):
        assert _declarations(engine, text, "2020-09-30") == [], text


def test_twin_a_truce_of_this_year_is_a_declaration(engine: DetectionEngine) -> None:
    text = "The parties in Sudan agreed a 2020 ceasefire on Tuesday."
    assert _declarations(engine, text, "2020-09-30") == [("Sudan", "2020-09-29")]


def test_a_truce_not_yet_in_force_is_planned(engine: DetectionEngine) -> None:
    for text in (
        "Fighting continued in Syria ahead of a partial cease-fire that is supposed to come into effect "
        "at midnight.",
        "Militants left areas of Idlib to avoid attack once the cease-fire comes into effect.",
        "Major powers agreed on Friday to implement a cessation of hostilities in Syria.",
        "Diplomats agreed Friday to work toward a cessation of hostilities in Syria.",
        "Powers agreed on Friday to a cessation of hostilities in Syria but the deal does not take effect "
        "until the end of the week.",
        'The opposition in Syria agreed to the "possibility" of a temporary truce on Friday.',
        "The parties in Syria agreed in principle to a truce on Friday.",
    ):
        assert _declarations(engine, text, "2016-02-12") == [], text
        assert "plan" in _reasons(engine, text, "2016-02-12"), text


def test_twin_a_truce_agreed_and_in_force_is_a_declaration(engine: DetectionEngine) -> None:
    text = "Major powers agreed on Friday to a cessation of hostilities in Syria, which took effect at once."
    assert _declarations(engine, text, "2016-02-12") == [("Syria", "2016-02-12")]


def test_the_start_day_of_an_announced_truce_does_not_date_the_announcement(engine: DetectionEngine) -> None:
    text = (
        "The United States and Russia announced a cessation of hostilities in Syria that would take effect "
        "on Saturday."
    )
    assert _declarations(engine, text, "2016-02-22") == [("Syria", "2016-02-22")]


def test_a_center_to_monitor_the_truce_is_no_declaration(engine: DetectionEngine) -> None:
    text = (
        "Washington and Moscow have announced a new joint center in Geneva to monitor the ceasefire in Syria."
    )
    assert _declarations(engine, text) == []


def test_twin_a_truce_announced_with_a_center_is_a_declaration(engine: DetectionEngine) -> None:
    text = "Washington and Moscow announced a ceasefire in Syria and a center to monitor it."
    assert _declarations(engine, text) == [("Syria", "2016-05-03")]


def test_a_brokered_truce_named_as_such_is_no_declaration(engine: DetectionEngine) -> None:
    for text in (
        "Kerry named two problems that have damaged an internationally-brokered ceasefire in Syria.",
        "The Kremlin said the leaders agreed that the cessation of hostilities in Syria had started yielding "
        "results.",
        "Russian strikes hit areas of Syria since the truce deal took effect.",
        "The two parties in Sudan have not abided by the various ceasefires that they have signed.",
    ):
        assert _declarations(engine, text) == [], text


def test_a_which_clause_speaks_of_the_truce_before_it(engine: DetectionEngine) -> None:
    text = (
        "The opposition said the cessation of hostilities in Syria, which came into force on Saturday, was "
        "broken by the government 15 times on the first day."
    )
    assert _violations(engine, text, "2016-02-29") == [("Syria", "2016-02-27")]
    assert _declarations(engine, text, "2016-02-29") == []


def test_twin_a_which_clause_after_something_else_is_not_the_truce_s(engine: DetectionEngine) -> None:
    text = "The truce envoy visited the town in Syria, which was broken by the siege on Saturday."
    assert _violations(engine, text, "2016-02-29") == []


def test_a_war_that_began_is_no_truce_that_began(engine: DetectionEngine) -> None:
    text = (
        "Biden thanked the Sultan for the UN-mediated truce in Yemen, which over the past year has seen "
        "its longest calm since the war began."
    )
    assert _declarations(engine, text, "2023-03-07") == []


def test_a_truce_in_a_place_named_by_its_announcement_is_background(engine: DetectionEngine) -> None:
    text = "The leaders agreed to implement the cessation of hostilities in Lebanon announced on November 26."
    assert _declarations(engine, text, "2024-12-09") == []


def test_a_strike_inside_a_de_escalation_zone_is_a_violation(engine: DetectionEngine) -> None:
    text = "Government forces bombed towns inside the Idlib de-escalation zone in Syria on Tuesday."
    assert _violations(engine, text, "2017-05-09") == [("Idlib", "2017-05-09")]


def test_twin_aid_inside_a_de_escalation_zone_is_no_event(engine: DetectionEngine) -> None:
    text = "Aid reached towns inside the Idlib de-escalation zone in Syria on Tuesday."
    assert _violations(engine, text, "2017-05-09") == []
    assert _declarations(engine, text, "2017-05-09") == []


def test_de_escalation_zones_agreed_are_a_declaration(engine: DetectionEngine) -> None:
    text = "Russia, Turkey and Iran agreed on Thursday to set up four de-escalation zones in Syria."
    assert _declarations(engine, text, "2017-05-09") == [("Syria", "2017-05-04")]


def test_twin_de_escalation_zones_proposed_are_an_appeal(engine: DetectionEngine) -> None:
    text = "Russia proposed creating de-escalation zones in Syria."
    assert _declarations(engine, text, "2017-05-09") == []
    assert "appeal" in _reasons(engine, text, "2017-05-09")


def test_a_truce_supposed_is_no_declaration(engine: DetectionEngine) -> None:
    text = (
        "Russia said it will not stop its airstrikes in Syria, even if there is international agreement on "
        "a temporary truce."
    )
    assert _declarations(engine, text, "2016-02-21") == []
    assert "conditional" in _reasons(engine, text, "2016-02-21")


def test_twin_a_truce_agreed_that_may_not_hold_is_a_declaration(engine: DetectionEngine) -> None:
    text = "The parties in Syria agreed on a temporary truce on Friday, if it holds."
    assert _declarations(engine, text, "2016-02-21") == [("Syria", "2016-02-19")]
