"""Dated gazetteer of heads of state/government and foreign ministers, with a fast name finder.

Roles resolve by date ("the Turkish president" on 2020-11-07 is Erdogan); see docs/gazetteer.md for the
data format, how a user file extends it, and how names are matched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from streams.detect.gazetteer_forms import name_forms
from streams.detect.gazetteer_load import (
    DATA_DIR,
    CountryEntry,
    GazetteerData,
    fold_text,
    load_data,
)
from streams.detect.gazetteer_names import NameIndex, NameMatch

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
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # language -> names in it


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
    "pope": "pope",
    "pontiff": "pope",
    "co-president": "co_president",
    "co president": "co_president",
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

_POSSESSIVE = re.compile(r"(?:'s|'|s')$")


class Gazetteer:
    """Query side of the gazetteer: people, dated offices, countries and a name finder."""

    def __init__(self, data: GazetteerData) -> None:
        self.as_of: date = data.as_of
        # The newest as_of of the files in use: a refreshed user file makes the data younger.
        self.newest_as_of: date = data.newest_as_of or data.as_of
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
            self._people[entry.id] = Person(entry.id, entry.name, entry.aliases, terms, dict(entry.labels))
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
        self._names = NameIndex(
            (p.id, name_forms(p.name, p.aliases, p.labels)) for p in self._people.values()
        )

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

    def may_name_anyone(self, words: AbstractSet[bytes], text: str | None = None) -> bool:
        """False only when ``find_names`` finds nobody in ``text``, given its lower-case letter runs.

        For a text whose word characters are all ASCII; see ``NameIndex.may_occur``.
        """
        return self._names.may_occur(words, text)

    def name_gate_words(self) -> frozenset[bytes]:
        """Every word ``may_name_anyone`` looks up among a text's letter runs."""
        return self._names.gate_words()

    def find_names(self, text: str) -> list[NameMatch]:
        """Every person mention, left to right; the longest alias wins, on word boundaries, accent-blind."""
        return self._names.find(text)

    def names_anyone(self, text: str) -> bool:
        """``bool(find_names(text))``, stopping at the first mention."""
        return self._names.occurs_in(text)


@functools.lru_cache(maxsize=8)
def _load_cached(extra_path: str | None, _mtime_ns: int) -> Gazetteer:
    paths = [DATA_DIR / "leaders.yaml"]
    if extra_path is not None:
        paths.append(Path(extra_path))
    return Gazetteer(load_data(DATA_DIR / "countries.yaml", paths))
