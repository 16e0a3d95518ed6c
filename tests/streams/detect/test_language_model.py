"""The numpy scoring of py3langid's model gives py3langid's own scores, bit for bit.

Checked here on sample text in every script the detectors read and on random text; measured on 26,411
real texts in 75 languages (bench/RESULTS.md, "Detection speed"): identical everywhere.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from streams.detect.language import _VARIETY_OF, _model
from streams.detect.language_model import LanguageModel
from tests.eval.score_detection import load_passages

# Real news style in each script and a few edge cases (case folding, combining marks, no letters at all).
SAMPLES = (
    "Президент России Владимир Путин и президент Франции Эммануэль Макрон провели телефонный разговор",
    "Президент Росії Володимир Путін і президент Франції Емманюель Макрон провели телефонну розмову",
    "习近平同普京通电话。双方就乌克兰局势交换了意见。",
    "تحدث الرئيس الروسي فلاديمير بوتين هاتفيا مع نظيره الفرنسي إيمانويل ماكرون يوم الثلاثاء",
    "Emmanuel Macron s'est entretenu par téléphone avec Vladimir Poutine mardi soir.",
    "Rusya Devlet Başkanı Vladimir Putin, Fransa Cumhurbaşkanı Emmanuel Macron ile telefonda görüştü",
    "PUTIN AND MACRON SPOKE BY PHONE ON TUESDAY",
    "Cafe\u0301 ouvert, Zu\u0308rich geschlossen",
    "12:30 — 14:45 / 2020",
    "",
)


@functools.cache
def _reference() -> Any:
    """py3langid itself, restricted to the classes the tagger uses."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages([c for c in identifier.nb_classes if len(c) == 2 or c in _VARIETY_OF])
    return identifier


def _rank(model: LanguageModel, text: str) -> list[tuple[str, float]]:
    """``LanguageIdentifier.rank`` computed from the model's scores (one entry per class name)."""
    merged: dict[str, float] = {}
    for code, score in zip(model.classes, model.scores(text).tolist(), strict=True):
        merged.setdefault(code, score)
    return sorted(merged.items(), key=lambda pair: pair[1], reverse=True)


def _assert_same(text: str) -> None:
    model, reference = _model(), _reference()
    code, confidence = reference.classify(text)
    assert model.classify(text) == code
    assert float(model.scores(text).max()) == confidence
    assert _rank(model, text) == reference.rank(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_scores_are_py3langids_own(text: str) -> None:
    _assert_same(text)


def test_scores_are_py3langids_own_on_the_passages_and_the_language_files() -> None:
    languages = Path(__file__).resolve().parents[3] / "streams" / "detect" / "data" / "languages"
    texts = [str(passage["text"]) for passage in load_passages()]
    texts += [path.read_text(encoding="utf-8")[:1000] for path in sorted(languages.glob("*.yaml"))]
    for text in texts:
        _assert_same(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_scores_are_py3langids_own_on_any_text(text: str) -> None:
    _assert_same(text)


def test_the_automaton_depth_is_its_longest_feature() -> None:
    # The windows walked in step must be as long as the longest path from the root, or counts would differ.
    assert _model().depth == 6
