"""Aid detector: military, humanitarian or financial aid pledged or delivered by one state to another
(CAMEO 07x, PLOVER AID).

Clause by clause: an aid phrase ("aide militaire", "military aid", "livre des missiles à") with a giving verb
in the clause (announced, delivered, granted, pledged, will send). The donor is the state named nearest
before the phrase (capitals and leaders count as their state), the recipient the state named after it (after
"à"/"to" first); "Kiev reçoit ..." turns them round. Appeals and requests, aid not agreed or not delivered,
denials, conditions, proposals, domestic support ("aides aux pêcheurs") and "aider" as help are near misses.
One event per donor, recipient and day; the amount is an ``amount:`` topic as written.
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

_LISTS = (
    "verbs",
    "receive",
    "to",
    "figurative",
    "domestic",
    "appeal",
    "negated",
    "denial",
    "conditional",
    "proposal",
    "plan",
    "background",
    "question",
    "amount",
)
_KINDS = ("acts",)
# kind -> CAMEO
_CODES = {"military": "072", "humanitarian": "073", "financial": "071", "aid": "070"}


@dataclass(frozen=True, slots=True)
class AidFinding:
    """One state's aid to another found in one clause."""

    sentence: Sentence
    day: date
    date_explicit: bool
    donor: str  # ISO3
    recipient: str  # ISO3, "" when the text names none
    kind: str  # military | humanitarian | financial | aid
    amount: str | None
    rule: str
    names: tuple[str, str]  # the donor's and the recipient's English names
    event_type: str = EventType.AID

    def identity(self) -> str:
        return f"{self.donor}>{self.recipient}"

    def fields(self, group: Sequence[Finding]) -> EventFields:
        found = [self, *(f for f in group if isinstance(f, AidFinding))]
        kinds = list(dict.fromkeys(f.kind for f in found))
        kind = next((k for k in kinds if k != "aid"), "aid")
        amount = next((f.amount for f in found if f.amount), None)
        people = [Participant(self.names[0], country=self.donor)]
        if self.recipient:
            people.append(Participant(self.names[1], country=self.recipient))
        return EventFields(
            participants=tuple(people),
            initiator=self.names[0],
            topics=(*(f"kind:{k}" for k in kinds), *((f"amount:{amount}",) if amount else ())),
            severity="info",
            codes=(_CODES[kind], "AID", kind if kind != "aid" else None),
        )


class AidDetector(CueDetector):
    """Finds aid given or pledged in every language of ``data/events/aid.yaml``."""

    name = "aid"
    cue_lists = _LISTS
    cue_kinds = _KINDS

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[AidFinding], list[Rejection]]:
        cues = self.cues[article.language]
        breaks = self.clause_breaks(article.language)
        findings: list[AidFinding] = []
        rejections: list[Rejection] = []
        candidates = sentences_containing(article.lower_text, sentences, cues.stems)
        for position, sentence in enumerate(sentences):
            if candidates is not None and position not in candidates:
                continue
            for offset, clause in clauses(breaks, sentence.text):
                hit = cues.first_kind("acts", clause)
                if hit is None or (
                    cues.find("verbs", clause) is None and cues.find("receive", clause) is None
                ):
                    continue
                kind, match = hit
                rule = f"{EventType.AID}/{article.language}:{kind}"
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
                donor, recipient = self._sides(cues, clause, match, article.language)
                if not donor or donor == recipient:
                    rejections.append(Rejection(sentence.text, rule, "no_donor"))
                    continue
                amount = cues.find("amount", clause)
                findings.append(
                    AidFinding(
                        sentence,
                        moment.day,
                        moment.explicit,
                        donor,
                        recipient,
                        kind,
                        amount.group(0) if amount else None,
                        rule,
                        (self._names.get(donor, donor), self._names.get(recipient, recipient)),
                    )
                )
                break  # one aid per sentence
        return findings, rejections

    def _sides(self, cues: LanguageCues, clause: str, match: re.Match[str], language: str) -> tuple[str, str]:
        """(donor, recipient) ISO3 around the giving verb (else the aid phrase): the state before it gives,
        the one after it receives ("à l'Ukraine", "to Ukraine" first), else another state before ("Au Bénin,
        Emmanuel Macron promet"); a receiving verb ("Kiev reçoit") turns them round."""
        receive = cues.find("receive", clause)
        verb = receive or _verb_near(cues, clause, match.start())
        anchor = verb.start() if verb is not None else match.start()
        found = self.countries.find(clause, language)
        before = [iso for start, _, iso in found if start < anchor]
        after = [(start, iso) for start, _, iso in found if start >= anchor]
        to = cues.find("to", clause, anchor)
        marked = [iso for start, iso in after if to is not None and start >= to.start()]
        later = marked[0] if marked else (after[0][1] if after else "")
        if receive is not None and before:
            return later, before[-1]
        donor = before[-1] if before else ""
        if not later:
            later = next((iso for iso in reversed(before) if iso != donor), "")
        return donor, later


def _verb_near(cues: LanguageCues, clause: str, position: int) -> re.Match[str] | None:
    """The giving verb nearest before ``position`` ("les Etats-Unis annoncent des sanctions, la Suède va
    apporter une aide": apporter), else the first one after it."""
    found: re.Match[str] | None = None
    verb = cues.find("verbs", clause)
    while verb is not None and verb.start() < position:
        found = verb
        verb = cues.find("verbs", clause, verb.end())
    return found or verb


def _rejected(cues: LanguageCues, sentence: str, clause: str, match: re.Match[str]) -> str | None:
    """Why the aid in ``clause`` is no news, or None."""
    if cues.find("question", sentence) is not None:
        return "question"
    figurative = cues.find("figurative", clause)
    if figurative is not None and figurative.start() <= match.start() < figurative.end():
        return "figurative"
    for key in ("domestic", "appeal", "denial", "negated", "conditional", "proposal", "plan", "background"):
        if cues.find(key, clause) is not None:
            return key
    return None
