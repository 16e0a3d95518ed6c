"""Per-type settings: a switched-off type finds nothing, a chosen severity replaces the detector's, a type's
route is tried first; bad names fail at load with the known names."""

from __future__ import annotations

import pytest

from alerts.routing import build_routes, select_routes
from streams.detect.engine import DetectionEngine
from streams.detect.rules import RuleSet
from streams.errors import ConfigError
from streams.records import Alert, Article, Event, EventType
from streams.settings.loader import load_settings, settings_from_mapping
from tests.streams.detect.conftest import make_article


def test_a_switched_off_type_is_dropped_and_a_severity_replaces_the_detectors(
    engine: DetectionEngine, seed_articles: dict[str, Article]
) -> None:
    seed = seed_articles["004"]
    default_types = {event.type for event in engine.detect(seed).events}
    assert {EventType.LEADER_CALL, EventType.CEASEFIRE_VIOLATED} <= default_types
    settings = load_settings(
        environ={
            "NEWSWATCH_DETECT__TYPES__CEASEFIRE_VIOLATED__ENABLED": "false",
            "NEWSWATCH_DETECT__TYPES__LEADER_CALL__SEVERITY": "critical",
        }
    )
    switched = DetectionEngine(
        engine.gazetteer,
        disabled=settings.detect.disabled_types(),
        severities=settings.detect.severities(),
    )
    events = switched.detect(seed).events
    assert EventType.CEASEFIRE_VIOLATED not in {event.type for event in events}
    calls = [event for event in events if event.type == EventType.LEADER_CALL]
    assert calls and all(event.severity == "critical" for event in calls)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"NEWSWATCH_DETECT__TYPES__PROTESTS__ENABLED": "false"}, "unknown event types in detect.types"),
        ({"NEWSWATCH_DETECT__TYPES__AID__SEVERITY": "urgent"}, "detect.types.aid.severity"),
        ({"NEWSWATCH_ALERTS__TYPE_ROUTES__THREAT": "desk"}, "route 'desk' is not a configured route"),
        ({"NEWSWATCH_ALERTS__TYPE_ROUTES__THREATS": "desk"}, "unknown event type 'threats'"),
        (
            {"NEWSWATCH_ALERTS__DEFAULT_TYPES": "[leader_call, armed_atack]"},
            r"unknown event types \['armed_atack'\]",
        ),
    ],
)
def test_bad_type_settings_name_what_is_wrong(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=environ)


def test_a_types_route_is_tried_before_the_others() -> None:
    settings = settings_from_mapping(
        {
            "alerts": {
                "console": False,
                "sinks": [
                    {"name": "desk", "type": "jsonl", "path": "desk.jsonl"},
                    {"name": "all", "type": "jsonl", "path": "all.jsonl"},
                ],
                "routes": [
                    {"name": "everything", "sinks": ["all"]},
                    {"name": "conflict-desk", "sinks": ["desk"], "match": {"min_sources": 1}},
                ],
                "type_routes": {"armed_attack": "conflict-desk"},
            }
        }
    ).alerts
    routes = build_routes(settings, ["desk", "all"])
    attack = Alert(Event(type=EventType.ARMED_ATTACK, date="2020-10-10", sources=("a.example",)), "first")
    unsourced = Alert(Event(type=EventType.ARMED_ATTACK, date="2020-10-10"), "first")
    call = Alert(Event(type=EventType.LEADER_CALL, date="2020-10-10", sources=("a.example",)), "first")
    assert [(r.name, r.sinks) for r in select_routes(routes, attack)] == [("conflict-desk", ("desk",))]
    assert [r.name for r in select_routes(routes, unsourced)] == ["everything"]  # the route's own conditions
    assert [r.name for r in select_routes(routes, call)] == ["everything"]


def test_a_rule_can_extend_a_builtin_types_vocabulary(engine: DetectionEngine) -> None:
    rules = RuleSet.from_mapping(
        {
            "rules": [
                {
                    "name": "sit_in",
                    "type": "protest",
                    "keywords": ["sit-in"],
                    "entities": ["Yerevan"],
                    "severity": "warning",
                }
            ]
        }
    )
    extended = DetectionEngine(engine.gazetteer, rules)
    article = make_article("Hundreds joined a sit-in outside the government building in Yerevan on Monday.")
    events = extended.detect(article).events
    # The built-in protest detector finds the sit-in too (its own event, CAMEO 144); the rule adds its own.
    [event] = [e for e in events if e.rule is not None and e.rule.startswith("rule:")]
    assert (event.type, event.cameo, event.plover_category) == ("protest", "140", "PROTEST")
    assert [e.cameo for e in events if e is not event] == ["144"]
    assert event.rule is not None and event.rule.startswith("rule:sit_in/")
    switched_off = DetectionEngine(engine.gazetteer, rules, disabled={"protest"})
    assert switched_off.detect(article).events == ()
    with pytest.raises(ConfigError, match="unknown event type 'protests'"):
        RuleSet.from_mapping({"rules": [{"name": "x", "type": "protests", "keywords": ["x"]}]})
