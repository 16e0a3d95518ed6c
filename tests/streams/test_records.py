"""The shared records survive their JSON wire form and reject garbage clearly."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import orjson
import pytest

from streams.errors import RecordError
from streams.records import Alert, Article, Event, Evidence, Participant


def _article() -> Article:
    return Article(
        id="a1",
        url="https://example.org/a",
        title="Putin and Macron spoke",
        text="Body",
        published=datetime(2020, 11, 7, 18, tzinfo=UTC),
        authors=("A. Writer",),
        source_site="example.org",
    )


def test_article_round_trip() -> None:
    article = _article()
    assert Article.from_json(article.to_json()) == article


def test_naive_times_are_taken_as_utc() -> None:
    data = _article().to_dict() | {"published": "2020-11-07T18:00:00"}
    assert Article.from_dict(data).published == datetime(2020, 11, 7, 18, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw", [b"not json", b"[1,2]", b'{"id": "x"}', b'{"id": "x", "published": "yesterday"}']
)
def test_bad_articles_raise_record_error(raw: bytes) -> None:
    with pytest.raises(RecordError):
        Article.from_json(raw)


def test_event_and_alert_round_trip_and_stable_ids() -> None:
    event = Event(
        type="leader_call",
        date="2020-11-07",
        participants=(Participant("Vladimir Putin", "RUS", "president", "putin-vladimir", True),),
        evidence=(Evidence("a1", "https://example.org/a", "They spoke.", "example.org"),),
        sources=("example.org",),
        cameo="041",
    )
    assert Event.from_json(event.to_json()) == event
    alert = Alert(event=event, reason="first")
    again = Alert.from_json(alert.to_json())
    assert again.id == alert.id and again.event.id == event.id
    assert Alert(event=event, reason="first").id == alert.id  # the same decision re-made: same id


def test_article_wire_form_is_every_field_in_declaration_order() -> None:
    article = _article().replace(updated=datetime(2020, 11, 8, tzinfo=UTC), similarity=0.5)
    data = article.to_dict()
    assert list(data) == [f.name for f in dataclasses.fields(Article)]
    assert data == {f.name: getattr(article, f.name) for f in dataclasses.fields(Article)} | {
        "published": "2020-11-07T18:00:00+00:00",
        "fetched_at": article.fetched_at.isoformat(),
        "updated": "2020-11-08T00:00:00+00:00",
        "authors": ["A. Writer"],
    }
    assert article.to_json() == orjson.dumps(data)


def test_article_replace_is_dataclasses_replace() -> None:
    article = _article()
    changes = {"duplicate_of": "a0", "similarity": 0.93, "text": "Other body"}
    assert article.replace(**changes) == dataclasses.replace(article, **changes)
    assert article.replace() == article
    with pytest.raises(TypeError):
        article.replace(no_such_field=1)
