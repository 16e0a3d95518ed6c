"""The findings of the built-in detectors: each knows its event identity and the fields it gives its event.

In a module of their own so that a language's reader (``native_calls``, ``native_ceasefire``) and the
English detector make the same records without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from streams.detect.detector import EventFields, Finding
from streams.detect.sentences import Sentence
from streams.records import EventType, Participant


@dataclass(frozen=True, slots=True)
class CallFinding:
    """A call found in one sentence: who, when, who started it, about what, and the pattern that fired."""

    event_type: str
    sentence: Sentence
    participants: tuple[Participant, ...]
    day: date
    date_explicit: bool
    initiator: str | None
    topics: tuple[str, ...]
    rule: str

    def identity(self) -> str:
        return ",".join(sorted(p.person_id or p.name.lower() for p in self.participants))

    def fields(self, group: Sequence[Finding]) -> EventFields:
        topics: list[str] = []
        for finding in group:
            if isinstance(finding, CallFinding):
                topics.extend(t for t in finding.topics if t not in topics)
        initiator = next((f.initiator for f in group if isinstance(f, CallFinding) and f.initiator), None)
        severity = "warning" if self.event_type == EventType.LEADER_CALL else "info"
        return EventFields(self.participants, initiator=initiator, topics=tuple(topics), severity=severity)


@dataclass(frozen=True, slots=True)
class CeasefireFinding:
    """A declared or violated ceasefire found in one clause of a sentence."""

    event_type: str
    sentence: Sentence
    day: date
    date_explicit: bool
    conflict: str | None
    parties: tuple[str, ...]  # ISO3 codes named in the clause, mediators left out
    alleged: bool
    rule: str

    def identity(self) -> str:
        return (self.conflict or "-".join(self.parties)).lower()

    def fields(self, group: Sequence[Finding]) -> EventFields:
        return EventFields(
            conflict=self.conflict or ("-".join(self.parties) or None),
            alleged=all(isinstance(f, CeasefireFinding) and f.alleged for f in group),
            topics=tuple(f"party:{code}" for code in self.parties),
            severity="critical" if self.event_type == EventType.CEASEFIRE_VIOLATED else "warning",
        )
