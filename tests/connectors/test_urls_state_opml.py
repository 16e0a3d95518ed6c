"""Canonical URLs, the state store and OPML import."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.feedlist import configured_feeds, read_feeds_file, write_feeds_file
from connectors.opml import parse_opml
from connectors.state import FeedState, StateStore
from connectors.urls import canonical_url
from streams.errors import ParseError


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (
            "HTTPS://WWW.Example.COM:443/a/b?utm_source=x&utm_medium=y&id=5#frag",
            "https://www.example.com/a/b?id=5",
        ),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x?fbclid=1&gclid=2", "http://example.com:8080/x"),
        ("https://example.com/p?b=2&a=1&utm_campaign=z", "https://example.com/p?a=1&b=2"),
        ("  https://example.com./x  ", "https://example.com/x"),
        ("spool://000.txt", "spool://000.txt"),
        ("https://[2001:db8::1]:443/x", "https://[2001:db8::1]/x"),
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_canonical_url_relative() -> None:
    assert canonical_url("../b?ref_src=tw", base="https://e.com/a/c/") == "https://e.com/a/b"


def test_state_round_trip_and_retention(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite3", seen_per_feed=10)
    store.put_feed(
        "f", FeedState(etag='"x"', last_modified="lm", error_count=2, next_poll_at=5.0, backoff_seconds=3)
    )
    store.mark_seen("f", [f"id{i}" for i in range(25)])
    store.mark_seen("g", ["id0"])
    store.close()
    store = StateStore(tmp_path / "s.sqlite3", seen_per_feed=10)
    state = store.get_feed("f")
    assert (state.etag, state.last_modified, state.error_count, state.next_poll_at) == ('"x"', "lm", 2, 5.0)
    assert store.get_feed("missing") == FeedState()
    assert store.seen_among("f", [f"id{i}" for i in range(25)]) == {f"id{i}" for i in range(15, 25)}
    assert store.seen_among("g", ["id0", "id1"]) == {"id0"}
    store.close()


OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
<outline text="News"><outline text="BBC" type="rss" xmlUrl="https://feeds.example.co.uk/world.xml"/>
<outline title="Dup" xmlUrl="https://FEEDS.example.co.uk/world.xml?utm_source=opml"/></outline>
<outline text="No feed" htmlUrl="https://x.example/"/><outline text="Bad" xmlUrl="javascript:alert(1)"/>
<outline text="JSON" xmlUrl="https://j.example/feed.json"/></body></opml>"""


def test_parse_opml() -> None:
    feeds = parse_opml(OPML)
    assert [(f.url, f.name) for f in feeds] == [
        ("https://feeds.example.co.uk/world.xml", "BBC"),
        ("https://j.example/feed.json", "JSON"),
    ]


def test_opml_entities_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaa">]>'
    bomb += b'<opml><body><outline text="&a;"/></body></opml>'
    with pytest.raises(ParseError):
        parse_opml(bomb)


def test_feeds_file_round_trip(tmp_path: Path) -> None:
    from streams.settings import settings_from_mapping

    path = tmp_path / "feeds.yaml"
    write_feeds_file(path, parse_opml(OPML))
    assert [f.name for f in read_feeds_file(path)] == ["BBC", "JSON"]
    path.write_text("- https://plain.example/rss\n" + path.read_text())
    settings = settings_from_mapping(
        {
            "connectors": {
                "feeds_file": str(path),
                "feeds": [{"url": "https://j.example/feed.json", "name": "mine"}],
            }
        }
    )
    feeds = configured_feeds(settings)
    assert [f.name for f in feeds] == ["mine", "", "BBC"]


def test_default_feeds_ship() -> None:
    from streams.settings import settings_from_mapping

    feeds = configured_feeds(settings_from_mapping({"connectors": {"use_default_feeds": True}}))
    assert len(feeds) >= 8 and all(f.url.startswith("https://") for f in feeds)
