"""Sanctions detector: sanctions or an embargo imposed, extended or lifted by a state or a bloc (the EU,
ECOWAS) on a state, its people or its companies (CAMEO 163, PLOVER SANCTION).

Clause by clause: an act phrase ("sanctioned 29 Americans", "列入制裁名单") or the measure (sanctions, an
embargo) with a verb of its kind in the clause ("imposed new sanctions", "продлили санкции"). Calls,
proposals, threats, talks, refusals and sanctions named as background ("the sanctions imposed in 2014",
"страны, которые ввели санкции") are near misses. The sanctioning side is named before the act (those joined
to it each impose their own: "США и Великобритания ввели санкции" is two events); the target is the first
other side named after it. One event per sanctioning side, target, kind and day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from streams.detect.conflict_cues import CountryWords, LanguageCues, clauses, load_event_cues, when
from streams.detect.detector import ArticleText, EventFields, Finding, Rejection
from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType, Participant

_LISTS = ("nouns", "negated", "appeal", "proposal", "threat", "talks", "background", "question")
_KINDS = ("acts", "verbs")
# Sides that are no state: blocs named by the cue files' country words, with their English names.
BLOCS: Mapping[str, str] = {"EU": "European Union", "ECOWAS": "ECOWAS"}
# Near-miss lists in the order they are checked, each with the reason it gives.
_NEAR_MISSES = (
    ("negated", "negated"),
    ("appeal", "appeal"),
    ("proposal", "proposal"),
    ("threat", "threat"),
    ("talks", "talks"),
    ("background", "old_background"),
)
# What joins two sides acting together: "the US and Britain", "美国、欧盟、英国", "США и Великобритания".
_JOINED = re.compile(r"\s*(?:,|、|и|and|et)?\s*(?:the\s|l['’]|la\s|le\s)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SanctionsFinding:
    """One side's sanctions act found in one clause."""

    sentence: Sentence
    day: date
    date_explicit: bool
    sanctioner: str  # ISO3 or a bloc code of BLOCS
    sanctioner_name: str
    target: str | None  # ISO3 of the sanctioned side, when named
    target_name: str | None
    kind: str  # imposed | extended | lifted
    rule: str
    event_type: str = EventType.SANCTIONS

    def identity(self) -> str:
        return f"{self.sanctioner}>{self.target or '?'}:{self.kind}"

    def fields(self, group: Sequence[Finding]) -> EventFields:
        sides = [Participant(self.sanctioner_name, country=_country(self.sanctioner))]
        if self.target is not None and self.target_name is not None:
            sides.append(Participant(self.target_name, country=_country(self.target)))
        topics = [f"kind:{self.kind}"]
        if self.target is not None and self.target not in BLOCS:
            topics.append(f"party:{self.target}")
        return EventFields(
            participants=tuple(sides),
            initiator=self.sanctioner_name,
            topics=tuple(topics),
            severity="info" if self.kind == "lifted" else "warning",
            codes=("163", "SANCTION", None),
        )


def _country(code: str) -> str | None:
    return None if code in BLOCS else code


class SanctionsDetector:
    """Finds sanctions acts in every language of ``data/events/sanctions.yaml``."""

    name = "sanctions"

    def __init__(
        self,
        gazetteer: Gazetteer,
        max_age_days: int = 45,
        languages: Mapping[str, LanguageData] | None = None,
    ) -> None:
        self.cues = load_event_cues("sanctions", _LISTS, _KINDS)
        self.languages = frozenset(self.cues)
        self.max_age = timedelta(days=max_age_days)
        self._languages = languages or {}
        self.countries = CountryWords(gazetteer, self._languages, self.cues)
        self._names = {code: entry.name for code, entry in gazetteer.countries().items()}

    def gate_words(self) -> frozenset[bytes]:
        return frozenset().union(*(cues.gate_words() for cues in self.cues.values()))

    def may_fire(self, article: ArticleText) -> bool:
        cues = self.cues.get(article.language)
        return cues is not None and cues.may_fire(article.lower, article.words)

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[SanctionsFinding], list[Rejection]]:
        cues = self.cues[article.language]
        breaks = cues.clause_breaks
        if breaks is None and article.language in self._languages:
            breaks = self._languages[article.language].clause_breaks
        findings: list[SanctionsFinding] = []
        rejections: list[Rejection] = []
        candidates = sentences_containing(article.lower_text, sentences, cues.stems)
        for position, sentence in enumerate(sentences):
            if candidates is not None and position not in candidates:
                continue
            for offset, clause in clauses(breaks, sentence.text):
                hit = _act(cues, clause)
                if hit is None:
                    continue
                kind, match = hit
                rule = f"{EventType.SANCTIONS}/{article.language}:{kind}"
                moment = when(
                    clause,
                    sentence.text,
                    offset,
                    match.start(),
                    article.published,
                    article.language,
                    self.max_age,
                )
                reason = _rejected(cues, sentence.text, clause) or moment.reject
                if reason is not None:
                    rejections.append(Rejection(sentence.text, rule, reason))
                    continue
                sanctioners, target = self._sides(sentence.text, offset, clause, match, article.language)
                if not sanctioners:
                    rejections.append(Rejection(sentence.text, rule, "no_sanctioner"))
                    continue
                for side in sanctioners:
                    findings.append(
                        SanctionsFinding(
                            sentence,
                            moment.day,
                            moment.explicit,
                            side,
                            self._name(side),
                            target,
                            None if target is None else self._name(target),
                            kind,
                            rule,
                        )
                    )
        return findings, rejections

    def _name(self, code: str) -> str:
        return BLOCS.get(code) or self._names.get(code, code)

    def _sides(
        self, sentence: str, offset: int, clause: str, match: re.Match[str], language: str
    ) -> tuple[list[str], str | None]:
        """The sanctioning sides (named before the act in its clause, else earlier in its sentence) and
        the first other side named after the first of them."""
        found = self.countries.find(clause, language)
        before = [word for word in found if word[0] < match.start()]
        sanctioners: list[str] = []
        if before:
            chain = [before[-1]]
            for word in reversed(before[:-1]):
                if word[1] > chain[-1][0] or not _JOINED.fullmatch(clause, word[1], chain[-1][0]):
                    break
                chain.append(word)
            sanctioners = list(dict.fromkeys(code for _, _, code in reversed(chain)))
            after_start = chain[0][1]
        else:
            earlier = self.countries.find(sentence[:offset], language)
            if earlier:
                sanctioners = [earlier[-1][2]]
            after_start = 0
        target = next(
            (code for start, _, code in found if start >= after_start and code not in sanctioners), None
        )
        return sanctioners, target


def _act(cues: LanguageCues, clause: str) -> tuple[str, re.Match[str]] | None:
    hit = cues.first_kind("acts", clause)
    if hit is not None:
        return hit
    if cues.find("nouns", clause) is None:
        return None
    return cues.first_kind("verbs", clause)


def _rejected(cues: LanguageCues, sentence: str, clause: str) -> str | None:
    """Why the act in ``clause`` is no news, or None."""
    if cues.find("question", sentence) is not None:
        return "question"
    for key, reason in _NEAR_MISSES:
        if cues.find(key, clause) is not None:
            return reason
    return None
