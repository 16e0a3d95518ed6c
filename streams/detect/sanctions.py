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
from datetime import date

from streams.detect.conflict_cues import LanguageCues, clauses, lead_day, when
from streams.detect.cue_detector import CueDetector
from streams.detect.detector import ArticleText, EventFields, Finding, Rejection
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType, Participant

_LISTS = ("nouns", "target", "negated", "appeal", "proposal", "threat", "talks", "background", "question")
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
        # The target stays out: a headline naming it and a lead that does not report one act.
        return f"{self.sanctioner}:{self.kind}"

    def fields(self, group: Sequence[Finding]) -> EventFields:
        sides = [Participant(self.sanctioner_name, country=_country(self.sanctioner))]
        targets: dict[str, str] = {}
        for finding in (self, *group):
            if isinstance(finding, SanctionsFinding) and finding.target and finding.target_name:
                targets.setdefault(finding.target, finding.target_name)
        sides.extend(Participant(name, country=_country(code)) for code, name in targets.items())
        topics = [f"kind:{self.kind}", *(f"party:{code}" for code in targets if code not in BLOCS)]
        return EventFields(
            participants=tuple(sides),
            initiator=self.sanctioner_name,
            topics=tuple(topics),
            severity="info" if self.kind == "lifted" else "warning",
            codes=("163", "SANCTION", None),
        )


def _country(code: str) -> str | None:
    return None if code in BLOCS else code


class SanctionsDetector(CueDetector):
    """Finds sanctions acts in every language of ``data/events/sanctions.yaml``."""

    name = "sanctions"
    cue_lists = _LISTS
    cue_kinds = _KINDS

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[SanctionsFinding], list[Rejection]]:
        cues = self.cues[article.language]
        breaks = self.clause_breaks(article.language)
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
                if position == 0 and not moment.explicit and moment.reject is None:
                    # An undated headline takes the day its lead states ("...ввел девятый пакет санкций" /
                    # "С вечера пятницы действует...").
                    moment = (
                        lead_day(
                            sentences[1:3],
                            article.published,
                            article.language,
                            self.max_age,
                            cues.lists["nouns"],
                        )
                        or moment
                    )
                lead_in = sentence.text[max(0, offset - 16) : offset]
                reason = _rejected(cues, sentence.text, clause, lead_in) or moment.reject
                if reason is not None:
                    rejections.append(Rejection(sentence.text, rule, reason))
                    continue
                sanctioners, target = self._sides(clause, match, article.language)
                if not sanctioners and findings and findings[-1].sentence is sentence:
                    # "美国总统8日签署法案，暂停了与俄罗斯...，并禁止从俄罗斯进口...": the same side goes on.
                    sanctioners = [f.sanctioner for f in findings if f.sentence is sentence]
                    sanctioners = list(dict.fromkeys(sanctioners))
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

    def _sides(self, clause: str, match: re.Match[str], language: str) -> tuple[list[str], str | None]:
        """The sanctioning sides and the sanctioned one. A target word ("against", "против", "对") splits
        the clause: the sides before it sanction, the first after it is the target ("中方对美国...实施制裁").
        Else the sides named before the act sanction (with those joined to them), or the first one between
        the act and the target word ("sanctions de l'UE contre la Russie"); the target is the first other
        side after them. Sides named in an earlier clause are not taken: the clause names its own."""
        found = self.countries.find(clause, language)
        markers = (
            list(self.cues[language].lists["target"].finditer(clause))
            if "target" in self.cues[language].lists
            else []
        )
        # A target word inside the act counts as ahead of it: "宣布对俄罗斯...制裁".
        ahead = next((m for m in markers if m.start() < match.end()), None)
        after = next((m for m in markers if m.start() >= match.end()), None)
        if ahead is not None:
            pool = [w for w in found if w[1] <= ahead.start()]
        else:
            pool = [w for w in found if w[0] < match.start()]
        sanctioners: list[str] = []
        if pool:
            chain = [pool[-1]]
            for word in reversed(pool[:-1]):
                if word[1] > chain[-1][0] or not _JOINED.fullmatch(clause, word[1], chain[-1][0]):
                    break
                chain.append(word)
            sanctioners = list(dict.fromkeys(code for _, _, code in reversed(chain)))
        elif ahead is None:
            limit = after.start() if after is not None else len(clause)
            between = [word for word in found if match.end() <= word[0] < limit]
            # "sanctions adopted by the European Union and the United Kingdom against ...": both.
            chain = between[:1]
            for word in between[1:]:
                if not _JOINED.fullmatch(clause, chain[-1][1], word[0]):
                    break
                chain.append(word)
            sanctioners = list(dict.fromkeys(code for _, _, code in chain))
        marker = ahead or after
        begin = marker.end() if marker is not None else 0
        target = next((code for start, _, code in found if start >= begin and code not in sanctioners), None)
        return sanctioners, target


def _act(cues: LanguageCues, clause: str) -> tuple[str, re.Match[str]] | None:
    hit = cues.first_kind("acts", clause)
    if hit is not None:
        return hit
    if cues.find("nouns", clause) is None:
        return None
    return cues.first_kind("verbs", clause)


def _rejected(cues: LanguageCues, sentence: str, clause: str, before: str = "") -> str | None:
    """Why the act in ``clause`` is no news, or None."""
    if cues.find("question", sentence) is not None:
        return "question"
    for key, reason in _NEAR_MISSES:
        # Background may stand just before a clause break: "стран, которые ввели санкции".
        text = before + clause if key == "background" else clause
        if cues.find(key, text) is not None:
            return reason
    return None
