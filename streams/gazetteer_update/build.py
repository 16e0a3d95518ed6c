"""From SPARQL rows to gazetteer entries: drop what Wikidata is known to get wrong, then merge the rest
into the data in use and say what changed (added, ended, changed)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from streams.detect.gazetteer_load import CountryEntry, PersonEntry, TermEntry, fold_text
from streams.gazetteer_update.sparql import LANGUAGES, Row, entity_id

#: Two sources' dates of one term may differ by this much and still be the same term.
SAME_TERM = timedelta(days=31)
EARLIEST = date(2015, 1, 1)

_MONARCH_WORDS = ("king", "queen", "monarch", "emir", "amir", "sultan", "emperor", "grand duke", "prince")


@dataclass(slots=True)
class Fetched:
    """People and terms read from the endpoint, with what was dropped and why."""

    people: dict[str, PersonEntry] = field(default_factory=dict)  # by Wikidata id
    dropped: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class Change:
    """One line of the diff: ``kind`` is added, ended or changed."""

    kind: str
    person_id: str
    name: str
    term: TermEntry
    before: TermEntry | None = None

    def describe(self) -> str:
        span = f"{self.term.start} -> {self.term.end or 'in office'}"
        if self.before is not None:
            span = f"{self.before.start} -> {self.before.end or 'in office'} now {span}"
        where = f"{self.term.country} {self.term.office:<15}"
        return f"  {self.kind:<8} {where} {self.name} ({self.person_id}) {span}"


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def office_of(role: str, position: str) -> str:
    """The data's office name for a head of state or government, from the position's English label."""
    words = position.lower()
    if role == "head_of_government":
        return "chancellor" if "chancellor" in words else "prime_minister"
    if "supreme leader" in words:
        return "supreme_leader"
    if any(word in words for word in _MONARCH_WORDS):
        return "monarch"
    return "president"


def read_terms(rows: Iterable[Row], countries: Mapping[str, CountryEntry]) -> Fetched:
    """Terms by person from the terms query; each dropped row counted under its reason."""
    fetched = Fetched()
    seen: dict[tuple[str, str, str, date], TermEntry] = {}
    for row in rows:
        qid = entity_id(row.get("person", ""))
        reason = _drop_reason(row, qid, countries)
        if reason is not None:
            fetched.dropped[reason] += 1
            continue
        assert qid is not None
        start, end = _day(row.get("start")), _day(row.get("end"))
        assert start is not None
        role = row["role"]
        key = (qid, row["iso3"], role, start)
        known = seen.get(key)
        if known is not None and (known.end is not None or end is None):
            continue  # the same statement through P35/P6 and P39: keep the one that knows its end
        state = role == "head_of_state"
        term = TermEntry(
            row["iso3"], office_of(role, row.get("positionLabel", "")), state, not state, start, end
        )
        seen[key] = term
        name = row.get("personLabel", "").strip()
        person = fetched.people.setdefault(qid, PersonEntry(qid.lower(), name or qid, (), [], {}, qid))
        person.terms = [t for t in person.terms if t is not known] + [term]
    for person in fetched.people.values():
        person.terms = _combine_roles(person.terms)
    return fetched


def _drop_reason(row: Row, qid: str | None, countries: Mapping[str, CountryEntry]) -> str | None:
    if qid is None or row.get("role") not in ("head_of_state", "head_of_government"):
        return "not an item"
    if row.get("fictional") == "true":
        return "fictional"
    if row.get("historical") == "true":
        return "historical country"
    if row.get("iso3") not in countries:
        return "country not covered"
    start, end = _day(row.get("start")), _day(row.get("end"))
    if start is None:
        return "undated"
    if end is None and (row.get("endCause") or row.get("died")):
        return "ended without end date"
    if end is not None and (end <= start or end < EARLIEST):
        return "end before start or before 2015"
    return None


def _combine_roles(terms: list[TermEntry]) -> list[TermEntry]:
    """A president who also heads the government (P35 and P6 alike) has one term with both flags."""
    combined = [t for t in terms if t.head_of_state]
    for term in (t for t in terms if not t.head_of_state):
        for i, state in enumerate(combined):
            if (
                state.head_of_state
                and state.country == term.country
                and abs(state.start - term.start) <= SAME_TERM
            ):
                combined[i] = replace(state, head_of_government=True)
                break
        else:
            combined.append(term)
    return sorted(combined, key=lambda t: (t.country, t.start))


def read_labels(rows: Iterable[Row], fetched: Fetched) -> None:
    """English label and aliases become name and aliases; other languages' become ``labels``."""
    for row in rows:
        person = fetched.people.get(entity_id(row.get("person", "")) or "")
        language, text = row.get("lang", ""), row.get("text", "").strip()
        if person is None or language not in LANGUAGES:
            continue
        if not _usable(text):
            fetched.dropped["unusable label"] += 1
            continue
        if language == "en":
            if row.get("kind") == "label":
                person.name = text
            elif fold_text(text)[:1].isupper():
                person.aliases = tuple(dict.fromkeys((*person.aliases, text)))
        else:
            person.labels[language] = tuple(dict.fromkeys((*person.labels.get(language, ()), text)))
    for person in fetched.people.values():
        person.aliases = tuple(a for a in person.aliases if a != person.name)


def _usable(text: str) -> bool:
    """What the loader accepts as a name: starts with a letter, not a lower-case one."""
    return bool(text) and text[:1].isalpha() and not fold_text(text)[:1].islower()


def _key(text: str) -> str:
    return " ".join(fold_text(text).casefold().replace(".", " ").split())


def _names(person: PersonEntry) -> set[str]:
    found = {_key(person.name), *map(_key, person.aliases)}
    found.update(_key(label) for labels in person.labels.values() for label in labels)
    return {name for name in found if " " in name}  # full names only: surnames are shared


def match(candidate: PersonEntry, current: Mapping[str, PersonEntry]) -> PersonEntry | None:
    """The current entry for a fetched person: same Wikidata id, else one full name in common and a
    country in common; None when there is no such entry or more than one."""
    for person in current.values():
        if person.wikidata and person.wikidata == candidate.wikidata:
            return person
    names, countries = _names(candidate), {t.country for t in candidate.terms}
    found = [p for p in current.values() if names & _names(p) and countries & {t.country for t in p.terms}]
    return found[0] if len(found) == 1 else None


def _same_office(a: TermEntry, b: TermEntry) -> bool:
    if a.country != b.country:
        return False
    return (
        a.office == b.office
        or (a.head_of_state and b.head_of_state)
        or (a.head_of_government and b.head_of_government and not a.head_of_state and not b.head_of_state)
    )


def merge_terms(
    person_id: str, name: str, old: list[TermEntry], new: list[TermEntry]
) -> tuple[list[TermEntry], list[Change]]:
    """``old`` updated from ``new``: ends learnt, spans corrected, terms added; and the changes."""
    terms, changes = list(old), []
    for fresh in sorted(new, key=lambda t: t.start):
        same = next(
            (t for t in terms if _same_office(t, fresh) and abs(t.start - fresh.start) <= SAME_TERM), None
        )
        if same is None:
            covered = any(
                _same_office(t, fresh)
                and t.start <= fresh.start
                and (t.end is None or (fresh.end is not None and fresh.end <= t.end + SAME_TERM))
                for t in terms
            )
            if not covered:
                terms.append(fresh)
                changes.append(Change("added", person_id, name, fresh))
        elif same.end is not None and fresh.end is not None and abs(same.end - fresh.end) > SAME_TERM:
            updated = replace(same, end=fresh.end)
            changes.append(Change("changed", person_id, name, updated, same))
            terms[terms.index(same)] = updated
    # An office held in one span here but in several statements there: the last one's end ends it.
    for i, term in enumerate(terms):
        later = [f for f in new if _same_office(term, f) and f.start >= term.start - SAME_TERM]
        if term.end is None and later and all(f.end is not None for f in later):
            end = max(f.end for f in later if f.end is not None)
            if end > term.start:
                terms[i] = replace(term, end=end)
                changes.append(Change("ended", person_id, name, terms[i], term))
    return terms, changes


_SLUG = re.compile(r"[^a-z0-9]+")


def new_id(name: str, qid: str, taken: Mapping[str, object]) -> str:
    """``surname-given-names`` like the shipped ids; the Wikidata id is appended when that is taken."""
    words = fold_text(name).casefold().split()
    slug = _SLUG.sub("-", " ".join([words[-1], *words[:-1]]) if words else qid.lower()).strip("-")
    slug = slug or qid.lower()
    return slug if slug not in taken else f"{slug}-{qid.lower()}"
