"""Where the gazetteer claims to be complete, and the days it knowingly is not.

A covered country (one with any head of state or government listed) must have a head of state and a
head of government on every day from 2015-01-01 to ``as_of``; every day without one is a hole, and every
hole must be declared in ``countries.yaml`` under ``coverage_gaps`` (a vacancy, an office that did not
exist, or holders not listed), which docs/gazetteer.md lists. tests/streams/detect/test_gazetteer_coverage.py
keeps the three in agreement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from streams.detect.gazetteer import Gazetteer, OfficeTerm
from streams.detect.gazetteer_load import DATA_DIR, read_yaml
from streams.errors import ConfigError

COVERAGE_START = date(2015, 1, 1)
ROLES = ("head_of_state", "head_of_government")
_GAP_KEYS = frozenset({"country", "role", "start", "end", "note"})


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Days ``start <= day < end`` without a holder of ``role`` in ``country``."""

    country: str
    role: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class CoverageGap:
    """A declared hole: ``end`` None means up to the data's as-of date."""

    country: str
    role: str
    start: date
    end: date | None
    note: str

    def span(self, as_of: date) -> Span:
        return Span(self.country, self.role, self.start, self.end or as_of + timedelta(days=1))


def _has_role(term: OfficeTerm, role: str) -> bool:
    return term.head_of_state if role == "head_of_state" else term.head_of_government


def holes(gazetteer: Gazetteer, start: date = COVERAGE_START, end: date | None = None) -> list[Span]:
    """Every span of days in [start, end] (end: ``as_of``) on which a covered country lacks a role."""
    last = (end or gazetteer.as_of) + timedelta(days=1)
    by_country: dict[str, list[OfficeTerm]] = {}
    for person in gazetteer.people():
        for term in person.terms:
            if term.is_leader:
                by_country.setdefault(term.country, []).append(term)
    found: list[Span] = []
    for country, terms in sorted(by_country.items()):
        for role in ROLES:
            day = start
            spans = sorted((t.start, t.end or last) for t in terms if _has_role(t, role))
            for first, after in spans:
                if first > day:
                    found.append(Span(country, role, day, min(first, last)))
                day = max(day, after)
                if day >= last:
                    break
            if day < last:
                found.append(Span(country, role, day, last))
    return [span for span in found if span.start < span.end]


def _as_day(value: Any, where: str, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: field {name!r} must be a date YYYY-MM-DD, got {value!r}") from exc


def load_gaps(path: Path = DATA_DIR / "countries.yaml") -> list[CoverageGap]:
    """The ``coverage_gaps`` list of the countries file, checked."""
    raw = read_yaml(path).get("coverage_gaps") or []
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: 'coverage_gaps' must be a list")
    gaps = []
    for i, entry in enumerate(raw):
        where = f"{path}: coverage_gaps[{i}]"
        if (
            not isinstance(entry, Mapping)
            or set(entry) - _GAP_KEYS
            or not {"country", "role", "start"} <= set(entry)
        ):
            raise ConfigError(f"{where}: needs country, role, start, end and note (and nothing else)")
        if entry["role"] not in ROLES:
            raise ConfigError(f"{where}: field 'role' must be one of {', '.join(ROLES)}")
        end = entry.get("end")
        gaps.append(
            CoverageGap(
                str(entry["country"]),
                str(entry["role"]),
                _as_day(entry["start"], where, "start"),
                None if end is None else _as_day(end, where, "end"),
                str(entry.get("note") or ""),
            )
        )
    return gaps


def disagreements(
    found: Iterable[Span], gaps: Iterable[CoverageGap], as_of: date
) -> tuple[list[Span], list[Span]]:
    """(holes nobody declared, declared gaps that are not exactly a hole)."""
    actual = set(found)
    declared = {gap.span(as_of) for gap in gaps}
    return sorted(actual - declared), sorted(declared - actual)


def render_gaps(gaps: Iterable[CoverageGap], names: Mapping[str, str]) -> str:
    """The Markdown table of docs/gazetteer.md's "Not covered" section."""
    lines = ["| country | missing | from | to | why |", "| --- | --- | --- | --- | --- |"]
    for gap in sorted(gaps, key=lambda g: (names.get(g.country, g.country), g.role, g.start)):
        role = "head of state" if gap.role == "head_of_state" else "head of government"
        end = gap.end.isoformat() if gap.end else "as_of"
        lines.append(f"| {names.get(gap.country, gap.country)} | {role} | {gap.start} | {end} | {gap.note} |")
    return "\n".join(lines) + "\n"


def write_docs(doc: Path) -> bool:
    """Replace the table between docs/gazetteer.md's coverage-gaps markers; True when it changed."""
    import re

    gazetteer = Gazetteer.load()
    names = {code: entry.name for code, entry in gazetteer.countries().items()}
    text = doc.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- coverage-gaps:begin -->\n)(.*?)(<!-- coverage-gaps:end -->)", re.S)
    updated = pattern.sub(lambda m: m.group(1) + render_gaps(load_gaps(), names) + m.group(3), text)
    if updated != text:
        doc.write_text(updated, encoding="utf-8")
    return updated != text


if __name__ == "__main__":
    import sys

    gaps = holes(Gazetteer.load())
    for span in gaps:
        print(f"{span.country} {span.role} {span.start} {span.end}")
    if "--write-docs" in sys.argv:
        docs = Path(__file__).resolve().parents[2] / "docs" / "gazetteer.md"
        print("updated" if write_docs(docs) else "unchanged", docs)
