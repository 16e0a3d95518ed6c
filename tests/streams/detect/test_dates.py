"""Relative dates resolve against the publication date; boundaries ("since ...") are not event dates."""

from __future__ import annotations

from datetime import date

import pytest

from streams.detect.dates import find_dates, oldest_year, pick_event_date
from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article

WEDNESDAY = date(2020, 10, 21)
SATURDAY = date(2020, 11, 7)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("On Tuesday, the leaders spoke", WEDNESDAY, date(2020, 10, 20)),
        ("late Saturday he spoke", SATURDAY, SATURDAY),  # same weekday = the publication day
        ("they spoke by phone last night", date(2020, 10, 1), date(2020, 9, 30)),
        ("called him on Friday", date(2020, 10, 2), date(2020, 10, 2)),
        ("last Friday a teacher was killed", WEDNESDAY, date(2020, 10, 16)),
        ("took effect on 10 October", WEDNESDAY, date(2020, 10, 10)),
        ("on Oct. 18 they agreed", WEDNESDAY, date(2020, 10, 18)),
        ("on December 30 the talks", date(2021, 1, 3), date(2020, 12, 30)),  # year rolls back
        ("yesterday the truce held", WEDNESDAY, date(2020, 10, 20)),
        ("two days ago", WEDNESDAY, date(2020, 10, 19)),
        ("published 2020-10-05 here", WEDNESDAY, date(2020, 10, 5)),
    ],
)
def test_resolves_relative_and_absolute_dates(text: str, published: date, expected: date) -> None:
    chosen = pick_event_date(find_dates(text, published), 0)
    assert chosen is not None and chosen.day == expected


def test_since_is_a_boundary_not_the_event_date() -> None:
    mentions = find_dates("third phone conversation since the September 27 outbreak", date(2020, 10, 2))
    assert [m.relation for m in mentions] == ["since"]
    assert pick_event_date(mentions, 0) is None


def test_caption_year_is_an_old_year() -> None:
    mentions = find_dates(
        "talk on the sidelines of a summit in Ashgabat,October 11, 2019.", date(2020, 10, 2)
    )
    assert oldest_year(mentions) == 2019


def test_may_the_verb_is_not_a_month() -> None:
    assert find_dates("they may speak again", WEDNESDAY) == []


def test_weekday_spelled_with_a_letter_that_only_matches_ignoring_case() -> None:
    # Regression: "FRİDAY" (a Turkish upper case) and "TUEſDAY" match the weekday pattern, which ignores
    # case, but are not in WEEKDAYS once lower-cased: the lookup raised and the article was dead-lettered.
    days = [m.day for m in find_dates("They spoke on FRİDAY, and again on TUEſDAY.", SATURDAY)]
    assert days == [date(2020, 11, 6), date(2020, 11, 3)]


def test_weekday_crash_regression_through_the_engine(engine: DetectionEngine) -> None:
    article = make_article("Putin spoke by phone with Macron on FRİDAY about the ceasefire.", "2020-11-07")
    assert [e.date for e in engine.detect(article).events] == ["2020-11-06"]
