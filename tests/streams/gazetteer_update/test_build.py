"""The pure core of the update: rows to terms (filters, roles combined) and the merge into the data."""

from __future__ import annotations

from datetime import date

from streams.detect.gazetteer import Gazetteer
from streams.detect.gazetteer_load import TermEntry
from streams.gazetteer_update.build import merge_terms, office_of, read_terms
from streams.gazetteer_update.sparql import parse_results

E = "http://www.wikidata.org/entity/"


def _row(role: str, start: str | None, end: str | None = None, **extra: str) -> dict[str, str]:
    row = {"person": E + "Q1", "personLabel": "Ana Test", "iso3": "BRA", "role": role, "positionLabel": ""}
    row.update({k: v for k, v in (("start", start), ("end", end)) if v is not None}, **extra)
    return row


def test_offices_from_the_position_label() -> None:
    assert office_of("head_of_state", "King of Sweden") == "monarch"
    assert office_of("head_of_state", "Supreme Leader of Iran") == "supreme_leader"
    assert office_of("head_of_state", "President of Brazil") == "president"
    assert office_of("head_of_government", "Federal Chancellor of Germany") == "chancellor"
    assert office_of("head_of_government", "President of the Government of Spain") == "prime_minister"


def test_a_president_who_heads_the_government_gets_one_term_and_bad_rows_are_counted() -> None:
    countries = Gazetteer.load().countries()
    rows = [
        _row("head_of_state", "2023-01-01T00:00:00Z"),
        _row("head_of_government", "2023-01-01T00:00:00Z"),
        _row("head_of_state", None),
        _row("head_of_state", "2019-01-01T00:00:00Z", died="2022-01-01T00:00:00Z"),
        _row("head_of_state", "2019-01-01T00:00:00Z", "2018-01-01T00:00:00Z"),
        _row("head_of_state", "2019-01-01T00:00:00Z", iso3="XXX"),
    ]
    fetched = read_terms(rows, countries)
    [term] = fetched.people["Q1"].terms
    assert (term.office, term.head_of_state, term.head_of_government) == ("president", True, True)
    assert fetched.dropped == {
        "undated": 1,
        "ended without end date": 1,
        "end before start or before 2015": 1,
        "country not covered": 1,
    }


def _term(start: date, end: date | None) -> TermEntry:
    return TermEntry("BRA", "president", True, True, start, end)


def test_one_span_here_several_statements_there_ends_when_the_last_ends() -> None:
    old = [_term(date(2015, 1, 1), None)]
    new = [_term(date(2015, 1, 1), date(2019, 1, 1)), _term(date(2019, 1, 1), date(2023, 1, 1))]
    terms, changes = merge_terms("test-ana", "Ana Test", old, new)
    assert terms == [_term(date(2015, 1, 1), date(2023, 1, 1))]
    assert [c.kind for c in changes] == ["ended"]


def test_dates_a_few_days_apart_are_the_same_term() -> None:
    old = [_term(date(2015, 1, 1), date(2019, 1, 1))]
    assert merge_terms("t", "T", old, [_term(date(2015, 1, 3), date(2019, 1, 5))]) == (old, [])


def test_parse_results_reads_the_bindings() -> None:
    body = b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "literal", "value": "x"}}]}}'
    assert parse_results(body, ["a"], "here") == [{"a": "x"}]
