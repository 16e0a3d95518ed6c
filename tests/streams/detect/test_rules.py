"""User rules: validated at start-up with errors naming the rule and field; fire with proximity and guards."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.detect.engine import DetectionEngine
from streams.detect.rules import RuleSet
from streams.errors import ConfigError
from tests.streams.detect.conftest import make_article

RULES = """
watchlists:
  gulf: [mohammed-bin-salman, "Tamim bin Hamad"]
rules:
  - name: sanctions_threat
    description: A watched leader threatens sanctions.
    keywords: [sanction, sanctions, embargo]
    entities: ["@gulf", putin-vladimir]
    proximity: 8
    severity: warning
    cameo: "1312"
    plover_category: threaten
  - name: opec_mention
    keywords: [output cut]
    entities: [OPEC]
    min_entities: 1
    exclude: [rumour]
"""


@pytest.fixture(scope="module")
def rule_engine(engine: DetectionEngine, tmp_path_factory: pytest.TempPathFactory) -> DetectionEngine:
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return DetectionEngine(engine.gazetteer, RuleSet.load(path))


def test_rule_fires_with_codes_and_participants(rule_engine: DetectionEngine) -> None:
    text = "Putin threatened new sanctions against the Baltic states on Tuesday."
    events = [e for e in rule_engine.detect(make_article(text)).events if e.type.startswith("rule:")]
    assert [e.type for e in events] == ["rule:sanctions_threat"]
    event = events[0]
    assert [p.person_id for p in event.participants] == ["putin-vladimir"]
    assert (event.cameo, event.plover_category, event.severity, event.date) == (
        "1312",
        "THREATEN",
        "warning",
        "2020-10-20",
    )
    assert event.rule == "rule:sanctions_threat/sanctions"


def test_proximity_negation_and_exclude(rule_engine: DetectionEngine) -> None:
    far = (
        "Putin spoke at length about history, culture, sport, the economy and other things before sanctions."
    )
    negated = "Putin did not sanction the deal."
    excluded = "OPEC is weighing an output cut, according to a rumour."
    assert not [e for t in (far, negated, excluded) for e in rule_engine.detect(make_article(t)).events]
    reasons = {m.reason for t in (negated, excluded) for m in rule_engine.detect(make_article(t)).near_misses}
    assert {"negated", "excluded"} <= reasons


def test_literal_entities_match(rule_engine: DetectionEngine) -> None:
    events = rule_engine.detect(make_article("OPEC agreed an output cut on Monday.")).events
    assert [(e.type, [p.name for p in e.participants]) for e in events] == [("rule:opec_mention", ["OPEC"])]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [{name: Bad Name, keywords: [x]}]", "rules[0] (Bad Name).name"),
        ("rules: [{name: a, keywords: []}]", "rules[0] (a).keywords"),
        ("rules: [{name: a, keywords: [x], colour: red}]", "colour"),
        ("rules: [{name: a, keywords: [x], entities: ['@nope']}]", "unknown watchlist '@nope'"),
        ("rules: [{name: a, keywords: [x]}, {name: a, keywords: [y]}]", "duplicate rule names ['a']"),
        ("rules: [{name: a, keywords: [x], plover_category: DANCE}]", "unknown PLOVER category"),
        ("rules: [{name: a, keywords: [x], severity: huge}]", "severity"),
        ("- just a list", "must hold a mapping"),
    ],
)
def test_invalid_rule_files_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        RuleSet.load(path)
    assert message in str(caught.value)


def test_unknown_person_id_fails_at_bind(engine: DetectionEngine) -> None:
    rules = RuleSet.from_mapping({"rules": [{"name": "a", "keywords": ["x"], "entities": ["nobody-known"]}]})
    with pytest.raises(ConfigError, match="unknown person id 'nobody-known'"):
        DetectionEngine(engine.gazetteer, rules)


def test_missing_rule_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        RuleSet.load(tmp_path / "absent.yaml")
