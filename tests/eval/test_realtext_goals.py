"""The real-text scorer prints each set's own goals: the multilingual set's are issue 15's (leader calls
F1 >= 0.85 and precision >= 0.9 in every language on its own, ceasefire violations F1 >= 0.8 over all
languages), not the English articles set's."""

from __future__ import annotations

from tests.eval.realtext.corpus import EVENT_TYPES, TextLabel
from tests.eval.realtext.scoring import Tally, TextScore, as_json, check_goals, report
from tests.eval.score_detection import REALTEXT_GOALS


def _score(text_id: str, language: str, **counts: tuple[int, int, int]) -> TextScore:
    label = TextLabel(text_id, "demo", "x.txt", language, "2022-03-01", "0" * 64)
    tallies = {kind: Tally() for kind in EVENT_TYPES}
    for kind, (tp, fp, fn) in counts.items():
        tallies[kind] = Tally(tp, fp, fn)
    return TextScore(label, tallies)


SCORES = [
    # ru: calls F1 0.947, P 1.0 (met); uk: P 0.85 < 0.9 with F1 0.87 (missed on precision alone).
    _score("ru-1", "ru", leader_call=(9, 0, 1), ceasefire_violated=(4, 1, 0)),
    _score("uk-1", "uk", leader_call=(17, 3, 2), ceasefire_violated=(0, 1, 1)),
]


def test_multilingual_goals_are_per_language_calls_and_overall_violations() -> None:
    checks = {(c.kind, c.scope): c.met for c in check_goals(SCORES, REALTEXT_GOALS["multilingual"])}
    # Violations over all languages: TP 4, FP 2, FN 1 -> F1 0.727 < 0.8.
    assert checks == {
        ("ceasefire_violated", "total"): False,
        ("leader_call", "language ru"): True,
        ("leader_call", "language uk"): False,
    }


def test_the_report_marks_each_goal_where_it_applies() -> None:
    lines = report(SCORES, REALTEXT_GOALS["multilingual"], errors=False, per_text=False)
    printed = "\n".join(lines)
    assert "F1 >= 0.85, P >= 0.9 ok" in lines[lines.index("[language ru]") + 2]
    assert "F1 >= 0.85, P >= 0.9 MISSED" in lines[lines.index("[language uk]") + 2]
    total = lines[lines.index("[total]") + 5]
    assert total.startswith("ceasefire_violated") and total.endswith("F1 >= 0.8 MISSED")
    # The English set's 0.85 violation goal and its leader-call goal on the total are not the multilingual's.
    assert ">= 0.85 ok" not in printed and "0.85 MISSED" not in lines[lines.index("[total]") + 5]
    assert "goals: 1 of 3 met" in printed
    doc = as_json(SCORES, REALTEXT_GOALS["multilingual"])
    assert {(g["type"], g["scope"], g["met"]) for g in doc["goals"]} == {
        ("ceasefire_violated", "total", False),
        ("leader_call", "language ru", True),
        ("leader_call", "language uk", False),
    }


def test_the_articles_set_keeps_its_goals() -> None:
    lines = report(SCORES, REALTEXT_GOALS["articles"], errors=False, per_text=False)
    total = lines.index("[total]")
    # Leader calls over both languages: TP 26, FP 3, FN 3 -> F1 and P 0.897, below 0.9.
    assert lines[total + 2].startswith("leader_call") and lines[total + 2].endswith(
        "F1 >= 0.9, P >= 0.9 MISSED"
    )
    assert lines[total + 5].endswith("F1 >= 0.85, P >= 0.85 MISSED")
