"""Leaders meeting in person (CAMEO 042-044, PLOVER CONSULT): state visits, talks, summits with named leaders.

A sentence with a meeting cue of its language ("met with", "провели переговоры", "会见", "استقبل") and
at least two heads of state or government of different countries is a meeting, unless a cue near it says it
is a call (a phone or video medium: that is a ``leader_call``), a plan, a cancelled or denied meeting, an old
one recalled, or the sentence is a photo caption. Ministers and other officials do not make a meeting; a
sentence with one leader and another official is a near miss (``not_leaders``).
Cues: data/events/leader_meeting.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from streams.detect.conflict_cues import LanguageCues, clauses, load_event_cues, when
from streams.detect.detector import ArticleText, EventFields, Finding, Rejection
from streams.detect.event_gates import gate_words, may_hold
from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData
from streams.detect.leader_mentions import LeaderMentions, place_near
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType, Participant, Place

_LISTS = ("call", "plan", "cancelled", "negated", "background", "words")
_KINDS = ("meets",)
# CAMEO code and PLOVER mode of each kind of meeting.
_CODES = {"visit": ("042", "visit"), "meeting": ("043", "meet"), "summit": ("044", "meet")}
_BEFORE, _AFTER = 60, 30  # characters around the trigger where its cues are looked for
_PEOPLE = 150  # characters around the trigger where the leaders who meet are named
_LOOK_BACK = 12  # sentences before an undated one whose date it may take ("两国元首先后举行...会谈")


@dataclass(frozen=True, slots=True)
class MeetingFinding:
    """Leaders meeting, found in one sentence."""

    sentence: Sentence
    day: date
    date_explicit: bool
    participants: tuple[Participant, ...]
    kind: str  # visit | meeting | summit
    rule: str
    place: Place | None = None  # the town named nearest the cue
    event_type: str = EventType.LEADER_MEETING

    def identity(self) -> str:
        # The place is no part of it within one article (a later paragraph naming none is the same meeting);
        # the event's place, the first named, joins the key that merges reports across articles.
        return ",".join(sorted(p.person_id or p.name.lower() for p in self.participants))

    def fields(self, group: Sequence[Finding]) -> EventFields:
        meetings = [self, *(f for f in group if isinstance(f, MeetingFinding))]
        kinds = [f.kind for f in meetings]
        kind = "visit" if "visit" in kinds else self.kind
        cameo, mode = _CODES[kind]
        return EventFields(
            participants=self.participants,
            topics=tuple(f"kind:{k}" for k in dict.fromkeys(kinds)),
            severity="warning",
            codes=(cameo, "CONSULT", mode),
            place=next((f.place for f in meetings if f.place is not None), None),
        )


class LeaderMeetingDetector:
    """Finds in-person meetings of leaders in every language of ``data/events/leader_meeting.yaml``."""

    name = "leader_meeting"

    def __init__(
        self,
        gazetteer: Gazetteer,
        max_age_days: int = 45,
        languages: Mapping[str, LanguageData] | None = None,
    ) -> None:
        self.cues = load_event_cues("leader_meeting", _LISTS, _KINDS)
        self._languages = languages or {}
        self.languages = frozenset(code for code in self.cues if code == "en" or code in self._languages)
        self.max_age = timedelta(days=max_age_days)
        self.people = LeaderMentions(gazetteer, self._languages)
        self._words = gate_words("leader_meeting")

    def gate_words(self) -> frozenset[bytes]:
        return self._words | self.people.finder.gate_words()

    def may_fire(self, article: ArticleText) -> bool:
        """A meeting word (whole words in ASCII English) and, in English, somebody: a name or an office."""
        cues = self.cues.get(article.language)
        if cues is None:
            return False
        if article.language != "en":
            return any(map(article.lower.__contains__, cues.stems))
        return may_hold(article, cues.stems, self._words) and self.people.finder.may_mention_anyone(
            article.text, article.words
        )

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[MeetingFinding], list[Rejection]]:
        cues = self.cues[article.language]
        breaks = cues.clause_breaks
        if breaks is None and article.language in self._languages:
            breaks = self._languages[article.language].clause_breaks
        findings: list[MeetingFinding] = []
        rejections: list[Rejection] = []
        candidates = sentences_containing(article.lower_text, sentences, cues.stems)
        for position, sentence in enumerate(sentences):
            if candidates is not None and position not in candidates:
                continue
            for offset, clause in clauses(breaks, sentence.text):
                hit = cues.first_kind("meets", clause)
                if hit is None:
                    continue
                kind, trigger = hit
                outcome = self._examine(sentences, position, offset, clause, kind, trigger, article, cues)
                if isinstance(outcome, MeetingFinding):
                    findings.append(outcome)
                    break
                if isinstance(outcome, Rejection):
                    rejections.append(outcome)
                    break
        return findings, rejections

    def _examine(
        self,
        sentences: Sequence[Sentence],
        position: int,
        offset: int,
        clause: str,
        kind: str,
        trigger: re.Match[str],
        article: ArticleText,
        cues: LanguageCues,
    ) -> MeetingFinding | Rejection | None:
        sentence = sentences[position]
        language, published = article.language, article.published
        timing = when(clause, sentence.text, offset, trigger.start(), published, language, self.max_age)
        day, explicit = timing.day, timing.explicit
        if not explicit and timing.reject is None:
            day, explicit = _date_before(sentences, position, published, language, self.max_age)
        # A summit's leaders are often listed in the next clause ("..峰会。哈萨克斯坦总统托卡耶夫、..出席");
        # others stand near the cue (Arabic and Chinese "sentences" are paragraphs naming other leaders).
        near = clause[max(0, trigger.start() - _PEOPLE) : trigger.end() + _PEOPLE]
        people = self.people.people(sentence.text if kind == "summit" else near, language, day)
        leaders = [m for m in people if m.is_leader]
        countries = {m.country for m in leaders if m.country}
        rule = f"{EventType.LEADER_MEETING}/{language}:{kind}:{trigger.group(0).lower()}"
        if len(leaders) < 2 or len(countries) < 2:
            if leaders and len(people) >= 2:
                return Rejection(sentence.text, rule, "not_leaders")
            return None
        reason = _rejected(cues, clause, trigger) or timing.reject
        if reason is None and sentence.is_caption:
            reason = "caption"
        if reason is not None:
            return Rejection(sentence.text, rule, reason)
        participants = tuple(m.participant() for m in leaders)
        place = place_near(clause, trigger.start(), trigger.end(), language)
        return MeetingFinding(sentence, day, explicit, participants, kind, rule, place)


def _rejected(cues: LanguageCues, clause: str, trigger: re.Match[str]) -> str | None:
    """Why the meeting cue at ``trigger`` is no meeting held, from the cues around it (None: it is one)."""
    if cues.find("call", clause) is not None:  # anywhere in the clause: "hosted ... for a virtual meeting"
        return "call"
    window = clause[max(0, trigger.start() - _BEFORE) : trigger.end() + _AFTER]
    for key, reason in (
        ("cancelled", "cancelled"),
        ("negated", "negated"),
        ("plan", "plan"),
        ("background", "old_background"),
    ):
        if cues.find(key, window) is not None:
            return reason
    return None


def _date_before(
    sentences: Sequence[Sentence], position: int, published: date, language: str, max_age: timedelta
) -> tuple[date, bool]:
    """The first explicit day of the few sentences before (a report's lead dates what it tells after it),
    else the publication's."""
    for sentence in sentences[max(0, position - _LOOK_BACK) : position]:
        timing = when(sentence.text, sentence.text, 0, 0, published, language, max_age)
        if timing.explicit and timing.reject is None:
            return timing.day, True
    return published, False
