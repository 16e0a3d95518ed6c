"""The multilingual set's labels are consistent with the gazetteer, the conflict lexicon and the set's rules.

These checks read only ``sources.yaml`` and ``labels.yaml`` (no mirror needed); the texts' hashes are checked
by ``python -m tests.eval.realtext.extract --set multilingual``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from streams.detect.lexicon import conflicts_in
from tests.eval.realtext.corpus import EvalSet, load_set

LEADERS = Path(__file__).resolve().parents[4] / "streams" / "detect" / "data" / "leaders.yaml"
# People the gazetteer does not know yet, labelled with a new id (docs/evaluation.md, "Multilingual set").
NEW_IDS = {"bergoglio-jorge"}
CALL_TYPES = ("leader_call", "official_contact")


@pytest.fixture(scope="module")
def evalset() -> EvalSet:
    return load_set("multilingual")


def _gazetteer_ids() -> set[str]:
    doc = yaml.safe_load(LEADERS.read_text(encoding="utf-8"))
    return {str(p["id"]) for p in (doc.get("people") or []) + (doc.get("officials") or [])}


def test_participants_are_gazetteer_ids_or_documented_new_ids(evalset: EvalSet) -> None:
    known = _gazetteer_ids() | NEW_IDS
    unknown = {
        (text.id, person)
        for text in evalset.texts
        for event in text.events
        for person in event.participants or ()
        if person not in known
    }
    assert not unknown


def test_calls_have_two_distinct_participants(evalset: EvalSet) -> None:
    bad = [
        text.id
        for text in evalset.texts
        for event in text.events
        if event.type in CALL_TYPES and len(set(event.participants or ())) < 2
    ]
    assert not bad


def test_conflicts_are_canonical_lexicon_names(evalset: EvalSet) -> None:
    names = {event.conflict for text in evalset.texts for event in text.events if event.conflict}
    assert names
    not_canonical = {name for name in names if name not in {c for _, c in conflicts_in(name)}}
    assert not not_canonical


def test_events_are_not_after_publication(evalset: EvalSet) -> None:
    late = [
        (text.id, event.date)
        for text in evalset.texts
        for event in text.events
        if date.fromisoformat(event.date) > date.fromisoformat(text.published)
    ]
    assert not late


def test_every_text_says_something(evalset: EvalSet) -> None:
    empty = [text.id for text in evalset.texts if not text.events and not text.negatives]
    assert not empty


def test_held_out_part_is_a_fifth_to_a_third(evalset: EvalSet) -> None:
    splits = Counter(text.split for text in evalset.texts)
    share = splits["heldout"] / len(evalset.texts)
    assert 0.2 <= share <= 0.3


def test_every_repository_is_used_and_every_text_names_one(evalset: EvalSet) -> None:
    used = {text.repo for text in evalset.texts}
    assert used == set(evalset.sources)
