"""Leader calls: the issue's traps are rejected with a reason; real calls keep pair, date and initiator."""

from __future__ import annotations

from typing import Any

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import EventType
from tests.streams.detect.conftest import make_article, near_miss_reasons


def _calls(
    engine: DetectionEngine, text: str, published: str = "2020-10-21"
) -> list[tuple[tuple[str, ...], str]]:
    events = engine.detect(make_article(text, published)).events
    return [
        (tuple(sorted(p.person_id or p.name for p in e.participants)), e.date)
        for e in events
        if e.type == EventType.LEADER_CALL
    ]


def _reasons(engine: DetectionEngine, text: str, published: str = "2020-10-21") -> set[str]:
    return near_miss_reasons(engine, text, published)


def test_role_and_counterpart_resolve_by_date(engine: DetectionEngine) -> None:
    text = "In a telephone call, Turkish president late Saturday spoke to his Russian counterpart."
    assert _calls(engine, text, "2020-11-07") == [(("erdogan-recep-tayyip", "putin-vladimir"), "2020-11-07")]


def test_initiator_and_topics(engine: DetectionEngine) -> None:
    text = "Armenian Prime Minister Nikol Pashinian called Russian President Putin on Friday about Karabakh"
    event = engine.detect(make_article(text, "2020-10-02")).events[0]
    assert event.initiator == "pashinyan-nikol"
    assert "Nagorno-Karabakh" in event.topics
    assert event.rule.startswith("leader_call/called")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Putin has still not spoken with Azerbaijani President Ilham Aliyev by phone.", "negated"),
        ("Erdogan said he would call Putin to discuss the grain deal.", "plan"),
        ("Biden plans to speak by phone with Putin later this week.", "plan"),
        ("In 2019, Trump and Xi spoke by phone several times about trade.", "old_background"),
        ("Putin and Erdogan met in Sochi on Tuesday for talks on Syria.", "in_person"),
        ("FILE PHOTO: Macron speaks by phone with Putin from Bregancon, France, August 2019.", "old_caption"),
    ],
)
def test_traps_are_rejected_with_a_reason(engine: DetectionEngine, text: str, reason: str) -> None:
    assert _calls(engine, text, "2020-10-21") == []
    assert reason in _reasons(engine, text, "2020-10-21")


@pytest.mark.parametrize(
    "text",
    [
        "Macron called for Erdogan to explain the presence of Syrian fighters.",
        "Biden called Putin a killer in an interview.",
        "Erdogan called Macron's remarks unacceptable.",
        "Former U.S. President Barack Obama spoke by phone with Macron on Tuesday.",
        "Trump spoke by phone with Tesla chief executive Elon Musk on Tuesday.",
    ],
)
def test_no_call_between_leaders(engine: DetectionEngine, text: str) -> None:
    assert _calls(engine, text, "2020-10-21") == []


def test_ministers_are_an_official_contact(engine: DetectionEngine) -> None:
    text = (
        "Russian Foreign Minister Sergey Lavrov spoke by phone with Secretary of State Mike Pompeo on Tuesday"
    )
    events = engine.detect(make_article(text, "2020-10-21")).events
    assert [e.type for e in events] == [EventType.OFFICIAL_CONTACT]
    assert all(not p.is_leader for p in events[0].participants)
    assert "not_leaders" in _reasons(engine, text)


def test_same_call_reported_twice_is_one_event(engine: DetectionEngine) -> None:
    text = (
        "Putin and Macron spoke by phone on Tuesday about Karabakh. "
        "It was their second phone conversation since the September 27 outbreak of fighting."
    )
    assert _calls(engine, text) == [(("macron-emmanuel", "putin-vladimir"), "2020-10-20")]


def test_same_pair_on_different_days_are_two_events(engine: DetectionEngine) -> None:
    text = "Putin and Macron spoke by phone on Tuesday. They had also held a video call on 12 October."
    assert sorted(d for _, d in _calls(engine, text)) == ["2020-10-12", "2020-10-20"]


def test_a_language_no_detector_covers_is_tagged_counted_and_passed_through(engine: DetectionEngine) -> None:
    from prometheus_client import REGISTRY

    def undetected() -> float:
        return REGISTRY.get_sample_value("newswatch_articles_undetected_total", {"language": "it"}) or 0.0

    before = undetected()
    detection = engine.detect(
        make_article("Il presidente Mario Draghi ha avuto una videochiamata con Vladimir Putin ieri sera.")
    )
    assert detection.language == "it"
    assert detection.covered_by == ()
    assert undetected() == before + 1
    assert detection.events == ()
    assert any(m.reason.startswith("unsupported_language") for m in detection.near_misses)


def test_metrics_count_events_and_rejections(engine: DetectionEngine) -> None:
    from prometheus_client import REGISTRY

    def value(name: str, labels: dict[str, str]) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    events_before = value("newswatch_events_detected_total", {"type": "leader_call"})
    negated_before = value("newswatch_detection_rejections_total", {"reason": "negated"})
    engine.detect(
        make_article("Putin and Macron spoke by phone on Tuesday. Putin has not spoken with Aliyev by phone.")
    )
    assert value("newswatch_events_detected_total", {"type": "leader_call"}) == events_before + 1
    assert value("newswatch_detection_rejections_total", {"reason": "negated"}) == negated_before + 1
    assert (REGISTRY.get_sample_value("newswatch_detection_seconds_count") or 0) > 0


def test_fast_trigger_scan_agrees_with_the_reference_pattern(seeds_dir: Any) -> None:
    from streams.detect.call_patterns import TRIGGER, find_triggers
    from streams.detect.sentences import split_sentences
    from tests.eval.score_detection import load_passages

    texts = [str(item["text"]) for item in load_passages()]
    texts += [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("0*.txt"))]
    texts.append("They held a 40-minute call on Thursday to discuss trade, and a call on Russia to withdraw.")
    for text in texts:
        for sentence in split_sentences(text):
            slow = [(m.lastgroup, m.span()) for m in TRIGGER.finditer(sentence.text)]
            fast = [(m.lastgroup, m.span()) for m in find_triggers(sentence.text)]
            assert fast == slow, sentence.text
