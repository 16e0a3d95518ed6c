"""``newswatch feeds check`` and ``newswatch feeds import`` through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from streams.cli import main

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://c.example/</link>
<description>d</description>
<item><title>Good entry</title><link>https://c.example/1?utm_source=x</link><guid>a1</guid>
<pubDate>Sat, 07 Nov 2020 18:00:00 GMT</pubDate><description>Body text</description></item>
<item><title></title><description></description><guid>empty</guid></item>
<item><title>Good entry again</title><link>https://c.example/1</link><guid>a1</guid></item>
</channel></rss>"""


def test_feeds_check(httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type="application/rss+xml")
    url = httpserver.url_for("/feed")
    assert main(["feeds", "check", url, "--allow-private"]) == 0
    out = capsys.readouterr().out
    assert "1 article(s) would be produced" in out
    assert "https://c.example/1" in out and "utm_source" not in out
    assert "entry has no title, summary or content" in out
    assert "repeats entry id" in out


def test_feeds_check_refuses_private_by_default(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)
    assert main(["feeds", "check", httpserver.url_for("/feed")]) == 1
    assert "loopback" in capsys.readouterr().out


def test_feeds_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="A" xmlUrl="https://a.example/rss"/>'
        '<outline text="B" xmlUrl="https://b.example/atom"/></body></opml>'
    )
    target = tmp_path / "feeds.yaml"
    assert main(["feeds", "import", str(opml), "--feeds-file", str(target), "--interval", "600"]) == 0
    assert main(["feeds", "import", str(opml), "--feeds-file", str(target)]) == 0
    out = capsys.readouterr().out
    assert "2 new" in out and "0 new" in out
    text = target.read_text()
    assert text.count("https://a.example/rss") == 1 and "interval_seconds: 600" in text
