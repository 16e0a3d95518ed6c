"""Dated gazetteer of heads of state/government and foreign ministers, with a fast name finder.

Roles resolve by date ("the Turkish president" on 2020-11-07 is Erdogan); see docs/gazetteer.md for the
data format, how a user file extends it, and how names are matched.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from streams.detect.gazetteer_load import (
    DATA_DIR,
    CountryEntry,
    GazetteerData,
    fold_text,
    load_data,
)

__all__ = ["CountryEntry", "Gazetteer", "NameMatch", "OfficeTerm", "Person", "fold_text"]


@dataclass(frozen=True, slots=True)
class OfficeTerm:
    """One person holding one office of one country over a half-open span of days [start, end)."""

    person_id: str
    country: str
    office: str
    head_of_state: bool
    head_of_government: bool
    start: date
    end: date | None  # the first day no longer in office (the successor's first day); None = in office
    acting: bool = False

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def is_leader(self) -> bool:
        return self.head_of_state or self.head_of_government


@dataclass(frozen=True, slots=True)
class Person:
    """Somebody in the gazetteer: display name, surface forms and every office held."""

    id: str
    name: str
    aliases: tuple[str, ...]
    terms: tuple[OfficeTerm, ...]


@dataclass(frozen=True, slots=True)
class NameMatch:
    """One person mention found in a text; ``surface`` is the text exactly as it appeared."""

    start: int
    end: int
    person_id: str
    surface: str


# Surface words for offices, lower case, mapped to the canonical office names used in the data.
_OFFICE_WORDS: dict[str, str] = {
    "president": "president",
    "vice president": "vice_president",
    "prime minister": "prime_minister",
    "premier": "prime_minister",
    "pm": "prime_minister",
    "taoiseach": "prime_minister",
    "chancellor": "chancellor",
    "federal chancellor": "chancellor",
    "king": "monarch",
    "queen": "monarch",
    "monarch": "monarch",
    "emir": "monarch",
    "amir": "monarch",
    "sultan": "monarch",
    "grand duke": "monarch",
    "sovereign prince": "monarch",
    "supreme leader": "supreme_leader",
    "crown prince": "crown_prince",
    "state counsellor": "state_counsellor",
    "chairman of the presidential council": "president",
    "head of the sovereignty council": "president",
    "foreign minister": "foreign_minister",
    "foreign affairs minister": "foreign_minister",
    "minister of foreign affairs": "foreign_minister",
    "minister for foreign affairs": "foreign_minister",
    "foreign secretary": "foreign_minister",
    "secretary of state": "foreign_minister",
    "external affairs minister": "foreign_minister",
    "minister of external affairs": "foreign_minister",
    "top diplomat": "foreign_minister",
    "national security adviser": "national_security_adviser",
    "national security advisor": "national_security_adviser",
    "security council secretary": "security_council_secretary",
}

# Offices that answer for one another when a text's word does not match the data's office exactly.
_HEAD_OF_GOVERNMENT_FAMILY = frozenset({"prime_minister", "chancellor", "state_counsellor"})

_TOKEN = re.compile(r"\w+")
_CAPITALISED = re.compile(r"[A-Z]\w*")  # every alias starts with a capital (after folding), see the loader
_NEXT_TOKEN = re.compile(r"[\s\-'.]{1,3}(\w+)")
_POSSESSIVE = re.compile(r"(?:'s|'|s')$")

_AliasEntry = tuple[tuple[str, ...], tuple[bool, ...], str]  # rest tokens (lower), capitalised flags, person


class Gazetteer:
    """Query side of the gazetteer: people, dated offices, countries and a name finder."""

    def __init__(self, data: GazetteerData) -> None:
        self.as_of: date = data.as_of
        self._people: dict[str, Person] = {}
        by_office: dict[tuple[str, str], list[OfficeTerm]] = {}
        by_country: dict[str, list[OfficeTerm]] = {}
        for entry in data.people.values():
            terms = tuple(
                OfficeTerm(
                    person_id=entry.id,
                    country=t.country,
                    office=t.office,
                    head_of_state=t.head_of_state,
                    head_of_government=t.head_of_government,
                    start=t.start,
                    end=t.end,
                    acting=t.acting,
                )
                for t in entry.terms
            )
            self._people[entry.id] = Person(entry.id, entry.name, entry.aliases, terms)
            for term in terms:
                by_office.setdefault((term.country, term.office), []).append(term)
                by_country.setdefault(term.country, []).append(term)
        self._by_office = {key: tuple(sorted(v, key=lambda t: t.start)) for key, v in by_office.items()}
        self._by_country = {key: tuple(sorted(v, key=lambda t: t.start)) for key, v in by_country.items()}
        self._countries: dict[str, CountryEntry] = dict(data.countries)
        self._country_exact: dict[str, str] = {}
        self._country_folded: dict[str, str] = {}
        for country in self._countries.values():
            for word in country.words:
                self._country_exact.setdefault(fold_text(word), country.code)
                if len(word) >= 4:
                    self._country_folded.setdefault(fold_text(word).casefold(), country.code)
        self._aliases = _build_alias_index(self._people.values())

    @classmethod
    def load(cls, extra_path: str | Path | None = None) -> Gazetteer:
        """The shipped gazetteer, with ``extra_path`` (a user file) merged over it; cached per file state."""
        if extra_path is None:
            return _load_cached(None, 0)
        resolved = Path(extra_path).expanduser().resolve()
        mtime = resolved.stat().st_mtime_ns if resolved.exists() else 0
        return _load_cached(str(resolved), mtime)

    # -- people and offices -------------------------------------------------------------------------------

    def person(self, person_id: str) -> Person:
        return self._people[person_id]

    def people(self) -> Iterable[Person]:
        return self._people.values()

    def terms_on(self, person_id: str, day: date) -> tuple[OfficeTerm, ...]:
        person = self._people.get(person_id)
        if person is None:
            return ()
        return tuple(t for t in person.terms if t.covers(day))

    def leader_term_on(self, person_id: str, day: date) -> OfficeTerm | None:
        """The head-of-state term that day if any, else the head-of-government term, else None."""
        leader_terms = [t for t in self.terms_on(person_id, day) if t.is_leader]
        if not leader_terms:
            return None
        return min(leader_terms, key=lambda t: (not t.head_of_state, t.acting))

    def holder(self, country: str, office: str, day: date) -> OfficeTerm | None:
        """Who held ``office`` (canonical or surface word: "premier", "king") of ``country`` on ``day``."""
        canonical = self.canonical_office(office)
        found = self._covering(self._by_office.get((country, canonical), ()), day)
        if found is None and canonical in _HEAD_OF_GOVERNMENT_FAMILY:
            family = [t for t in self._by_country.get(country, ()) if t.office in _HEAD_OF_GOVERNMENT_FAMILY]
            found = self._covering(family, day)
        return found

    def leaders_of(self, country: str, day: date) -> tuple[OfficeTerm, ...]:
        """Heads of state first, then heads of government, in office that day."""
        terms = [t for t in self._by_country.get(country, ()) if t.is_leader and t.covers(day)]
        return tuple(sorted(terms, key=lambda t: (not t.head_of_state, t.acting, t.start)))

    @staticmethod
    def _covering(terms: Iterable[OfficeTerm], day: date) -> OfficeTerm | None:
        covering = [t for t in terms if t.covers(day)]
        return max(covering, key=lambda t: (not t.acting, t.start)) if covering else None

    # -- countries and offices as words ------------------------------------------------------------------

    def country_of_word(self, word: str) -> str | None:
        """ "Turkish", "Turkey", "Turkey's", "Ankara", "the Kremlin" -> ISO3; None if not a country word."""
        folded = fold_text(word.strip())
        for candidate in (folded, _POSSESSIVE.sub("", folded)):
            code = self._country_exact.get(candidate)
            if code is None and candidate.lower().startswith("the "):
                code = self._country_exact.get(candidate[4:])
            if code is None:
                code = self._country_folded.get(candidate.casefold())
            if code is not None:
                return code
        return None

    def country_words(self) -> Iterable[str]:
        """Every surface form that names a country (names, adjectives, capitals used as metonyms)."""
        return [word for country in self._countries.values() for word in country.words]

    def country(self, code: str) -> CountryEntry:
        return self._countries[code]

    def countries(self) -> Mapping[str, CountryEntry]:
        return self._countries

    def office_words(self) -> Mapping[str, str]:
        return _OFFICE_WORDS

    @staticmethod
    def canonical_office(office: str) -> str:
        key = " ".join(office.lower().replace("_", " ").replace("-", " ").split())
        return _OFFICE_WORDS.get(key, office.lower().replace(" ", "_"))

    # -- names in text -----------------------------------------------------------------------------------

    def find_names(self, text: str) -> list[NameMatch]:
        """Every person mention, left to right; the longest alias wins, on word boundaries, accent-blind."""
        folded = fold_text(text)
        index = self._aliases
        firsts = index.keys() & set(_CAPITALISED.findall(folded))
        if not firsts:
            return []
        matches: list[NameMatch] = []
        resume = 0
        for start, first in _word_starts(folded, firsts):
            if start < resume:
                continue
            for rest, capitalised, person_id in index[first]:
                end = _match_rest(folded, start + len(first), rest, capitalised)
                if end >= 0 and not _glued_on(folded, end):
                    matches.append(NameMatch(start, end, person_id, text[start:end]))
                    resume = end
                    break
        return matches


def _word_starts(folded: str, words: Iterable[str]) -> list[tuple[int, str]]:
    """Where each word occurs as a whole word, in text order (found with str.find, which is fast)."""
    found: list[tuple[int, str]] = []
    for word in words:
        start = folded.find(word)
        while start >= 0:
            after = start + len(word)
            if (start == 0 or not _is_word_char(folded[start - 1])) and not _is_word_char(
                folded[after : after + 1] or " "
            ):
                found.append((start, word))
            start = folded.find(word, after)
    found.sort()
    return found


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _glued_on(folded: str, end: int) -> bool:
    """True when an apostrophe joins more word after the match ("Xi'an"), other than a possessive 's."""
    if folded[end : end + 1] != "'" or not _is_word_char(folded[end + 1 : end + 2] or " "):
        return False
    possessive = folded[end + 1] in "sS" and not _is_word_char(folded[end + 2 : end + 3] or " ")
    return not possessive


def _match_rest(folded: str, pos: int, rest: tuple[str, ...], capitalised: tuple[bool, ...]) -> int:
    """End offset if the alias's remaining tokens follow at ``pos`` (with capitals where needed), else -1."""
    for position, expected in enumerate(rest, start=1):
        step = _NEXT_TOKEN.match(folded, pos)
        if step is None:
            return -1
        got = step.group(1)
        if got.lower() != expected or (capitalised[position] and not got[0].isupper()):
            return -1
        pos = step.end()
    return pos


def _alias_variants(alias: str) -> set[str]:
    """The alias as folded text, plus the folded form of its UTF-8-read-as-cp1252 mojibake."""
    variants = {fold_text(alias)}
    with contextlib.suppress(UnicodeDecodeError):
        variants.add(fold_text(alias.encode("utf-8").decode("cp1252")))
    return variants


def _build_alias_index(people: Iterable[Person]) -> dict[str, list[_AliasEntry]]:
    """First token (as written, upper, capitalised) -> aliases, longest first; shared aliases dropped."""
    owners: dict[tuple[str, ...], set[str]] = {}
    shapes: dict[tuple[str, ...], tuple[bool, ...]] = {}
    firsts: dict[tuple[str, ...], set[str]] = {}
    for person in people:
        for alias in {person.name, *person.aliases}:
            for variant in _alias_variants(alias):
                tokens = _TOKEN.findall(variant)
                if not tokens:
                    continue
                key = tuple(t.lower() for t in tokens)
                owners.setdefault(key, set()).add(person.id)
                shape = tuple(t[0].isupper() for t in tokens)
                seen = shapes.get(key, shape)
                shapes[key] = tuple(a and b for a, b in zip(seen, shape, strict=True))
                firsts.setdefault(key, set()).update({tokens[0], tokens[0].upper(), tokens[0].capitalize()})
    index: dict[str, list[_AliasEntry]] = {}
    for key, ids in owners.items():
        if len(ids) == 1 and shapes[key][0]:
            for first in firsts[key]:
                index.setdefault(first, []).append((key[1:], shapes[key], next(iter(ids))))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return index


@functools.lru_cache(maxsize=8)
def _load_cached(extra_path: str | None, _mtime_ns: int) -> Gazetteer:
    paths = [DATA_DIR / "leaders.yaml"]
    if extra_path is not None:
        paths.append(Path(extra_path))
    return Gazetteer(load_data(DATA_DIR / "countries.yaml", paths))
