"""Complete where it claims: every covered country has a head of state and a head of government on
every day from 2015-01-01 to as_of, except the gaps countries.yaml declares (and docs/gazetteer.md lists)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from streams.detect.gazetteer import Gazetteer
from streams.detect.gazetteer_coverage import Span, disagreements, holes, load_gaps, render_gaps

DOC = Path(__file__).resolve().parents[3] / "docs" / "gazetteer.md"
TABLE = re.compile(r"(<!-- coverage-gaps:begin -->\n)(.*?)(<!-- coverage-gaps:end -->)", re.S)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _covered(gazetteer: Gazetteer) -> list[str]:
    return sorted({t.country for p in gazetteer.people() for t in p.terms if t.is_leader})


def test_every_covered_country_has_its_leaders_on_every_day_or_a_declared_gap(gazetteer: Gazetteer) -> None:
    undeclared, stale = disagreements(holes(gazetteer), load_gaps(), gazetteer.as_of)
    by_country: dict[str, list[str]] = {}
    for span in undeclared:
        by_country.setdefault(span.country, []).append(f"no {span.role} {span.start} to {span.end}")
    for span in stale:
        by_country.setdefault(span.country, []).append(f"declared gap {span.role} {span.start} is not a hole")
    assert by_country == {}


@pytest.mark.parametrize("country", ["TLS", "LBY", "HTI", "SDN", "KWT", "MDA", "NIC", "ATG", "VAT", "LKA"])
def test_the_holes_of_issue_18_are_filled(gazetteer: Gazetteer, country: str) -> None:
    assert country in _covered(gazetteer)
    declared = {(g.role, g.start) for g in load_gaps() if g.country == country}
    found = {(s.role, s.start) for s in holes(gazetteer) if s.country == country}
    assert found == declared


def test_named_holders_of_the_filled_holes(gazetteer: Gazetteer) -> None:
    def who(country: str, office: str, day: str) -> str | None:
        term = gazetteer.holder(country, office, date.fromisoformat(day))
        return term.person_id if term else None

    assert who("TLS", "president", "2019-06-01") == "guterres-francisco"
    assert who("TLS", "prime_minister", "2016-06-01") == "araujo-rui-maria"
    assert who("KWT", "prime_minister", "2021-06-01") == "al-sabah-sabah-al-khalid"
    assert who("MDA", "prime_minister", "2015-09-01") == "strelet-valeriu"
    assert who("HTI", "prime_minister", "2018-01-01") == "lafontant-jack-guy"
    assert who("SDN", "prime_minister", "2019-01-01") == "moussa-motazz"
    assert who("BHS", "queen", "2020-01-01") == "elizabeth-ii"
    assert who("PNG", "king", "2024-01-01") == "charles-iii"
    assert who("VAT", "pope", "2020-01-01") == "bergoglio-jorge"
    assert who("LKA", "prime_minister", "2021-01-01") == "rajapaksa-mahinda"
    assert {t.person_id for t in gazetteer.leaders_of("NIC", date(2025, 6, 1))} == {
        "ortega-daniel",
        "murillo-rosario",
    }


def test_a_term_cut_short_is_an_undeclared_hole(tmp_path: Path) -> None:
    """The check can fail: a user file that ends Petr Pavel's presidency early leaves Czechia headless."""
    user = tmp_path / "cut.yaml"
    user.write_text(
        "people:\n- id: pavel-petr\n  name: Petr Pavel\n  terms:\n"
        "  - {country: CZE, office: president, start: 2023-03-09, end: 2024-01-01}\n",
        encoding="utf-8",
    )
    cut = Gazetteer.load(user)
    undeclared, stale = disagreements(holes(cut), load_gaps(), cut.as_of)
    assert undeclared == [Span("CZE", "head_of_state", date(2024, 1, 1), date(2025, 11, 1))]
    assert stale == []


def test_the_docs_list_exactly_the_declared_gaps(gazetteer: Gazetteer) -> None:
    text = DOC.read_text(encoding="utf-8")
    match = TABLE.search(text)
    assert match, "docs/gazetteer.md lacks the coverage-gaps markers"
    names = {code: entry.name for code, entry in gazetteer.countries().items()}
    assert match.group(2) == render_gaps(load_gaps(), names), (
        "run: .venv/bin/python -m streams.detect.gazetteer_coverage --write-docs"
    )
