"""Refresh the leaders data into a user gazetteer file: query, filter, merge, print the diff, then write.

Nothing is written until every query answered and the new file loads through the same loader as the
pipeline; the shipped file is never the target. See docs/gazetteer.md, "Refreshing from Wikidata".
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from streams.detect.gazetteer_load import DATA_DIR, PersonEntry, TermEntry, load_data
from streams.errors import ConfigError
from streams.gazetteer_update.build import (
    Change,
    Fetched,
    match,
    merge_terms,
    new_id,
    read_labels,
    read_terms,
)
from streams.gazetteer_update.sparql import TERMS_QUERY, Endpoint, labels_query

LABEL_BATCH = 150
TERM_VARIABLES = ("person", "personLabel", "iso3", "role", "start", "end")
LABEL_VARIABLES = ("person", "lang", "kind", "text")

Progress = Callable[[str], None]


@dataclass(slots=True)
class UpdatePlan:
    """What an update would write: the entries of the new user file and the changes against the data."""

    people: dict[str, PersonEntry]
    changes: list[Change] = field(default_factory=list)
    fetched: Fetched = field(default_factory=Fetched)
    as_of: date = field(default_factory=lambda: datetime.now(UTC).date())


def _user_ids(path: Path | None) -> list[str]:
    """The ids a user file defines (its people are part of the data in use and carry over)."""
    if path is None or not path.exists():
        return []
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        str(entry["id"])
        for section in ("people", "officials")
        for entry in (doc.get(section) or [])
        if isinstance(entry, dict) and "id" in entry
    ]


def fetch(endpoint: Endpoint, countries: Mapping[str, Any], progress: Progress) -> Fetched:
    """Run the terms query, then the labels of the people found in batches; raises on any failure."""
    progress(f"querying heads of state and government (P35, P6, P39) at {endpoint.url} ...")
    fetched = read_terms(endpoint.select(TERMS_QUERY, TERM_VARIABLES), countries)
    terms = sum(len(p.terms) for p in fetched.people.values())
    progress(f"  {terms} terms of {len(fetched.people)} people kept")
    ids = sorted(fetched.people)
    batches = [ids[i : i + LABEL_BATCH] for i in range(0, len(ids), LABEL_BATCH)]
    for number, batch in enumerate(batches, 1):
        progress(f"querying labels and aliases, batch {number}/{len(batches)} ({len(batch)} people) ...")
        read_labels(endpoint.select(labels_query(batch), LABEL_VARIABLES), fetched)
    return fetched


def plan(fetched: Fetched, user_path: Path | None) -> UpdatePlan:
    """Merge what was fetched into the data in use (shipped file plus the user file, if any)."""
    current = load_data(DATA_DIR / "countries.yaml", _paths(user_path))
    people = {pid: current.people[pid] for pid in _user_ids(user_path) if pid in current.people}
    result = UpdatePlan(people, fetched=fetched)
    for candidate in sorted(fetched.people.values(), key=lambda p: p.name):
        known = match(candidate, current.people)
        if known is None:
            person_id = new_id(candidate.name, candidate.wikidata or candidate.id, current.people)
            entry = PersonEntry(
                person_id, candidate.name, candidate.aliases, [], dict(candidate.labels), candidate.wikidata
            )
            entry.terms, changes = merge_terms(person_id, candidate.name, [], candidate.terms)
            current.people[person_id] = entry
        else:
            terms, changes = merge_terms(known.id, known.name, list(known.terms), candidate.terms)
            if not changes:
                continue
            labels = dict(known.labels)
            for language, names in candidate.labels.items():
                labels.setdefault(language, names)  # only languages the entry had no names in
            entry = PersonEntry(known.id, known.name, known.aliases, terms, labels, candidate.wikidata)
        if changes:
            result.people[entry.id] = entry
            result.changes.extend(changes)
    return result


def _paths(user_path: Path | None) -> list[Path]:
    return [DATA_DIR / "leaders.yaml", *([user_path] if user_path is not None and user_path.exists() else [])]


def _term_doc(term: TermEntry) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "country": term.country,
        "office": term.office,
        "start": term.start.isoformat(),
        "end": term.end.isoformat() if term.end else None,
    }
    if term.head_of_state and term.office not in ("president", "monarch", "supreme_leader"):
        doc["head_of_state"] = True
    if term.head_of_government and term.office not in ("prime_minister", "chancellor", "state_counsellor"):
        doc["head_of_government"] = True
    if not term.head_of_state and term.office in ("president", "monarch", "supreme_leader"):
        doc["head_of_state"] = False
    if term.acting:
        doc["acting"] = True
    return doc


def render(update: UpdatePlan, endpoint: str) -> str:
    """The user gazetteer file, in the documented format (docs/gazetteer.md)."""
    people = []
    for person in sorted(update.people.values(), key=lambda p: p.id):
        doc: dict[str, Any] = {"id": person.id, "name": person.name}
        if person.wikidata:
            doc["wikidata"] = person.wikidata
        doc["aliases"] = list(person.aliases)
        if person.labels:
            doc["labels"] = {language: list(names) for language, names in person.labels.items()}
        doc["terms"] = [_term_doc(t) for t in sorted(person.terms, key=lambda t: (t.country, t.start))]
        people.append(doc)
    header = (
        f"# Leaders gazetteer refreshed by 'newswatch gazetteer update' from {endpoint} on {update.as_of}.\n"
        "# Merged over the shipped data (detect.gazetteer_path): an id here replaces the shipped entry.\n"
    )
    body = yaml.safe_dump(
        {"format": 1, "as_of": update.as_of.isoformat(), "people": people},
        allow_unicode=True,
        sort_keys=False,
        width=120,
    )
    return header + body


def write(update: UpdatePlan, out: Path, endpoint: str) -> None:
    """Write ``out`` atomically after checking that it loads; the shipped data is refused as a target."""
    target = out.expanduser().resolve()
    if target.parent == DATA_DIR or target == (DATA_DIR / "leaders.yaml"):
        raise ConfigError(f"{out}: refusing to write into the shipped data ({DATA_DIR}); choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(render(update, endpoint))
        load_data(DATA_DIR / "countries.yaml", [DATA_DIR / "leaders.yaml", Path(name)])
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def describe(update: UpdatePlan) -> list[str]:
    """The diff for review: one line per change, then what was dropped."""
    counts = {kind: sum(c.kind == kind for c in update.changes) for kind in ("added", "ended", "changed")}
    lines = [
        f"{len(update.changes)} change(s) against the data in use: "
        + ", ".join(f"{n} {kind}" for kind, n in counts.items())
    ]
    order = {"changed": 0, "ended": 1, "added": 2}
    changes = sorted(update.changes, key=lambda c: (order[c.kind], c.term.country, c.term.start))
    lines += [change.describe() for change in changes]
    if update.fetched.dropped:
        dropped = ", ".join(f"{reason} {n}" for reason, n in sorted(update.fetched.dropped.items()))
        lines.append(f"left out: {dropped}")
    return lines


def run_update(
    endpoint: Endpoint,
    out: Path,
    user_path: Path | None,
    *,
    dry_run: bool = False,
    progress: Progress = print,
    report: Progress = print,
) -> UpdatePlan:
    """Query, merge, print the diff, then write ``out`` (unless ``dry_run``); raises before any write."""
    countries = load_data(DATA_DIR / "countries.yaml", _paths(user_path)).countries
    fetched = fetch(endpoint, countries, progress)
    update = plan(fetched, user_path)
    for line in describe(update):
        report(line)
    if not dry_run:
        write(update, out, endpoint.url)
        progress(f"wrote {out} ({len(update.people)} people, as_of {update.as_of})")
    return update
