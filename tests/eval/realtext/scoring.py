"""Score the detectors on a real-text set: per event type, per split, per language and per article.

Called by ``python -m tests.eval.score_detection --set <set>``. Each extracted text (``var/eval/<set>/``) is
run through ``DetectionEngine`` as an ``Article`` (title split off when the label has one, language and
publication date from the label). Matching follows the passage scorer: same type and date, same participants
(calls, meetings) or, when labelled, the same conflict (ceasefires) and the labelled states among the event's
(``parties``, issue 20's types). A found event whose sentence overlaps a labelled
hard negative is a false positive attributed to that negative's kind.

One tolerance, the same in every set: a label whose text gives no day for its event (``day_stated: false``;
its ``date`` comes from outside the text) is matched by a finding the article does not date either
(``Detection.undated``: dated by the publication day) up to ``UNDATED_DAYS`` after the label's day. Such
matches are counted and listed (``TextScore.tolerated``); a finding the text dates must hit the day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from streams.detect.engine import DetectionEngine
from streams.records import Article, Event
from streams.text import normalize_article
from tests.eval.realtext.corpus import (
    CALL_CEASEFIRE_TYPES,
    SETS_ROOT,
    SPLITS,
    CorpusError,
    LabelledEvent,
    TextLabel,
    load_set,
    sha256_text,
    split_title,
)
from tests.eval.realtext.fill import locate


@dataclass
class Tally:
    """True positives, false positives and false negatives of one event type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, Any]:
        """The counts and rates, rounded for printing."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class Goal:
    """What an event type must reach: each rate given (F1, precision, recall) at least its value."""

    f1: float | None
    precision: float | None = None
    recall: float | None = None

    def met(self, tally: Tally) -> bool:
        wanted = ((self.f1, tally.f1), (self.precision, tally.precision), (self.recall, tally.recall))
        return all(goal is None or got >= goal for goal, got in wanted)

    def __str__(self) -> str:
        parts = (("F1", self.f1), ("P", self.precision), ("R", self.recall))
        return ", ".join(f"{name} >= {value}" for name, value in parts if value is not None)


@dataclass(frozen=True)
class SetGoals:
    """A set's goals: on the whole set (also shown on each split) and in every language on its own."""

    overall: Mapping[str, Goal] = field(default_factory=dict)
    per_language: Mapping[str, Goal] = field(default_factory=dict)


@dataclass(frozen=True)
class GoalCheck:
    """One goal checked on one part of the set ("total" or "language xx")."""

    kind: str
    scope: str
    goal: Goal
    tally: Tally

    @property
    def met(self) -> bool:
        return self.goal.met(self.tally)

    def to_json(self) -> dict[str, object]:
        return {
            "type": self.kind,
            "scope": self.scope,
            "f1_goal": self.goal.f1,
            "precision_goal": self.goal.precision,
            "recall_goal": self.goal.recall,
            "f1": round(self.tally.f1, 4),
            "precision": round(self.tally.precision, 4),
            "recall": round(self.tally.recall, 4),
            "met": self.met,
        }


def check_goals(scores: list[TextScore], goals: SetGoals) -> list[GoalCheck]:
    """Every goal of the set on its part: overall goals on the total, language goals in each language.

    A goal on a type with nothing to count there (no labelled event, no finding) is not checked."""
    total = totals(scores)
    checks = [
        GoalCheck(kind, "total", goal, total[kind])
        for kind, goal in goals.overall.items()
        if _counted(total, kind)
    ]
    for lang in sorted({s.label.language for s in scores}):
        tallies = totals(scores, lambda s, x=lang: s.label.language == x)
        checks += [
            GoalCheck(kind, f"language {lang}", goal, tallies[kind])
            for kind, goal in goals.per_language.items()
            if _counted(tallies, kind)
        ]
    return checks


def _counted(tallies: dict[str, Tally], kind: str) -> bool:
    tally = tallies.get(kind)
    return tally is not None and bool(tally.tp or tally.fp or tally.fn)


@dataclass
class TextScore:
    """One text's tallies per event type, and the negative kinds its false positives fell on."""

    label: TextLabel
    tallies: dict[str, Tally]
    fp_kinds: Counter[str] = field(default_factory=Counter)
    tolerated: list[str] = field(default_factory=list)  # matches made by the undated-day tolerance


UNDATED_DAYS = 7  # a report that gives no day tells what happened in the week before it


def _day_matches(expected: LabelledEvent, event: Event, undated: bool) -> bool:
    if event.date == expected.date:
        return True
    if expected.day_stated or not undated:
        return False
    late = (date.fromisoformat(event.date) - date.fromisoformat(expected.date)).days
    return 0 < late <= UNDATED_DAYS


def _matches(expected: LabelledEvent, event: Event, undated: bool = False) -> bool:
    if event.type != expected.type or not _day_matches(expected, event, undated):
        return False
    people = sorted(p.person_id or p.name for p in event.participants)
    if expected.participants is not None and people != sorted(expected.participants):
        return False
    if expected.parties is not None and not set(expected.parties) <= event_parties(event):
        return False
    return expected.conflict is None or event.conflict == expected.conflict


def event_parties(event: Event) -> set[str]:
    """The states an event names: its participants' countries and its ``party:<ISO3>`` topics."""
    states = {p.country for p in event.participants if p.country}
    return states | {t.removeprefix("party:") for t in event.topics if t.startswith("party:")}


def _article(label: TextLabel, text: str, set_name: str) -> Article:
    title, body = split_title(text, label)
    day = date.fromisoformat(label.published)
    article = Article(
        id=label.id,
        url=f"https://eval.invalid/{set_name}/{label.id}",
        title=title,
        text=body,
        published=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        language=label.language,
        speaker=label.speaker,
    )
    return normalize_article(article)  # what the worker's normalise stage hands the detectors


def _who(event: Event) -> str:
    return ",".join(p.person_id or p.name for p in event.participants) or (event.conflict or "")


def score_text(
    engine: DetectionEngine,
    label: TextLabel,
    text: str,
    set_name: str,
    kinds: tuple[str, ...] = CALL_CEASEFIRE_TYPES,
) -> TextScore:
    """Tallies of one text against its label, for the event types ``kinds`` (the set's scored types).

    A label that names the ``types`` it was labelled for is scored on those alone."""
    if label.types is not None:
        kinds = tuple(kind for kind in kinds if kind in label.types)
    result = TextScore(label, {kind: Tally() for kind in kinds})
    detection = engine.detect(_article(label, text, set_name))
    found = [e for e in detection.events if e.type in kinds]
    unmatched = list(found)
    for expected in label.events:
        if expected.type not in kinds:
            continue
        tally = result.tallies[expected.type]
        match = next((e for e in unmatched if _matches(expected, e)), None)
        if match is None:
            match = next((e for e in unmatched if _matches(expected, e, e.key in detection.undated)), None)
            if match is not None:
                result.tolerated.append(f"{label.id}: {expected.type} {expected.date} found {match.date}")
        if match is None:
            tally.fn += 1
            who = ",".join(expected.participants or ()) or (expected.conflict or "")
            tally.errors.append(f"FN {label.id}: {expected.type} {who} {expected.date} — {expected.reason}")
        else:
            tally.tp += 1
            unmatched.remove(match)
    for event in unmatched:
        tally = result.tallies[event.type]
        tally.fp += 1
        sentence = event.evidence[0].sentence if event.evidence else ""
        span = locate(sentence, text) if sentence else None
        negative = next((n for n in label.negatives if span and n.evidence.overlaps(*span)), None)
        why = f"negative {negative.kind}: {negative.reason}" if negative else "no labelled event or negative"
        result.fp_kinds[negative.kind if negative else "unlabelled"] += 1
        said = " ".join(sentence.split())
        tally.errors.append(f"FP {label.id}: found {event.type} {_who(event)} {event.date} [{why}] — {said}")
    return result


def score_set(
    set_name: str,
    texts_root: Path,
    sets_root: Path = SETS_ROOT,
    engine: DetectionEngine | None = None,
    kinds: tuple[str, ...] = CALL_CEASEFIRE_TYPES,
) -> list[TextScore]:
    """Score every text of the set on ``kinds``; the texts must be extracted and match their labels."""
    evalset = load_set(set_name, sets_root)
    engine = engine or DetectionEngine()
    scores: list[TextScore] = []
    for label in evalset.texts:
        path = texts_root / set_name / f"{label.id}.txt"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CorpusError(
                f"{path} is missing: run python -m tests.eval.realtext.extract --set {set_name}"
            ) from exc
        if sha256_text(text) != label.sha256:
            raise CorpusError(f"{path} does not match its label's sha256: extract the set again")
        scores.append(score_text(engine, label, text, set_name, kinds))
    return scores


def totals(scores: list[TextScore], keep: Any = None) -> dict[str, Tally]:
    """Tallies per event type summed over the texts ``keep(score)`` accepts (all by default)."""
    summed = {kind: Tally() for score in scores for kind in score.tallies}
    for score in scores:
        if keep is not None and not keep(score):
            continue
        for kind, tally in score.tallies.items():
            summed[kind].tp += tally.tp
            summed[kind].fp += tally.fp
            summed[kind].fn += tally.fn
            summed[kind].errors.extend(tally.errors)
    return summed


def coverage(scores: list[TextScore]) -> dict[str, Any]:
    """What the set holds: texts per split and language, labelled events per type, negatives per kind."""
    labels = [s.label for s in scores]
    return {
        "texts": len(labels),
        "splits": dict(Counter(label.split for label in labels)),
        "languages": dict(Counter(label.language for label in labels)),
        "events": dict(Counter(e.type for label in labels for e in label.events)),
        "negatives": dict(sorted(Counter(n.kind for label in labels for n in label.negatives).items())),
    }


def _row(name: str, t: Tally, goal: Goal | None = None) -> str:
    mark = "" if goal is None else f"{goal} {'ok' if goal.met(t) else 'MISSED'}"
    return f"{name:<20}{t.tp:>5}{t.fp:>5}{t.fn:>5}{t.precision:>11.3f}{t.recall:>9.3f}{t.f1:>7.3f}  {mark}"


def as_json(scores: list[TextScore], goals: SetGoals | None = None) -> dict[str, Any]:
    """The scores as one JSON-ready document: coverage, per split, per language, per text, goals."""

    def block(tallies: dict[str, Tally]) -> dict[str, Any]:
        return {kind: t.to_json() for kind, t in tallies.items()}

    languages = sorted({s.label.language for s in scores})
    return {
        "coverage": coverage(scores),
        "scores": {
            "total": block(totals(scores)),
            **{part: block(totals(scores, lambda s, x=part: s.label.split == x)) for part in SPLITS},
        },
        "languages": {
            lang: block(totals(scores, lambda s, x=lang: s.label.language == x)) for lang in languages
        },
        "goals": [check.to_json() for check in check_goals(scores, goals or SetGoals())],
        "false_positive_kinds": dict(sum((s.fp_kinds for s in scores), Counter())),
        "undated_tolerance": [line for s in scores for line in s.tolerated],
        "texts": {
            s.label.id: {kind: [t.tp, t.fp, t.fn] for kind, t in s.tallies.items() if t.tp or t.fp or t.fn}
            for s in scores
        },
    }


def report(scores: list[TextScore], goals: SetGoals, errors: bool, per_text: bool) -> list[str]:
    """The printed report: coverage, per split and type, per language, goals, FP kinds, per text, errors."""
    cover = coverage(scores)
    lines = [
        f"{cover['texts']} texts {cover['splits']}, languages {cover['languages']}",
        f"labelled events {cover['events']}; negatives {cover['negatives']}",
    ]
    header = f"{'type':<20}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>9}{'F1':>7}  goal"
    for part in ("tune", "heldout", "total"):
        tallies = totals(scores, None if part == "total" else (lambda s, x=part: s.label.split == x))
        lines += ["", f"[{part}]", header]
        lines += [_row(kind, t, goals.overall.get(kind)) for kind, t in tallies.items()]
    for lang in sorted({s.label.language for s in scores}):
        tallies = totals(scores, lambda s, x=lang: s.label.language == x)
        lines += ["", f"[language {lang}]", header]
        lines += [
            _row(kind, t, goals.per_language.get(kind))
            for kind, t in tallies.items()
            if t.tp or t.fp or t.fn or kind in goals.per_language
        ]
    checks = check_goals(scores, goals)
    if checks:
        lines += ["", f"goals: {sum(c.met for c in checks)} of {len(checks)} met"]
        lines += [
            f"  {c.kind} {c.scope}: {c.goal}: F1 {c.tally.f1:.3f}, P {c.tally.precision:.3f} "
            f"{'ok' if c.met else 'MISSED'}"
            for c in checks
        ]
    kinds: Counter[str] = sum((s.fp_kinds for s in scores), Counter())
    lines += ["", f"false positives by labelled negative kind: {dict(kinds.most_common())}"]
    tolerated = [line for s in scores for line in s.tolerated]
    lines.append(
        f"undated findings matched to labels whose text gives no day (within {UNDATED_DAYS} days): "
        f"{len(tolerated)}"
    )
    if errors:
        lines += [f"  {line}" for line in tolerated]
    if per_text:
        lines += ["", f"{'text':<28}{'split':<9}{'lang':<6}{'TP':>4}{'FP':>4}{'FN':>4}"]
        for s in scores:
            tp, fp, fn = (sum(getattr(t, k) for t in s.tallies.values()) for k in ("tp", "fp", "fn"))
            lines.append(f"{s.label.id:<28}{s.label.split:<9}{s.label.language:<6}{tp:>4}{fp:>4}{fn:>4}")
    if errors:
        lines.append("")
        for kind, tally in totals(scores).items():
            lines += [f"[{kind}] {line}" for line in tally.errors]
    return lines
