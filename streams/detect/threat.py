"""Threat detector: a state, a leader or an armed group threatens another side with force, sanctions or
retaliation (CAMEO 13x, PLOVER THREATEN).

Clause by clause: a threat verb ("threatened to strike", "warned it would retaliate", "пригрозил", "威胁要",
"هدد", "a menacé de"); what the threat is made with (force, sanctions, retaliation, else other) is the
first means word after the verb. Fears, hypotheticals by commentators, warnings of weather or disease,
denied threats, domestic politics (a party threatening a shutdown), figures of speech ("a threat to
democracy") and old threats recalled are near misses. The threatening side is named before the verb (or
after a passive "by"); the threatened side is the first other side named after it. One event per
threatening side and day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from streams.detect.conflict_cues import LanguageCues, clauses, lead_day, when
from streams.detect.cue_detector import CueDetector
from streams.detect.detector import ArticleText, EventFields, Finding, Rejection
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType, Participant

_LISTS = (
    "verbs",
    "by",
    "fear",
    "hypothetical",
    "nature",
    "negated",
    "figurative",
    "domestic",
    "background",
    "question",
)
_KINDS = ("means",)
# Sides that are no state, with their English names (the cue files' country words name them).
GROUPS: Mapping[str, str] = {
    "NATO": "NATO",
    "EU": "European Union",
    "HAMAS": "Hamas",
    "HEZBOLLAH": "Hezbollah",
    "HOUTHIS": "Houthis",
    "TALIBAN": "Taliban",
}
# Near-miss lists in the order they are checked, each with the reason it gives.
_NEAR_MISSES = (
    ("negated", "negated"),
    ("figurative", "figurative"),
    ("nature", "nature"),
    ("fear", "fear"),
    ("hypothetical", "hypothetical"),
    ("domestic", "domestic"),
    ("background", "old_background"),
)
# Languages whose subject may follow the verb ("هدد حزب الله إسرائيل"): with no side before the verb, the
# first after it threatens.
_VERB_FIRST = frozenset({"ar"})
# means -> (CAMEO, PLOVER mode)
_CODES: Mapping[str, tuple[str, str | None]] = {
    "force": ("138", "military"),
    "sanctions": ("132", "sanctions"),
    "retaliation": ("130", None),
    "other": ("130", None),
}


@dataclass(frozen=True, slots=True)
class ThreatFinding:
    """One side's threat found in one clause."""

    sentence: Sentence
    day: date
    date_explicit: bool
    threatener: str  # ISO3 or a code of GROUPS
    threatener_name: str
    target: str | None  # ISO3 or a group code of the threatened side, when named
    target_name: str | None
    means: str  # force | sanctions | retaliation | other
    rule: str
    event_type: str = EventType.THREAT

    def identity(self) -> str:
        # The target and the means stay out: a headline and its lead name them differently.
        return self.threatener

    def fields(self, group: Sequence[Finding]) -> EventFields:
        found = [self, *(f for f in group if isinstance(f, ThreatFinding))]
        sides = [Participant(self.threatener_name, country=_country(self.threatener))]
        targets: dict[str, str] = {}
        for finding in found:
            if finding.target and finding.target_name:
                targets.setdefault(finding.target, finding.target_name)
        sides.extend(Participant(name, country=_country(code)) for code, name in targets.items())
        named = [f.means for f in found if f.means != "other"]
        # Force outweighs sanctions, sanctions outweigh an unnamed retaliation.
        means = next((m for m in ("force", "sanctions", "retaliation") if m in named), "other")
        cameo, mode = _CODES[means]
        return EventFields(
            participants=tuple(sides),
            initiator=self.threatener_name,
            topics=(f"means:{means}", *(f"party:{code}" for code in targets)),
            severity="warning" if means == "force" else "info",
            codes=(cameo, "THREATEN", mode),
        )


def _country(code: str) -> str | None:
    return None if code in GROUPS else code


class ThreatDetector(CueDetector):
    """Finds threats in every language of ``data/events/threat.yaml``."""

    name = "threat"
    cue_lists = _LISTS
    cue_kinds = _KINDS

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[ThreatFinding], list[Rejection]]:
        cues = self.cues[article.language]
        breaks = self.clause_breaks(article.language)
        findings: list[ThreatFinding] = []
        rejections: list[Rejection] = []
        candidates = sentences_containing(article.lower_text, sentences, cues.stems)
        for position, sentence in enumerate(sentences):
            if candidates is not None and position not in candidates:
                continue
            for offset, clause in clauses(breaks, sentence.text):
                match = cues.find("verbs", clause)
                if match is None:
                    continue
                kind = cues.first_kind("means", clause[match.start() :])
                means = kind[0] if kind is not None else "other"
                rule = f"{EventType.THREAT}/{article.language}:{means}"
                moment = when(
                    clause,
                    sentence.text,
                    offset,
                    match.start(),
                    article.published,
                    article.language,
                    self.max_age,
                )
                if moment.reject == "plan":
                    # A threat names what is to come ("would strike on Friday"): it is made on publication.
                    moment = when("", "", 0, 0, article.published, article.language, self.max_age)
                if position == 0 and not moment.explicit and moment.reject is None:
                    moment = (
                        lead_day(sentences[1:3], article.published, article.language, self.max_age) or moment
                    )
                reason = _rejected(cues, sentence.text, clause) or moment.reject
                if reason is not None:
                    rejections.append(Rejection(sentence.text, rule, reason))
                    continue
                threatener, target = self._sides(clause, match, article.language)
                if threatener is None:
                    rejections.append(Rejection(sentence.text, rule, "no_threatener"))
                    continue
                findings.append(
                    ThreatFinding(
                        sentence,
                        moment.day,
                        moment.explicit,
                        threatener,
                        self._name(threatener),
                        target,
                        None if target is None else self._name(target),
                        means,
                        rule,
                    )
                )
        return findings, rejections

    def _name(self, code: str) -> str:
        return GROUPS.get(code) or self._names.get(code, code)

    def _sides(self, clause: str, match: re.Match[str], language: str) -> tuple[str | None, str | None]:
        """Who threatens and whom. A passive "by" after the verb names the threatening side ("was
        threatened by Russia") and the side before the verb is threatened; else the side named last before
        the verb threatens (in a verb-first language the first after it, when none is before) and the first
        other side after it is threatened."""
        found = self.countries.find(clause, language)
        before = [code for start, _, code in found if start < match.start()]
        after = [(start, code) for start, _, code in found if start >= match.end()]
        passive = self.cues[language].find("by", clause, match.end())
        if passive is not None and passive.start() - match.end() <= 2:
            agent = next((code for start, code in after if start >= passive.end()), None)
            if agent is not None:
                return agent, before[-1] if before else None
        threatener = before[-1] if before else None
        if threatener is None and language in _VERB_FIRST and after:
            threatener = after.pop(0)[1]
        if threatener is None:
            return None, None
        target = next((code for _, code in after if code != threatener), None)
        return threatener, target


def _rejected(cues: LanguageCues, sentence: str, clause: str) -> str | None:
    """Why the threat in ``clause`` is no news, or None."""
    if cues.find("question", sentence) is not None:
        return "question"
    for key, reason in _NEAR_MISSES:
        if cues.find(key, clause) is not None:
            return reason
    return None
