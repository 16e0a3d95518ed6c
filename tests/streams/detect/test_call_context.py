"""Calls told across sentences: the headline or a neighbouring sentence gives the medium (issue 16)."""

from __future__ import annotations

from typing import Any

from streams.detect.engine import DetectionEngine
from streams.records import EventType
from tests.streams.detect.conftest import make_article

BIDEN_PUTIN = ("biden-joe", "putin-vladimir")


def _calls(engine: DetectionEngine, text: str, title: str = "", published: str = "2021-04-13") -> list[Any]:
    events = engine.detect(make_article(text, published, title=title)).events
    return [
        (tuple(sorted(p.person_id or p.name for p in e.participants)), e.date)
        for e in events
        if e.type == EventType.LEADER_CALL
    ]


def _reasons(engine: DetectionEngine, text: str, title: str = "", published: str = "2021-04-13") -> set[str]:
    return {m.reason for m in engine.detect(make_article(text, published, title=title)).near_misses}


READOUT = (
    "President Joseph R. Biden, Jr. spoke today with President Vladimir Putin of Russia. "
    "They discussed arms control."
)


def test_headline_gives_the_medium_of_a_readout(engine: DetectionEngine) -> None:
    title = "Readout of President Joseph R. Biden, Jr. Call with President Vladimir Putin of Russia"
    assert _calls(engine, READOUT, title) == [(BIDEN_PUTIN, "2021-04-13")]


def test_twin_without_a_medium_in_the_headline_is_no_call(engine: DetectionEngine) -> None:
    title = "Readout of President Joseph R. Biden, Jr. Meeting with President Vladimir Putin of Russia"
    assert _calls(engine, READOUT, title) == []


def test_twin_headline_announcing_the_call_is_no_call(engine: DetectionEngine) -> None:
    title = "Statement on the Upcoming Phone Call with President Vladimir Putin of Russia"
    assert _calls(engine, READOUT, title) == []


def test_upcoming_phone_call_in_a_sentence_is_a_plan(engine: DetectionEngine) -> None:
    text = "The White House announced the upcoming phone call between President Biden and President Putin."
    assert _calls(engine, text) == []
    assert "plan" in _reasons(engine, text)


def test_adjacent_sentence_gives_the_medium(engine: DetectionEngine) -> None:
    text = "President Biden spoke with President Putin on Tuesday. The call lasted an hour."
    assert _calls(engine, text) == [(BIDEN_PUTIN, "2021-04-13")]


def test_twin_adjacent_sentence_about_a_meeting_is_no_call(engine: DetectionEngine) -> None:
    text = "President Biden spoke with President Putin on Tuesday. The meeting lasted an hour."
    assert _calls(engine, text) == []


def test_twin_medium_two_sentences_away_in_the_body_is_no_call(engine: DetectionEngine) -> None:
    text = (
        "President Biden spoke with President Putin on Tuesday. The meeting lasted an hour. "
        "Aides held a phone call on trade the week before."
    )
    assert _calls(engine, text) == []


def test_promoted_sentence_keeps_its_plan(engine: DetectionEngine) -> None:
    title = "Readout of President Biden's Call with President Putin"
    text = (
        "President Biden spoke with President Putin. "
        "President Biden will speak with Chancellor Merkel next week."
    )
    assert _calls(engine, text, title) == [(BIDEN_PUTIN, "2021-04-13")]


def test_two_named_before_spoke_talked_together(engine: DetectionEngine) -> None:
    title = "Readout of President Joseph R. Biden, Jr. Call with Prime Minister Boris Johnson"
    text = "President Joe Biden and Prime Minister Boris Johnson of Britain spoke today about Kabul."
    assert _calls(engine, text, title, "2021-08-23") == [(("biden-joe", "johnson-boris"), "2021-08-23")]


def test_twin_one_leader_speaking_about_another_is_no_call(engine: DetectionEngine) -> None:
    title = "Readout of President Joseph R. Biden, Jr. Call with Prime Minister Boris Johnson"
    text = "President Joe Biden spoke today about the plan of Prime Minister Boris Johnson for Kabul."
    assert _calls(engine, text, title, "2021-08-23") == []


def test_bare_title_subject_is_the_leader_of_the_headline(engine: DetectionEngine) -> None:
    title = "Readout of President Joseph R. Biden, Jr. Call with Prime Minister Benjamin Netanyahu of Israel"
    text = "The President spoke today with Israeli Prime Minister Netanyahu. He condemned the attacks."
    assert _calls(engine, text, title, "2021-05-15") == [(("biden-joe", "netanyahu-benjamin"), "2021-05-15")]


def test_twin_bare_title_subject_without_a_leader_before_is_no_call(engine: DetectionEngine) -> None:
    title = "Readout of the Call with Prime Minister Benjamin Netanyahu of Israel"
    text = "The President spoke today with Israeli Prime Minister Netanyahu. He condemned the attacks."
    assert _calls(engine, text, title, "2021-05-15") == []


def test_spoke_with_counts_when_another_call_word_in_the_sentence_fails(engine: DetectionEngine) -> None:
    title = "Readout of President Joe Biden Call with Prime Minister Justin Trudeau of Canada"
    text = "President Biden spoke with Prime Minister Justin Trudeau in his first call to a foreign leader."
    assert _calls(engine, text, title, "2021-01-22") == [(("biden-joe", "trudeau-justin"), "2021-01-22")]


GROUP_BODY = (
    "President Biden held a secure video call with European leaders today. They discussed Ukraine. "
    "Participants in the {what} included President Emmanuel Macron of France and Chancellor Olaf Scholz."
)


def test_participant_list_adds_the_host_named_before(engine: DetectionEngine) -> None:
    text = GROUP_BODY.format(what="call")
    title = "Readout of President Biden's Video Call with European Leaders"
    assert _calls(engine, text, title, "2022-01-24") == [
        (("biden-joe", "macron-emmanuel", "scholz-olaf"), "2022-01-24")
    ]


def test_twin_participant_list_of_a_meeting_is_no_call(engine: DetectionEngine) -> None:
    text = GROUP_BODY.format(what="meeting").replace("secure video call", "meeting")
    title = "Readout of President Biden's Meeting with European Leaders"
    assert _calls(engine, text, title, "2022-01-24") == []


def test_leaders_of_a_list_of_countries_are_each_a_party(engine: DetectionEngine) -> None:
    text = (
        "In a conference call between the leaders of Germany, France, Britain, Italy and Russia, "
        "Putin confirmed Russia's commitment to the ceasefire."
    )
    assert _calls(engine, text, published="2016-03-04") == [
        (
            ("cameron-david", "hollande-francois", "merkel-angela", "putin-vladimir", "renzi-matteo"),
            "2016-03-04",
        )
    ]


def test_twin_the_list_stops_at_a_word_that_is_no_country(engine: DetectionEngine) -> None:
    text = "In a conference call between the leaders of Germany, European officials and Russia, Putin spoke."
    assert _calls(engine, text, published="2016-03-04") == [
        (("merkel-angela", "putin-vladimir"), "2016-03-04")
    ]


def test_twin_one_leader_of_a_country_takes_no_list(engine: DetectionEngine) -> None:
    text = "The leader of Germany, France's foreign minister and an aide held a phone call on Friday."
    assert _calls(engine, text, published="2016-03-04") == []
