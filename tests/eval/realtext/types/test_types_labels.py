"""The types set's labels keep the set's rules: gazetteer ids, a fixed held-out quarter, unique ids.

These checks read only ``sources.yaml`` and the label files (no mirror needed); the texts' hashes are checked
by ``python -m tests.eval.realtext.extract --set types``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.eval.realtext.corpus import ISSUE20_TYPES, EvalSet, label_files, load_set

HERE = Path(__file__).resolve().parent
LEADERS = HERE.parents[3] / "streams" / "detect" / "data" / "leaders.yaml"


@pytest.fixture(scope="module")
def evalset() -> EvalSet:
    return load_set("types")


def test_every_label_file_is_read_and_ids_are_unique(evalset: EvalSet) -> None:
    files = label_files(HERE)
    assert len(files) >= 1 and all(f.parent.name == "labels" for f in files)
    ids = Counter(text.id for text in evalset.texts)
    assert not [text_id for text_id, n in ids.items() if n > 1]


def test_held_out_part_is_the_fixed_quarter(evalset: EvalSet) -> None:
    wrong = [
        text.id
        for text in evalset.texts
        if (text.split == "heldout") != (int(hashlib.sha1(text.id.encode()).hexdigest(), 16) % 4 == 0)
    ]
    assert not wrong


def test_events_are_issue_20_types_with_known_people(evalset: EvalSet) -> None:
    doc = yaml.safe_load(LEADERS.read_text(encoding="utf-8"))
    known = {str(p["id"]) for p in (doc.get("people") or []) + (doc.get("officials") or [])}
    events = [event for text in evalset.texts for event in text.events]
    assert all(event.type in ISSUE20_TYPES for event in events)
    assert not {p for event in events for p in event.participants or () if p not in known}


def test_meetings_have_two_leaders_and_no_event_is_after_publication(evalset: EvalSet) -> None:
    meetings = [e for text in evalset.texts for e in text.events if e.type == "leader_meeting"]
    assert all(len(set(e.participants or ())) >= 2 for e in meetings)
    late = [
        text.id
        for text in evalset.texts
        for event in text.events
        if date.fromisoformat(event.date) > date.fromisoformat(text.published)
    ]
    assert not late


def test_every_text_says_something(evalset: EvalSet) -> None:
    assert not [text.id for text in evalset.texts if not text.events and not text.negatives]
