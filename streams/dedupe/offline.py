"""Offline dedupe over a folder or JSONL file: the streaming decision, replayed so users can tune it.

Articles are decided in published order (ties by id), exactly as the worker would if they arrived
in that order, and grouped under the remembered article each duplicate points at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.dedupe.index import DedupeDecision, DedupeIndex
from streams.documents.loader import load_documents
from streams.errors import RecordError
from streams.records import Article
from streams.settings.dedupe import DedupeSettings


@dataclass(frozen=True, slots=True)
class Decided:
    """One article of the run with its decision and where it came from."""

    article: Article
    source: str
    decision: DedupeDecision


@dataclass
class Report:
    """The outcome of a run: every decision in processing order, and the duplicate groups."""

    decided: list[Decided] = field(default_factory=list)

    def groups(self) -> list[tuple[Decided, list[Decided]]]:
        """(original, duplicates) for every remembered article that has at least one duplicate."""
        by_id = {d.article.id: d for d in self.decided}
        members: dict[str, list[Decided]] = {}
        for item in self.decided:
            target = item.decision.duplicate_of
            if target is not None:
                members.setdefault(target, []).append(item)
        return [(by_id[target], dups) for target, dups in members.items() if target in by_id]


def load_articles(path: Path) -> list[tuple[Article, str]]:
    """(article, source) pairs from a document file or folder, read as the spool reads them
    (``streams.documents.loader``: extraction, charset, sidecars, dates); source is the file name."""
    try:
        return [(article, Path(name).name) for name, article in load_documents(path)]
    except FileNotFoundError as exc:
        raise RecordError(f"{path}: not a folder or an article file") from exc


def run(articles: Iterable[tuple[Article, str]], settings: DedupeSettings, batch: int = 500) -> Report:
    """Decide every article in published order with a fresh in-memory index, ``batch`` at a time.

    ``now`` is the latest publication or fetch time of the batch: no article is in its future, so
    none is clamped, as when each is decided at its own fetch time.
    """
    index = DedupeIndex(settings, observe=False)
    ordered = sorted(articles, key=lambda pair: (pair[0].published, pair[0].id))
    report = Report()
    for start in range(0, len(ordered), batch):
        chunk = ordered[start : start + batch]
        now = max(max(article.published, article.fetched_at) for article, _ in chunk)
        decisions = index.check_and_add_batch([article for article, _ in chunk], now=now)
        report.decided += [Decided(a, source, d) for (a, source), d in zip(chunk, decisions, strict=True)]
    return report


def _item(decided: Decided) -> dict[str, Any]:
    return {"id": decided.article.id, "source": decided.source, "title": decided.article.title}


def measure(decision: DedupeDecision, settings: DedupeSettings) -> dict[str, Any] | None:
    """The measure that decided a duplicate, its value and the threshold it passed (None for a unique)."""
    if decision.duplicate_of is None:
        return None
    if decision.outcome != "near":
        return {"name": "exact", "value": 1.0, "threshold": None}
    if decision.method == "sentences":
        share, threshold = decision.shared_sentences, decision.threshold
        return {"name": "shared_sentences", "value": share, "threshold": threshold}
    if decision.method == "text":
        return {"name": "containment", "value": decision.similarity, "threshold": settings.near_threshold}
    threshold = settings.near_estimate_threshold
    return {"name": "estimated_containment", "value": decision.similarity, "threshold": threshold}


def report_to_json(report: Report, settings: DedupeSettings) -> dict[str, Any]:
    """The documented machine format of ``dedupe-check --json`` (docs/dedupe.md)."""
    decisions = [
        {
            **_item(d),
            "published": d.article.published.isoformat(),
            "outcome": d.decision.outcome,
            "duplicate_of": d.decision.duplicate_of,
            "similarity": d.decision.similarity,
            "method": d.decision.method,
            "shared_sentences": d.decision.shared_sentences,
            "measure": measure(d.decision, settings),
            "syndicated_from": d.decision.syndicated_from,
            "agency": d.decision.agency,
            "nearest_id": d.decision.nearest_id,
            "nearest_similarity": d.decision.nearest_similarity,
            "reason": d.decision.reason,
        }
        for d in report.decided
    ]
    groups = [
        {
            "original": _item(original),
            "duplicates": [
                {
                    **_item(d),
                    "outcome": d.decision.outcome,
                    "similarity": d.decision.similarity,
                    "method": d.decision.method,
                    "shared_sentences": d.decision.shared_sentences,
                    "measure": measure(d.decision, settings),
                    "agency": d.decision.agency,
                }
                for d in dups
            ],
        }
        for original, dups in report.groups()
    ]
    duplicates = sum(1 for d in report.decided if d.decision.duplicate_of is not None)
    return {
        "format": "newswatch.dedupe-check/1",
        "articles": len(report.decided),
        "unique": len(report.decided) - duplicates,
        "duplicates": duplicates,
        "thresholds": {
            "near_threshold": settings.near_threshold,
            "near_estimate_threshold": settings.near_estimate_threshold,
            "sentence_threshold": settings.sentence_threshold,
            "sentence_agency_bonus": settings.sentence_agency_bonus,
            "window_days": settings.window_days,
        },
        "groups": groups,
        "decisions": decisions,
    }


def report_to_text(report: Report) -> str:
    """Human-readable groups, then the closest rejected candidates (the ones worth a look when tuning)."""
    lines = []
    groups = report.groups()
    duplicates = sum(len(dups) for _, dups in groups)
    lines.append(
        f"{len(report.decided)} articles: {len(report.decided) - duplicates} unique, {duplicates} duplicates"
    )
    for original, dups in groups:
        lines.append(f"\n{original.article.id}  ({original.source})  {original.article.title[:70]}")
        for d in dups:
            similarity = "" if d.decision.similarity is None else f"{d.decision.similarity:.3f}"
            method = f" {d.decision.method}" if d.decision.method else ""
            agency = f" [{d.decision.agency}]" if d.decision.agency else ""
            decided = f"{d.decision.outcome}{method} {similarity}{agency}"
            lines.append(f"  = {d.article.id}  {decided}  ({d.source})")
    near_misses = sorted(
        (d for d in report.decided if d.decision.nearest_similarity is not None),
        key=lambda d: d.decision.nearest_similarity or 0.0,
        reverse=True,
    )
    if near_misses:
        lines.append("\nclosest pairs kept apart:")
        for d in near_misses[:10]:
            lines.append(f"  {d.article.id} ~ {d.decision.nearest_id}  {d.decision.nearest_similarity:.3f}")
    return "\n".join(lines)
