"""Find the people a sentence talks about, by name or by role, and resolve them through the gazetteer by date.

Wraps the gazetteer's name finder with what the detectors also need: role phrases ("the Turkish
president", "Armenia's prime minister", "the Russian and French presidents"), "his Russian counterpart",
and guards such as "former". Every mention carries the office held on the event's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from streams.detect.gazetteer import Gazetteer, OfficeTerm
from streams.records import Participant

# Where the gazetteer's own "leaders_of" order (head of state first) gives the wrong everyday "leader":
# parliamentary systems and monarchies, where "the British leader" is the prime minister.
_HEAD_OF_GOVERNMENT_LEADS = frozenset(
    """GBR DEU ITA ESP JPN IND CAN AUS NLD BEL SWE NOR DNK ISR GRC PAK IRQ ARM HUN CZE AUT PRT IRL NZL THA
    MYS BGD ETH NPL CHE POL SVK SVN HRV EST LVA LTU FIN BGR MNE MKD ALB GEO MLT LUX ISL""".split()
)
_GENERIC_LEADER = r"leader|head of state|head of government|strongman|counterpart"
_FORMER = re.compile(r"\b(?:former|ex-|ex|late|then|then-|past|previous|outgoing|once)\s*$", re.IGNORECASE)
# Between a role and the name it introduces only punctuation or capitalised title words may stand.
_TITLE_GAP = re.compile(r"^[\s,(]*(?:[A-Z][\w.'’-]*[\s,]*)*$")
_PRONOUN_SUBJECT = re.compile(r"^(?:He|She)\b|,\s+(?:he|she)\s+(?:spoke|talked|called|phoned|held|had)\b")


@dataclass(frozen=True, slots=True)
class Mention:
    """A person mention in one sentence, resolved for one day; ``person_id`` is None if unresolved."""

    start: int
    end: int
    surface: str
    person_id: str | None
    name: str
    country: str | None
    office: str | None
    is_leader: bool
    kind: str  # name | role | counterpart | coreference

    def participant(self) -> Participant:
        return Participant(self.name, self.country, self.office, self.person_id, self.is_leader)


def _alternation(words: Iterable[str]) -> str:
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in unique)


class MentionFinder:
    """Compiled role patterns for one gazetteer; ``find`` returns resolved mentions left to right."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        country_words = [w for c in gazetteer.countries().values() for w in (c.name, *c.names, *c.adjectives)]
        self._country_code = {w: c.code for c in gazetteer.countries().values()
                              for w in (c.name, *c.names, *c.adjectives)}  # fmt: skip
        countries = _alternation(country_words)
        offices = _alternation(w for w in gazetteer.office_words() if len(w) > 2)
        self._office_words = dict(gazetteer.office_words())
        self._role = re.compile(
            rf"\b(?P<country>{countries})(?:'s|’s)?\s+(?:(?i:acting|interim|new|newly[- ]elected|incoming)\s+)?"
            rf"(?P<office>(?i:{offices}|{_GENERIC_LEADER}))\b(?!s)"
        )
        self._role_of = re.compile(
            rf"\b(?P<office>(?i:{offices}|head of state|head of government))\s+of\s+(?:the\s+)?(?P<country>{countries})\b"
        )
        self._plural = re.compile(
            rf"\b(?P<list>(?:(?:{countries})\s*(?:,|and|&)\s*)+(?:{countries}))\s+"
            rf"(?P<office>(?i:presidents|leaders|prime ministers|premiers|counterparts|heads of state|"
            rf"foreign ministers|chancellors))\b"
        )
        self._country_only = re.compile(rf"\b(?:{countries})\b")

    # -- resolution ---------------------------------------------------------------------------------------

    def _term_for(self, person_id: str, day: date) -> OfficeTerm | None:
        leader = self.gazetteer.leader_term_on(person_id, day)
        if leader is not None:
            return leader
        terms = self.gazetteer.terms_on(person_id, day)
        return terms[0] if terms else None

    def _from_term(self, term: OfficeTerm | None, start: int, end: int, surface: str, kind: str) -> Mention:
        if term is None:
            return Mention(start, end, surface, None, surface, None, None, False, kind)
        person = self.gazetteer.person(term.person_id)
        return Mention(start, end, surface, person.id, person.name, term.country, term.office, term.is_leader, kind)

    def primary_leader(self, country: str, day: date) -> OfficeTerm | None:
        """The person a text most likely means by "the <country> leader" on ``day``."""
        leaders = self.gazetteer.leaders_of(country, day)
        if not leaders:
            return None
        if country in _HEAD_OF_GOVERNMENT_LEADS:
            for term in leaders:
                if term.head_of_government:
                    return term
        for term in leaders:
            if term.head_of_state and term.office != "monarch":
                return term
        return leaders[0]

    def _role_term(self, country: str, office_word: str, day: date) -> OfficeTerm | None:
        word = office_word.lower().rstrip("s") if office_word.lower().endswith("s") else office_word.lower()
        word = {"prime minister": "prime minister", "premier": "premier"}.get(word, word)
        if word in ("leader", "head of state", "head of government", "strongman", "counterpart", "heads of state"):
            if word == "head of government":
                return next((t for t in self.gazetteer.leaders_of(country, day) if t.head_of_government), None)
            return self.primary_leader(country, day)
        office = self._office_words.get(word) or self._office_words.get(office_word.lower())
        if office is None:
            return None
        return self.gazetteer.holder(country, office, day)

    # -- finding ------------------------------------------------------------------------------------------

    def find(self, text: str, day: date) -> list[Mention]:
        """Named and role mentions in ``text``, resolved for ``day``; a role directly before a name joins it."""
        names = [
            self._from_term(self._term_for(m.person_id, day), m.start, m.end, m.surface, "name")
            if self._term_for(m.person_id, day) is not None
            else Mention(m.start, m.end, m.surface, m.person_id, self.gazetteer.person(m.person_id).name,
                         None, None, False, "name")  # fmt: skip
            for m in self.gazetteer.find_names(text)
        ]
        mentions: list[Mention] = []
        for name in names:
            if _FORMER.search(text[max(0, name.start - 60) : name.start]) and self._former_applies(text, name):
                name = replace(name, is_leader=False, office=None, country=None)
            mentions.append(name)
        roles = self._roles(text, day)
        for role in roles:
            following = next((n for n in names if 0 <= n.start - role.end <= 40 and
                              _TITLE_GAP.match(text[role.end : n.start])), None)  # fmt: skip
            if following is not None:
                # "Russian President Vladimir Putin": the name is the mention; widen it to the role's start.
                index = mentions.index(following) if following in mentions else -1
                if index >= 0 and role.end <= following.start:
                    mentions[index] = replace(following, start=min(role.start, following.start))
                continue
            if any(n.start <= role.start < n.end for n in names):
                continue
            if _FORMER.search(text[max(0, role.start - 12) : role.start]):
                continue
            mentions.append(role)
        mentions.sort(key=lambda m: m.start)
        return self._resolve_counterparts(mentions, day)

    def _former_applies(self, text: str, name: Mention) -> bool:
        window = text[max(0, name.start - 60) : name.start]
        # "former" must be in the same noun phrase: no verb or comma between it and the name.
        tail = window[window.lower().rfind("former") if "former" in window.lower() else 0 :]
        return "," not in tail and len(tail.split()) <= 5

    def _roles(self, text: str, day: date) -> list[Mention]:
        found: list[Mention] = []
        for match in self._plural.finditer(text):
            office = match.group("office")
            for country_match in self._country_only.finditer(match.group("list")):
                code = self._country_code.get(country_match.group(0))
                if code is None:
                    continue
                start = match.start("list") + country_match.start()
                mention = self._role_mention(code, office, day, start, start + len(country_match.group(0)),
                                             country_match.group(0) + " " + office)  # fmt: skip
                found.append(mention)
        for pattern in (self._role, self._role_of):
            for match in pattern.finditer(text):
                if any(m.start <= match.start() < m.end or match.start() <= m.start < match.end() for m in found):
                    continue
                code = self._country_code.get(match.group("country"))
                if code is None:
                    continue
                found.append(self._role_mention(code, match.group("office"), day, match.start(), match.end(),
                                                match.group(0)))  # fmt: skip
        return found

    def _role_mention(self, code: str, office: str, day: date, start: int, end: int, surface: str) -> Mention:
        kind = "counterpart" if office.lower().startswith("counterpart") else "role"
        if kind == "counterpart":
            # Resolved later against the other party's office; keep the country for now.
            return Mention(start, end, surface, None, surface, code, None, False, kind)
        term = self._role_term(code, office, day)
        mention = self._from_term(term, start, end, surface, "role")
        return mention if term is not None else replace(mention, country=code, office=office.lower())

    def _resolve_counterparts(self, mentions: list[Mention], day: date) -> list[Mention]:
        resolved: list[Mention] = []
        for mention in mentions:
            if mention.kind != "counterpart" or mention.country is None:
                resolved.append(mention)
                continue
            other = next((m for m in reversed(resolved) if m.office and m.country != mention.country), None)
            if other is None:
                other = next((m for m in mentions if m.office and m.country != mention.country), None)
            term: OfficeTerm | None = None
            if other is not None and other.office:
                term = self.gazetteer.holder(mention.country, other.office, day)
                if term is None and other.is_leader:
                    term = self.primary_leader(mention.country, day)
            if term is None:
                resolved.append(mention)
                continue
            resolved.append(self._from_term(term, mention.start, mention.end, mention.surface, "counterpart"))
        return resolved

    def starts_with_pronoun(self, text: str) -> bool:
        """True when the sentence's subject is "he"/"she", so the previous sentence's person may be meant."""
        return bool(_PRONOUN_SUBJECT.search(text))


def distinct_people(mentions: Iterable[Mention]) -> list[Mention]:
    """One mention per person (first kept); unresolved mentions are dropped."""
    seen: set[str] = set()
    people: list[Mention] = []
    for mention in mentions:
        if mention.person_id is None or mention.person_id in seen:
            continue
        seen.add(mention.person_id)
        people.append(mention)
    return people
