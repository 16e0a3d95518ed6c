"""Merge a new report into a known event and decide whether users must hear about it.

An event's identity is its type, participants (or conflict) and date (``Event.key``). A report is an
Event built from one article. Merging keeps the evidence list, the distinct sources and the first and
latest report times. Only a new event, or a material change, yields an alert reason:

- ``first``: the event was unknown;
- ``confirmed``: a second independent source now reports it. Copies of one wire story (dedupe's
  ``syndicated_from``) are one source: their re-issued reports carry the source of the copy first seen,
  and the outlets that printed them are kept in ``outlets`` (``events/reports.py``).

Every other merge returns a suppression reason, used in logs and as a metric label:
``duplicate`` (this article was already counted), ``new_source`` (a third or later source: stored,
not alerted), ``new_report`` (another article from a known source, or another outlet's copy of it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from streams.records import Event, Evidence

ALERTING_REASONS = frozenset({"first", "confirmed"})
MAX_EVIDENCE = 50


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    """The merged event and why it changed (or did not)."""

    event: Event
    reason: str

    @property
    def should_alert(self) -> bool:
        return self.reason in ALERTING_REASONS


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min((t for t in (a, b) if t is not None), default=None)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((t for t in (a, b) if t is not None), default=None)


def _merge_evidence(known: tuple[Evidence, ...], new: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    seen = {(e.article_id, e.sentence) for e in known}
    merged = list(known) + [e for e in new if (e.article_id, e.sentence) not in seen]
    return tuple(merged[:MAX_EVIDENCE])


def merge_report(existing: Event | None, report: Event) -> MergeOutcome:
    """Fold ``report`` into ``existing`` (same identity) and name what changed."""
    report = with_languages(report)
    if existing is None:
        return MergeOutcome(report, "first")
    if existing.key != report.key:
        raise ValueError(f"cannot merge event {report.key!r} into {existing.key!r}")
    known_articles = {e.article_id for e in existing.evidence}
    new_articles = {e.article_id for e in report.evidence} - known_articles
    if not new_articles:
        return MergeOutcome(existing, "duplicate")
    sources = tuple(dict.fromkeys(existing.sources + report.sources))
    merged = existing.replace(
        evidence=_merge_evidence(existing.evidence, report.evidence),
        sources=sources,
        outlets=tuple(dict.fromkeys(existing.outlets + report.outlets)),
        topics=tuple(dict.fromkeys(existing.topics + report.topics)),
        alleged=existing.alleged and report.alleged,
        initiator=existing.initiator or report.initiator,
        first_reported=_earliest(existing.first_reported, report.first_reported),
        last_reported=_latest(existing.last_reported, report.last_reported),
        languages=tuple(sorted({*existing.reported_languages, *report.reported_languages})),
    )
    if len(sources) == len(existing.sources):
        return MergeOutcome(merged, "new_report")
    if len(existing.sources) == 1 and len(sources) >= 2:
        return MergeOutcome(merged, "confirmed")
    return MergeOutcome(merged, "new_source")


# -- languages (issue 15 item 7; kept apart from the merge decisions above) --------------------------------


def with_languages(report: Event) -> Event:
    """The report with its languages listed and its evidence tagged with the report's language.

    An event reported in Russian and in Chinese is one event (same identity); the merged event lists
    both languages and each quoted sentence keeps the language it was written in. A language never
    makes a merge alert: only sources do.
    """
    if report.language is None or all(e.language for e in report.evidence):
        return report if report.languages else report.replace(languages=report.reported_languages)
    evidence = tuple(
        e if e.language else dataclasses.replace(e, language=report.language) for e in report.evidence
    )
    return report.replace(evidence=evidence, languages=report.reported_languages)
