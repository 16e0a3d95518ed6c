"""Mobilization detector: martial law declared or extended, general or partial mobilisation, reserve call-ups
and troops massed at a border (CAMEO 15x, PLOVER MOBILIZE).

Clause by clause: an act phrase ("mobilised 300,000 reservists") or a noun with an act verb in its clause
("have imposed martial law"). Drills, denials, plans, appeals, a lifted state and history are near-misses.
One event per country and day: "Both Baku and Yerevan have imposed martial law" is two events, each merging
with the reports of that country's act alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from streams.detect.conflict_cues import LanguageCues, clauses, when
from streams.detect.cue_detector import CueDetector
from streams.detect.detector import ArticleText, EventFields, Finding, Rejection
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType, Participant

_LISTS = ("verbs", "border", "negated", "drill", "plan", "appeal", "lifted", "background", "question")
_KINDS = ("acts", "nouns")
# kind -> (CAMEO, PLOVER mode)
_CODES = {
    "martial_law": ("152", "military"),
    "mobilization": ("154", "military"),
    "reserves": ("154", "military"),
    "massing": ("150", "military"),
}
# Kinds whose actor must be named before the act ("Russia massed troops at the border with Ukraine").
_ACTOR_BEFORE = frozenset({"massing", "reserves"})
# What joins two states acting together: "Baku and Yerevan", "в Армении, а затем и в Азербайджане".
_JOINED = re.compile(
    r"\s*,?\s*(?:and|et|и|і|й|та|و|а)?\s*(?:(?:then|puis|затем|потом|потім)\s+)?(?:(?:и|і|also)\s+)?"
    r"(?:(?:в|у|во|in|en)\s+)?(?:l['’]|the\s)?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class MobilizationFinding:
    """One country's mobilization act found in one clause."""

    sentence: Sentence
    day: date
    date_explicit: bool
    country: str  # ISO3 of the state that mobilises
    country_name: str
    kind: str  # martial_law | mobilization | reserves | massing
    rule: str
    event_type: str = EventType.MOBILIZATION

    def identity(self) -> str:
        return self.country

    def fields(self, group: Sequence[Finding]) -> EventFields:
        kinds = [self.kind, *(f.kind for f in group if isinstance(f, MobilizationFinding))]
        cameo, mode = _CODES[self.kind]
        return EventFields(
            participants=(Participant(self.country_name, country=self.country),),
            topics=tuple(f"kind:{k}" for k in dict.fromkeys(kinds)),
            severity="critical" if "martial_law" in kinds or "mobilization" in kinds else "warning",
            codes=(cameo, "MOBILIZE", mode),
        )


class MobilizationDetector(CueDetector):
    """Finds mobilization acts in every language of ``data/events/mobilization.yaml``."""

    name = "mobilization"
    cue_lists = _LISTS
    cue_kinds = _KINDS

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[MobilizationFinding], list[Rejection]]:
        cues = self.cues[article.language]
        breaks = self.clause_breaks(article.language)
        findings: list[MobilizationFinding] = []
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
                if kind == "massing" and cues.find("border", clause) is None:
                    continue
                rule = f"{EventType.MOBILIZATION}/{article.language}:{kind}"
                reason = _rejected(cues, sentence.text, clause, match)
                moment = when(
                    clause,
                    sentence.text,
                    offset,
                    match.start(),
                    article.published,
                    article.language,
                    self.max_age,
                )
                reason = reason or moment.reject
                if reason is not None:
                    rejections.append(Rejection(sentence.text, rule, reason))
                    continue
                actors = self._actors(sentence.text, offset, clause, match, article.language, kind)
                if not actors and kind not in _ACTOR_BEFORE and position > 0:
                    # "Парламент продлил военное положение": the state named in the sentence before it.
                    before = sentences[position - 1]
                    if before.paragraph == sentence.paragraph:
                        named = self.countries.find(before.text, article.language)
                        actors = [named[-1][2]] if named else []
                if not actors:
                    rejections.append(Rejection(sentence.text, rule, "no_country"))
                    continue
                for country in actors:
                    findings.append(
                        MobilizationFinding(
                            sentence,
                            moment.day,
                            moment.explicit,
                            country,
                            self._names.get(country, country),
                            kind,
                            rule,
                        )
                    )
        return findings, rejections

    def _actors(
        self, sentence: str, offset: int, clause: str, match: re.Match[str], language: str, kind: str
    ) -> list[str]:
        """The states before the act in its clause (else its sentence); else the first one after it."""
        found = self.countries.find(clause, language)
        before = [(start, end, iso) for start, end, iso in found if start < match.start()]
        if before:
            # The nearest state, and those joined to it ("Both Baku and Yerevan have imposed martial law").
            actors = [before[-1]]
            for word in reversed(before[:-1]):
                if not _JOINED.fullmatch(clause, word[1], actors[-1][0]):
                    break
                actors.append(word)
            return list(dict.fromkeys(iso for _, _, iso in reversed(actors)))
        earlier = [iso for start, _, iso in self.countries.find(sentence[:offset], language)]
        if earlier:
            return [earlier[-1]]
        if kind in _ACTOR_BEFORE:
            return []
        after = [iso for start, _, iso in found if start >= match.start()]
        return after[:1]


def _act(cues: LanguageCues, clause: str) -> tuple[str, re.Match[str]] | None:
    hit = cues.first_kind("acts", clause)
    if hit is not None:
        return hit
    noun = cues.first_kind("nouns", clause)
    # "lifted martial law" is no act, but a near miss worth showing: the noun with a lifting verb is read too.
    if noun is not None and (cues.find("verbs", clause) or cues.find("lifted", clause)) is not None:
        return noun
    return None


def _rejected(cues: LanguageCues, sentence: str, clause: str, match: re.Match[str]) -> str | None:
    """Why the act in ``clause`` is no news, or None."""
    if cues.find("question", sentence) is not None:
        return "question"
    for key, reason in (("negated", "negated"), ("drill", "drill"), ("lifted", "lifted")):
        if cues.find(key, clause) is not None:
            return reason
    appeal = cues.find("appeal", clause)
    if appeal is not None and appeal.start() < match.end():
        return "appeal"
    if cues.find("plan", clause) is not None:
        return "plan"
    if cues.find("background", clause) is not None:
        return "old_background"
    return None
