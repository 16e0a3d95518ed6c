"""The types set's scorer: issue 20's goals (precision >= 0.85 and recall >= 0.7) on every type it counts."""

from __future__ import annotations

from tests.eval.realtext.corpus import ISSUE20_TYPES, TextLabel
from tests.eval.realtext.scoring import Tally, TextScore, check_goals, report
from tests.eval.score_detection import REALTEXT_GOALS, REALTEXT_KINDS


def _score(text_id: str, language: str, **counts: tuple[int, int, int]) -> TextScore:
    label = TextLabel(text_id, "demo", "x.txt", language, "2023-03-21", "0" * 64)
    tallies = {kind: Tally() for kind in ISSUE20_TYPES}
    for kind, (tp, fp, fn) in counts.items():
        tallies[kind] = Tally(tp, fp, fn)
    return TextScore(label, tallies)


SCORES = [
    # meetings P 0.9, R 0.75 (met); agreements P 0.8 (missed: precision); attacks R 0.6 (missed: recall).
    _score("zh-1", "zh", leader_meeting=(9, 1, 3), agreement_signed=(4, 1, 0), armed_attack=(3, 0, 2)),
]


def test_types_set_scores_issue_20_types_only() -> None:
    assert REALTEXT_KINDS["types"] == ISSUE20_TYPES
    assert "leader_call" not in REALTEXT_KINDS["types"]


def test_goals_are_precision_and_recall_on_types_with_labels() -> None:
    checks = {c.kind: c.met for c in check_goals(SCORES, REALTEXT_GOALS["types"])}
    # Types with nothing labelled and nothing found (sanctions, protest, ...) are not checked.
    assert checks == {"leader_meeting": True, "agreement_signed": False, "armed_attack": False}
    lines = report(SCORES, REALTEXT_GOALS["types"], errors=False, per_text=False)
    total = lines.index("[total]")
    row = lines[total + 2]
    assert row.startswith("leader_meeting") and row.endswith("P >= 0.85, R >= 0.7 ok")
    assert "goals: 1 of 3 met" in lines
    assert "[language zh]" in lines
