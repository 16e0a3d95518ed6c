"""Armed-attack detector: air, missile and drone strikes, shelling, gunfire and ground assaults on a named place
(CAMEO 190-195, PLOVER ASSAULT), with the attacker, the place and the killed and wounded figures when given.

Clause by clause: a weapon trigger ("air strike", "обстріл", "frappe de drones") or a generic one
("attacked", "удар") with a military word. Figures of speech, exercises, threats, denials, history and an
attack with no place named are near-misses; a sentence that names a truce is left to the ceasefire detector
(``ceasefire_violated`` wins). One event per attacker, place and day.
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
from streams.records import EventType, Participant, Place

_LISTS = (
    "generic", "military", "place_before", "not_places", "killed", "wounded", "figurative", "drill", "threat",
    "negated", "background", "question", "truce", "alleged", "by",
)  # fmt: skip
_KINDS = ("weapons",)
# weapon kind -> (CAMEO, PLOVER mode)
_CODES = {
    "aerial": ("195", "aerial"),
    "artillery": ("194", "artillery"),
    "small_arms": ("193", "firearms"),
    "ground": ("190", None),
}
_CAPITAL = r"[^\W\d_a-zа-яёіїєґ][\w'’-]*"
_PLACE_NOUNS = r"(?:(?:the )?(?:city|town|village|region|port|capital|district|province|settlement) of )?"


@dataclass(frozen=True, slots=True)
class AttackFinding:
    """One attack found in one clause: who struck, where, with what, and the toll when given."""

    sentence: Sentence
    day: date
    date_explicit: bool
    attacker: str | None  # ISO3
    attacker_name: str | None
    place: str  # as written, or the target country's name
    target: str | None  # ISO3 of the target country when the text names one
    weapon: str  # aerial | artillery | small_arms | ground
    killed: int | None
    wounded: int | None
    alleged: bool
    rule: str
    event_type: str = EventType.ARMED_ATTACK

    def identity(self) -> str:
        return f"{self.attacker or '-'}|{self.place.lower()}"

    def fields(self, group: Sequence[Finding]) -> EventFields:
        mine = [f for f in group if isinstance(f, AttackFinding)] or [self]
        killed = max((f.killed for f in mine if f.killed is not None), default=None)
        wounded = max((f.wounded for f in mine if f.wounded is not None), default=None)
        target = next((f.target for f in mine if f.target), None)
        topics = [f"weapon:{w}" for w in dict.fromkeys(f.weapon for f in mine)]
        topics += [f"{name}:{n}" for name, n in (("killed", killed), ("wounded", wounded)) if n is not None]
        if target is not None:
            topics.append(f"target:{target}")
        cameo, mode = _CODES[self.weapon]
        who = (Participant(self.attacker_name or self.attacker, country=self.attacker),) if self.attacker else ()
        return EventFields(
            participants=who,
            alleged=all(f.alleged for f in mine),
            topics=tuple(topics),
            severity="critical" if killed else "warning",
            codes=(cameo, "ASSAULT", mode),
            place=Place(self.place, kind="country" if self.place == self._target_name() else None),
        )

    def _target_name(self) -> str | None:
        return self.place if self.target is not None and self.place[:1].isupper() else None


class ArmedAttackDetector:
    """Finds armed attacks in every language of ``data/events/armed_attack.yaml``."""

    name = "armed_attack"

    def __init__(
        self,
        gazetteer: Gazetteer,
        max_age_days: int = 45,
        languages: Mapping[str, LanguageData] | None = None,
    ) -> None:
        self.cues = load_event_cues("armed_attack", _LISTS, _KINDS)
        self.languages = frozenset(self.cues)
        self.max_age = timedelta(days=max_age_days)
        self._languages = languages or {}
        self.countries = CountryWords(gazetteer, self._languages, self.cues)
        self._names = {code: entry.name for code, entry in gazetteer.countries().items()}
        self._capitals = {m for entry in gazetteer.countries().values() for m in entry.metonyms}
        self._places = {code: _place_pattern(cues) for code, cues in self.cues.items()}

    def gate_words(self) -> frozenset[bytes]:
        return frozenset()

    def may_fire(self, article: ArticleText) -> bool:
        cues = self.cues.get(article.language)
        return cues is not None and any(map(article.lower.__contains__, cues.stems))

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[AttackFinding], list[Rejection]]:
        language = article.language
        cues = self.cues[language]
        breaks = cues.clause_breaks
        if breaks is None and language != "en" and language in self._languages:
            breaks = self._languages[language].clause_breaks
        findings: list[AttackFinding] = []
        rejections: list[Rejection] = []
        candidates = sentences_containing(article.lower_text, sentences, cues.stems)
        for position, sentence in enumerate(sentences):
            if candidates is not None and position not in candidates:
                continue
            if sentence.is_caption:
                continue
            for offset, clause in clauses(breaks, sentence.text):
                hit = _trigger(cues, clause, sentence.text)
                if hit is None:
                    continue
                weapon, match = hit
                rule = f"{EventType.ARMED_ATTACK}/{language}:{weapon}"
                reason = _rejected(cues, sentence.text, clause)
                moment = when(clause, sentence.text, offset, match.start(), article.published, language, self.max_age)
                reason = reason or moment.reject
                if reason is not None:
                    rejections.append(Rejection(sentence.text, rule, reason))
                    continue
                attacker = self._attacker(cues, clause, match, language)
                place, target = self._target(clause, match, language, attacker)
                if place is None:
                    rejections.append(Rejection(sentence.text, rule, "no_place"))
                    continue
                findings.append(
                    AttackFinding(
                        sentence,
                        moment.day,
                        moment.explicit,
                        attacker,
                        self._names.get(attacker) if attacker else None,
                        place,
                        target,
                        weapon,
                        cues.number("killed", sentence.text),
                        cues.number("wounded", sentence.text),
                        cues.find("alleged", clause) is not None,
                        rule,
                    )
                )
        return findings, rejections

    def _attacker(self, cues: LanguageCues, clause: str, trigger: re.Match[str], language: str) -> str | None:
        """The country named nearest before the trigger, else the one right after "by"."""
        found = self.countries.find(clause, language)
        before = [iso for start, _, iso in found if start < trigger.start()]
        if before:
            return before[-1]
        by = cues.find("by", clause, trigger.end())
        if by is not None:
            after = [iso for start, _, iso in found if by.end() <= start <= by.end() + 12]
            if after:
                return after[0]
        return None

    def _target(
        self, clause: str, trigger: re.Match[str], language: str, attacker: str | None
    ) -> tuple[str | None, str | None]:
        """(place as written, target country): a named place after the trigger, else before it, else a country."""
        places = [m for m in self._places[language].finditer(clause) if self._is_place(m.group("place"), language)]
        after = [m for m in places if m.start() >= trigger.start()]
        chosen = (after or places or [None])[0]
        countries = [(s, iso) for s, _, iso in self.countries.find(clause, language) if iso != attacker]
        # A target country is named soon after the trigger ("strikes on Ukraine"), not by a trailing speaker.
        target = next((iso for s, iso in countries if trigger.start() <= s <= trigger.end() + 60), None)
        if chosen is not None:
            name = chosen.group("place")
            place_country = [iso for s, _, iso in self.countries.find(name, language)]
            return name, (place_country[0] if place_country else target)
        if target is not None:
            return self._names.get(target, target), target
        return None, None

    def _is_place(self, name: str, language: str) -> bool:
        """A capitalised name that is no weekday, month, title or country name (capitals are places)."""
        first = name.split()[0].rstrip("'’s")
        cues = self.cues[language]
        not_places = cues.lists.get("not_places")
        if not_places is not None and not_places.fullmatch(first):
            return False
        if name in self._capitals:
            return True
        return not any(s == 0 and e == len(name) for s, e, _ in self.countries.find(name, language))


def _place_pattern(cues: LanguageCues) -> re.Pattern[str]:
    """A place word after one of the language's place prepositions, case-sensitive on the name itself."""
    before = cues.lists.get("place_before")
    words = before.pattern if before is not None else "(?!)"
    name = rf"(?P<place>{_CAPITAL}(?:\s{_CAPITAL}){{0,2}})"
    return re.compile(rf"(?i:{words})\s+(?i:{_PLACE_NOUNS}){name}")


def _trigger(cues: LanguageCues, clause: str, sentence: str) -> tuple[str, re.Match[str]] | None:
    hit = cues.first_kind("weapons", clause)
    if hit is not None:
        return hit
    generic = cues.find("generic", clause)
    if generic is None:
        return None
    if cues.find("military", clause) is not None or cues.number("killed", clause) is not None:
        return "ground", generic
    return None


def _rejected(cues: LanguageCues, sentence: str, clause: str) -> str | None:
    """Why the attack in ``clause`` is no report of one, or None."""
    if cues.find("question", sentence) is not None:
        return "question"
    if cues.find("truce", sentence) is not None:
        return "ceasefire_violation"
    for key, reason in (
        ("figurative", "figurative"),
        ("drill", "exercise"),
        ("negated", "negated"),
        ("threat", "threat"),
        ("background", "old_background"),
    ):
        if cues.find(key, clause) is not None:
            return reason
    return None
