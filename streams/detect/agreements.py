"""Formal agreements signed (CAMEO 057, PLOVER AGREE): peace and ceasefire deals, prisoner-exchange and grain
deals, memoranda, treaties and declarations signed or concluded by named states or their leaders.

A clause with a signing verb of its language ("signed", "подписали", "签署", "وقع") and a document noun
("agreement", "соглашение", "协议", "اتفاقية") is a signing when two states are named near it, through
country words or leaders, or, for "the two heads of state signed ...", in the sentences before.
Near misses: a plan to sign, talks towards a deal, a draft, an appeal for one, a denial, an old deal recalled,
signings with fewer than two states named (``no_parties``: a law, a contract, bodies of one state), and
agreements of parliaments, companies, universities or foundations (``not_states``).
Cues: data/events/agreement_signed.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from streams.detect import role_phrases
from streams.detect.conflict_cues import CountryWords, LanguageCues, clauses, load_event_cues, when
from streams.detect.detector import ArticleText, EventFields, Finding, Rejection
from streams.detect.event_gates import gate_words
from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData
from streams.detect.leader_mentions import LeaderMentions, place_near
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType, Participant, Place

_LISTS = (
    "nouns",
    "plan",
    "talks",
    "draft",
    "appeal",
    "negated",
    "background",
    "bodies",
    "words",
    "noun_words",
)
_KINDS = ("signs",)
_BEFORE, _AFTER = 60, 30  # characters around the verb where its cues are looked for
_STATES = 150  # characters around the verb where the states that sign are named
_LOOK_BACK = 12  # sentences before whose states and date a signing without its own may take


@dataclass(frozen=True, slots=True)
class AgreementFinding:
    """A signed agreement found in one clause: the states that signed it and the leaders named."""

    sentence: Sentence
    day: date
    date_explicit: bool
    parties: tuple[str, ...]  # ISO3, sorted
    leaders: tuple[Participant, ...]  # the leaders named, then each other party as its state
    rule: str
    place: Place | None = None  # the town named nearest the verb
    event_type: str = EventType.AGREEMENT_SIGNED

    def identity(self) -> str:
        return "-".join(self.parties)  # the place joins the event's key, not the identity within an article

    def fields(self, group: Sequence[Finding]) -> EventFields:
        leaders: dict[str, Participant] = {}
        for finding in (self, *group):
            if isinstance(finding, AgreementFinding):
                for person in finding.leaders:
                    leaders.setdefault(person.person_id or person.name, person)
        places = (f.place for f in (self, *group) if isinstance(f, AgreementFinding) and f.place is not None)
        return EventFields(
            participants=tuple(leaders.values()),
            topics=tuple(f"party:{code}" for code in self.parties),
            severity="warning",
            codes=("057", "AGREE", None),
            place=next(places, None),
        )


class AgreementDetector:
    """Finds signed agreements in every language of ``data/events/agreement_signed.yaml``."""

    name = "agreement_signed"

    def __init__(
        self,
        gazetteer: Gazetteer,
        max_age_days: int = 45,
        languages: Mapping[str, LanguageData] | None = None,
    ) -> None:
        self.cues = load_event_cues("agreement_signed", _LISTS, _KINDS)
        self._languages = languages or {}
        self.languages = frozenset(code for code in self.cues if code == "en" or code in self._languages)
        self.max_age = timedelta(days=max_age_days)
        self.people = LeaderMentions(gazetteer, self._languages)
        self.countries = CountryWords(gazetteer, self._languages, self.cues)
        self._names = {code: entry.name for code, entry in gazetteer.countries().items()}
        self._verbs = gate_words("agreement_signed")
        self._nouns = gate_words("agreement_signed", key="noun_words")

    def gate_words(self) -> frozenset[bytes]:
        return self._verbs | self._nouns

    def may_fire(self, article: ArticleText) -> bool:
        """A signing verb and a document noun as whole words in all-ASCII English ("sign", not the "sign" of
        "design"), else a stem of the language."""
        cues = self.cues.get(article.language)
        if cues is None:
            return False
        if article.language != "en" or article.words is None:
            return any(map(article.lower.__contains__, cues.stems))
        return not self._verbs.isdisjoint(article.words) and not self._nouns.isdisjoint(article.words)

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[AgreementFinding], list[Rejection]]:
        cues = self.cues[article.language]
        breaks = cues.clause_breaks
        if breaks is None and article.language in self._languages:
            breaks = self._languages[article.language].clause_breaks
        findings: list[AgreementFinding] = []
        rejections: list[Rejection] = []
        candidates = sentences_containing(article.lower_text, sentences, cues.stems)
        for position, sentence in enumerate(sentences):
            if candidates is not None and position not in candidates:
                continue
            for offset, clause in clauses(breaks, sentence.text):
                hit = cues.first_kind("signs", clause)
                if hit is None or cues.find("nouns", clause) is None:
                    continue
                outcome = self._examine(sentences, position, offset, clause, hit[1], article, cues)
                if isinstance(outcome, AgreementFinding):
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
        verb: re.Match[str],
        article: ArticleText,
        cues: LanguageCues,
    ) -> AgreementFinding | Rejection:
        sentence = sentences[position]
        language, published = article.language, article.published
        rule = f"{EventType.AGREEMENT_SIGNED}/{language}:{verb.group(0).lower()}"
        reason = _rejected(cues, clause, verb)
        if reason is not None:
            return Rejection(sentence.text, rule, reason)
        timing = when(clause, sentence.text, offset, verb.start(), published, language, self.max_age)
        if timing.reject is not None:
            return Rejection(sentence.text, rule, timing.reject)
        day, explicit = timing.day, timing.explicit
        # "两国元首共同见证签署...": the day of the meeting told first, the states of the sentences before.
        window = sentences[max(0, position - _LOOK_BACK) : position]
        if not explicit:
            day, explicit = _lead_date(window, published, language, self.max_age)
        near = clause[max(0, verb.start() - _STATES) : verb.end() + _STATES]
        leaders, parties = self._parties(near, language, day)
        # The leaders told before first; only when they are not two states, the country words too.
        for country_words in (False, True):
            for before in reversed(window):
                if len(parties) >= 2:
                    break
                more_leaders, more = self._parties(before.text, language, day, country_words)
                leaders = (*leaders, *(p for p in more_leaders if p not in leaders))
                parties |= more
        if len(parties) < 2:  # a law, a contract, an agreement of bodies of one state
            return Rejection(sentence.text, rule, "no_parties")
        place = place_near(clause, verb.start(), verb.end(), language)
        led = {p.country for p in leaders}
        # "agreement signed: Xi Jinping – Saudi Arabia": a state whose leader is not named stands for itself.
        states = tuple(Participant(self._names.get(c, c), country=c) for c in sorted(parties) if c not in led)
        signers = (*(p for p in leaders if p.country in parties), *states)
        return AgreementFinding(sentence, day, explicit, tuple(sorted(parties)), signers, rule, place)

    def _parties(
        self, text: str, language: str, day: date, country_words: bool = True
    ) -> tuple[tuple[Participant, ...], set[str]]:
        """The leaders named in ``text`` and the states it names: the leaders' states and, with
        ``country_words``, its country words (the longest at each place: "埃塞俄比亚" is Ethiopia, not the
        "俄" of Russia inside it). A sentence before the signing gives its leaders' states only: the
        paragraphs of a meeting report name many a country ("中蒙俄经济走廊") that signed nothing."""
        leaders = [m for m in self.people.people(text, language, day) if m.is_leader]
        states = {m.country for m in leaders if m.country}
        if country_words:
            states |= {code for _, _, code in role_phrases.longest(self.countries.find(text, language))}
        return tuple(m.participant() for m in leaders), states


def _rejected(cues: LanguageCues, clause: str, verb: re.Match[str]) -> str | None:
    """Why the signing verb at ``verb`` is no signing done, from the cues around it (None: it is one)."""
    window = clause[max(0, verb.start() - _BEFORE) : verb.end() + _AFTER]
    for key, reason in (
        ("negated", "negated"),
        ("appeal", "appeal"),
        ("draft", "draft"),
        ("talks", "talks"),
        ("plan", "plan"),
        ("background", "old_background"),
    ):
        if cues.find(key, window) is not None:
            return reason
    if cues.find("bodies", clause) is not None:  # "... between Poetry Ireland and the Poetry Foundation"
        return "not_states"
    return None


def _lead_date(
    window: Sequence[Sentence], published: date, language: str, max_age: timedelta
) -> tuple[date, bool]:
    """The first explicit day told in ``window`` (the lead dates the report), else the publication's."""
    for sentence in window:
        timing = when(sentence.text, sentence.text, 0, 0, published, language, max_age)
        if timing.explicit and timing.reject is None:
            return timing.day, True
    return published, False
