"""Small things a user hits with the feed commands (issue 17 item 10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from pytest_httpserver import HTTPServer

from connectors.feeds import parse_json_feed
from streams.cli import main

ROOT = Path(__file__).resolve().parents[2]
ITEMS = "".join(
    f"<item><title>Entry {i}</title><link>https://c.example/{i}</link><guid>g{i}</guid>"
    f"<pubDate>Sat, 07 Nov 2020 18:00:00 GMT</pubDate><description>{'Body text. ' * 30}</description></item>"
    for i in range(400)
)
BIG_FEED = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{ITEMS}</channel></rss>'


def test_feeds_check_json(httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    httpserver.expect_request("/feed").respond_with_data(BIG_FEED, content_type="application/rss+xml")
    assert main(["feeds", "check", httpserver.url_for("/feed"), "--allow-private", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format"] == "newswatch.feeds-check/1" and document["feed_format"] == "rss20"
    assert document["error"] is None and len(document["articles"]) == 400
    assert {(a["title"], a["url"]) for a in document["articles"]} == {
        (f"Entry {i}", f"https://c.example/{i}") for i in range(400)
    }


def test_feeds_check_into_a_closed_pipe_exits_quietly(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(BIG_FEED, content_type="application/rss+xml")
    command = [sys.executable, "-m", "streams.cli", "feeds", "check", httpserver.url_for("/feed")]
    child = subprocess.Popen(
        [*command, "--allow-private"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline().startswith(b"feed:")  # what `| head -1` reads, then it closes the pipe
    child.stdout.close()
    errors = child.stderr.read().decode()
    assert child.wait(timeout=60) == 0
    assert errors == ""


@pytest.mark.parametrize(
    "version", ["1.1", "http://jsonfeed.org/version/1.1/", "https://www.jsonfeed.org/version/1.1"]
)
def test_json_feed_with_a_non_canonical_version_is_read_with_a_note(
    version: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = orjson.dumps(
        {"version": version, "items": [{"id": "1", "url": "https://e.example/a", "title": "A"}]}
    )
    with caplog.at_level("INFO", logger="connectors.feeds"):
        parsed = parse_json_feed(body, "https://e.example/feed.json")
    assert parsed.format == "json11" and [e.title for e in parsed.entries] == ["A"]
    assert "not the canonical URL" in parsed.problems[0] and "not the canonical URL" in caplog.text
    canonical = parse_json_feed(body.replace(version.encode(), b"https://jsonfeed.org/version/1.1"), "u")
    assert canonical.problems == []


def test_feeds_import_of_an_rdf_foaf_file_says_it_is_not_opml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foaf = tmp_path / "subscriptions.rdf"
    foaf.write_text(
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:foaf="http://xmlns.com/foaf/0.1/" xmlns:rss="http://purl.org/rss/1.0/">'
        "<foaf:Group><foaf:member><foaf:Agent><foaf:name>A</foaf:name><foaf:weblog>"
        '<foaf:Document rdf:about="https://a.example/"><rss:channel rdf:about="https://a.example/rss"/>'
        "</foaf:Document></foaf:weblog></foaf:Agent></foaf:member></foaf:Group></rdf:RDF>"
    )
    target = tmp_path / "feeds.yaml"
    assert main(["feeds", "import", str(foaf), "--feeds-file", str(target)]) != 0
    captured = capsys.readouterr()
    assert "not an OPML document" in captured.err and "RDF/FOAF" in captured.err
    assert "feed(s)" not in captured.out and not target.exists()
