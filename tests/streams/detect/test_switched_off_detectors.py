"""A detector whose every type is switched off is not built (it costs nothing per article); one that still
reports a type that is on is built, and the engine's answers for the types on do not change."""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from streams.detect.registry import DETECTORS, REPORTED_TYPES
from streams.records import Article, EventType

TODAYS = {"leader_call", "official_contact", "ceasefire_declared", "ceasefire_violated"}


def test_only_detectors_with_a_type_on_are_built(engine: DetectionEngine) -> None:
    todays = DetectionEngine(engine.gazetteer, disabled=set(EventType.ALL) - TODAYS)
    assert [detector.name for detector in todays.detectors] == ["leader_call", "ceasefire"]
    # official_contact still on: the leader_call detector reports it, so it is built.
    calls_off = DetectionEngine(engine.gazetteer, disabled={"leader_call", "armed_attack"})
    assert "leader_call" in {detector.name for detector in calls_off.detectors}
    assert "armed_attack" not in {detector.name for detector in calls_off.detectors}


def test_every_reported_type_is_a_built_in_type() -> None:
    for name in DETECTORS:
        assert REPORTED_TYPES.get(name, frozenset({name})) <= set(EventType.ALL)


def test_the_events_of_the_types_on_are_unchanged(
    engine: DetectionEngine, seed_articles: dict[str, Article]
) -> None:
    todays = DetectionEngine(engine.gazetteer, disabled=set(EventType.ALL) - TODAYS)
    for seed in seed_articles.values():
        every = engine.detect(seed)
        kept = tuple(event for event in every.events if event.type in TODAYS)
        assert todays.detect(seed).events == kept
        assert todays.detect(seed).language == every.language
