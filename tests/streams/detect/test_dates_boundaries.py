"""A weekday after "since", "until", "before" or "after" is a boundary, not the day of the happening."""

from __future__ import annotations

from datetime import date

import pytest

from streams.detect.dates import find_dates, pick_event_date

_TUESDAY = date(2016, 5, 3)


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("fighting since Monday", "since"),
        ("Russia extended the truce until Monday", "until"),
        ("the army shelled the town before Monday", "before"),
        ("a truce from Monday", "from"),
    ],
)
def test_a_weekday_after_a_boundary_word_is_a_boundary(text: str, relation: str) -> None:
    assert [m.relation for m in find_dates(text, _TUESDAY)] == [relation]


def test_twin_a_weekday_alone_is_the_day() -> None:
    assert [m.relation for m in find_dates("the army shelled the town on Monday", _TUESDAY)] == ["at"]


def test_the_day_of_a_strike_is_not_the_end_of_the_truce() -> None:
    text = "After Russia extended a truce in Aleppo until Monday, the army shelled rebel posts on Tuesday."
    mention = pick_event_date(find_dates(text, _TUESDAY), text.index("shelled"))
    assert mention is not None and mention.day == _TUESDAY
