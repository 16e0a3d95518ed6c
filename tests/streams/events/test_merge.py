"""Event identity and merging: one event per type + participants + date; alerts only when it matters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from streams.events.merge import merge_report
from streams.records import Event, Evidence, Participant

PUTIN = Participant("Vladimir Putin", "RUS", "president", "putin-vladimir", True)
MACRON = Participant("Emmanuel Macron", "FRA", "president", "macron-emmanuel", True)


def report(
    article: str, source: str, day: str = "2020-11-07", who: tuple[Participant, ...] = (PUTIN, MACRON)
) -> Event:
    published = datetime.fromisoformat(f"{day}T12:00:00+00:00")
    return Event(
        type="leader_call",
        date=day,
        participants=who,
        evidence=(
            Evidence(article, f"https://{source}/{article}", "They spoke by phone.", source, published),
        ),
        sources=(source,),
        first_reported=published,
        last_reported=published,
    )


def test_first_report_alerts() -> None:
    outcome = merge_report(None, report("a1", "tass.ru"))
    assert outcome.reason == "first" and outcome.should_alert


def test_same_article_again_is_a_duplicate() -> None:
    first = merge_report(None, report("a1", "tass.ru")).event
    outcome = merge_report(first, report("a1", "tass.ru"))
    assert outcome.reason == "duplicate" and not outcome.should_alert
    assert outcome.event == first


def test_second_independent_source_confirms_once() -> None:
    event = merge_report(None, report("a1", "tass.ru")).event
    confirmed = merge_report(event, report("a2", "lemonde.fr"))
    assert confirmed.reason == "confirmed" and confirmed.should_alert
    assert confirmed.event.source_count == 2
    third = merge_report(confirmed.event, report("a3", "bbc.co.uk"))
    assert third.reason == "new_source" and not third.should_alert
    assert third.event.source_count == 3 and len(third.event.evidence) == 3


def test_more_articles_from_a_known_source_do_not_alert() -> None:
    event = merge_report(None, report("a1", "tass.ru")).event
    outcome = merge_report(event, report("a2", "tass.ru"))
    assert outcome.reason == "new_report" and not outcome.should_alert
    assert outcome.event.source_count == 1 and len(outcome.event.evidence) == 2


def test_same_leaders_on_another_day_is_another_event() -> None:
    assert report("a1", "x").id != report("a1", "x", day="2020-10-20").id
    assert report("a1", "x").id == report("b9", "y").id  # identity ignores the article
    assert report("a1", "x", who=(MACRON, PUTIN)).id == report("a1", "x").id  # and participant order


def test_merging_different_events_is_refused() -> None:
    with pytest.raises(ValueError):
        merge_report(report("a1", "x"), report("a1", "x", day="2020-10-20"))


def test_first_and_latest_report_times_span_the_reports() -> None:
    early = report("a1", "tass.ru")
    late = report("a2", "lemonde.fr").replace(
        first_reported=datetime(2020, 11, 8, tzinfo=UTC), last_reported=datetime(2020, 11, 8, tzinfo=UTC)
    )
    merged = merge_report(merge_report(None, early).event, late).event
    assert merged.first_reported == early.first_reported
    assert merged.last_reported == datetime(2020, 11, 8, tzinfo=UTC)
