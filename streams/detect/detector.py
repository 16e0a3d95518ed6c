"""The one seam every detector plugs into: what it covers, a cheap article-level test, and its findings.

A detector is any object with the ``Detector`` shape; the engine builds every entry of
``streams.detect.registry.DETECTORS`` and loops over them, knowing nothing of any one detector. A finding
carries its own event identity (which reports of one article are the same happening) and the event
fields it contributes, so the engine folds findings into events without asking what kind they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from streams.detect.sentences import Sentence
from streams.records import Participant, Place


@dataclass(frozen=True, slots=True)
class Rejection:
    """A candidate sentence a detector turned down, and why (negated, plan, not_leaders, ...)."""

    sentence: str
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class EventFields:
    """What one group of same-identity findings puts into its event (the engine adds the rest)."""

    participants: tuple[Participant, ...] = ()
    conflict: str | None = None
    initiator: str | None = None
    alleged: bool = False
    topics: tuple[str, ...] = ()
    severity: str = "info"
    # (CAMEO, PLOVER category, PLOVER mode) when the finding chooses them; None: the event type's codes.
    codes: tuple[str | None, str | None, str | None] | None = None
    place: Place | None = None  # where it happened, from streams.detect.places (also part of the event key)


class Finding(Protocol):
    """One report of an event in one sentence."""

    @property
    def event_type(self) -> str: ...
    @property
    def sentence(self) -> Sentence: ...
    @property
    def day(self) -> date: ...
    @property
    def date_explicit(self) -> bool: ...
    @property
    def rule(self) -> str: ...

    def identity(self) -> str:
        """Same event type, same identity, same day: the same happening (folded into one event)."""
        ...

    def fields(self, group: Sequence[Finding]) -> EventFields:
        """The event's fields when this finding is the evidence of ``group`` (all of its identity)."""
        ...


@dataclass(frozen=True, slots=True)
class ArticleText:
    """One article as every detector's prefilter and ``detect`` see it (computed once by the engine).

    ``words``: the lower-case ASCII letter runs of ``text`` among the detectors' ``gate_words()``, or
    None when ``text`` has a word character beyond ASCII (then prefilters scan instead). ``speaker``: the
    gazetteer id of the leader the source speaks as (``Article.speaker``), whom "I"/"we" then name.
    """

    text: str
    lower: str
    language: str
    published: date
    words: AbstractSet[bytes] | None
    speaker: str | None = None

    @property
    def lower_text(self) -> str | None:
        """``lower`` when its offsets are ``text``'s (lower-casing kept the length), else None."""
        return self.lower if len(self.lower) == len(self.text) else None


class Detector(Protocol):
    """A detector: the languages it reads, a prefilter, and ``detect`` over an article's sentences."""

    @property
    def name(self) -> str: ...
    @property
    def languages(self) -> frozenset[str]: ...

    def gate_words(self) -> frozenset[bytes]:
        """Lower-case ASCII words ``may_fire`` looks up in ``ArticleText.words`` (it needs no other)."""
        ...

    def may_fire(self, article: ArticleText) -> bool:
        """False only when ``detect`` would find nothing (no finding, no rejection) in the article."""
        ...

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[Sequence[Finding], Sequence[Rejection]]:
        """Findings and rejected candidates in ``sentences`` (the article's, in order)."""
        ...
