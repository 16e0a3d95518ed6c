"""The feed poller and scheduler over real local HTTP: formats, 304s, Retry-After, caps, full text,
restarts."""

from __future__ import annotations

import asyncio
import html
import json
import time
from pathlib import Path

from aiohttp import web

from connectors.http import HttpClient
from connectors.producer import RejectedArticleError
from connectors.rss import FeedPoller, FeedsConnector
from connectors.scheduler import ERROR, NEW, UNCHANGED
from connectors.state import FeedState, StateStore
from streams.records import Article
from streams.settings.connectors import FeedSettings
from tests.connectors.conftest import RecordingSink


def rss(items: list[tuple[str, str]], guids: bool = True) -> str:
    body = "".join(
        f"<item><title>{html.escape(t)}</title><link>https://site.example/{g}</link>"
        + (f"<guid isPermaLink='false'>{g}</guid>" if guids else "")
        + "<pubDate>Sat, 07 Nov 2020 18:00:00 GMT</pubDate><description>about {t}</description></item>"
        for g, t in items
    )
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>F</title><link>https://site.example/</link>"
        f"<description>d</description>{body}</channel></rss>"
    )


def atom(n: int) -> str:
    entries = "".join(
        f"<entry><title>A{i}</title><id>urn:a:{i}</id><link href='https://atom.example/{i}'/>"
        f"<updated>2020-10-0{i % 9 + 1}T00:00:00Z</updated><summary>s{i}</summary></entry>"
        for i in range(n)
    )
    return f"<feed xmlns='http://www.w3.org/2005/Atom'><title>A</title><id>urn:x</id>{entries}</feed>"


RSS10 = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://r.example/"><title>R</title>
<link>https://r.example/</link><description>d</description></channel>
<item rdf:about="https://r.example/1"><title>R1</title><link>https://r.example/1</link></item>
<item rdf:about="https://r.example/2"><title>R2</title><link>https://r.example/2</link></item></rdf:RDF>"""
RSS091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>O</title><link>https://o.example/</link>
<description>d</description><item><title>O1</title><link>https://o.example/1</link></item></channel></rss>"""
JSONFEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [{"id": str(i), "url": f"https://j.example/{i}", "content_text": f"t{i}"} for i in range(3)],
    }
)
SAMPLES = {
    "rss091": (RSS091, "application/rss+xml", 1),
    "rss10": (RSS10, "application/rdf+xml", 2),
    "rss20": (rss([("a", "A"), ("b", "B")]), "application/rss+xml", 2),
    "atom": (atom(4), "application/atom+xml", 4),
    "json": (JSONFEED, "application/feed+json", 3),
}


def poller_for(settings, sink, state):  # type: ignore[no-untyped-def]
    return FeedPoller(settings, HttpClient(settings.connectors), sink, state)


async def test_each_format_over_http(feed_server, settings_for, sink, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    state = StateStore(tmp_path / "s.sqlite3")
    poller = poller_for(settings, sink, state)
    try:
        for name, (body, content_type, expected) in SAMPLES.items():
            url = feed_server.static(f"/{name}", body, content_type)
            report = await poller.poll(FeedSettings(url=url, allow_private=True), FeedState())
            assert report.error is None, (name, report.error)
            assert len(report.articles) == expected, name
    finally:
        await poller.client.close()
    assert len(set(sink.ids)) == len(sink.ids) == sum(e for _, _, e in SAMPLES.values())


async def test_304_second_poll_no_duplicates(feed_server, settings_for, sink, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    items = [("g1", "One"), ("g2", "Two")]

    async def handler(request: web.Request) -> web.StreamResponse:
        etag = f'"{len(items)}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304)
        return web.Response(text=rss(items), content_type="application/rss+xml", headers={"ETag": etag})

    feed = FeedSettings(url=feed_server.add("/f", handler), allow_private=True)
    state = StateStore(tmp_path / "s.sqlite3")
    poller = poller_for(settings_for(), sink, state)
    feed_state = FeedState()
    try:
        first = await poller.poll(feed, feed_state)
        assert first.outcome.kind == NEW and len(first.articles) == 2
        second = await poller.poll(feed, feed_state)
        assert second.status == "304" and second.outcome.kind == UNCHANGED and not second.articles
        items.insert(0, ("g3", "Three"))
        third = await poller.poll(feed, feed_state)
        assert [a.title for a in third.articles] == ["Three"]
        assert any("already produced" in why for _, why in third.skipped)
    finally:
        await poller.client.close()
    assert len(sink.ids) == len(set(sink.ids)) == 3


async def test_seen_ids_survive_restart_without_etag(feed_server, settings_for, sink, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = feed_server.static("/noetag", rss([("a", "A"), ("b", "B")], guids=False))
    feed = FeedSettings(url=url, allow_private=True)
    for _ in range(2):  # two "processes", one state file
        state = StateStore(tmp_path / "s.sqlite3")
        poller = poller_for(settings_for(), sink, state)
        await poller.poll(feed, state.get_feed(url))
        await poller.client.close()
        state.close()
    assert len(sink.ids) == 2


async def test_full_text_drops_page_chrome(feed_server, settings_for, sink, seeds_dir: Path) -> None:  # type: ignore[no-untyped-def]
    seed = (seeds_dir / "000_6be6fbbbb802f048.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in seed.splitlines() if line.strip()]
    chrome = "".join(
        f"<li><a href='/x'>{html.escape(line)}</a></li>" for line in lines[:10] if line != lines[5]
    )
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[10:] if len(line.split()) > 12)
    page = (
        f"<html><head><title>{html.escape(lines[5])}</title></head><body><nav><ul>{chrome}</ul></nav>"
        f"<article><h1>{html.escape(lines[5])}</h1>{body}</article>"
        "<aside><form>Subscribe to our newsletter <input name=e></form></aside></body></html>"
    )
    article_url = feed_server.static("/story", page, "text/html; charset=utf-8")
    feed_xml = rss([("s1", "Putin, Macron")]).replace("https://site.example/s1", article_url)
    url = feed_server.static("/ft", feed_xml)
    poller = poller_for(settings_for(), sink, None)
    try:
        report = await poller.poll(FeedSettings(url=url, allow_private=True, full_text=True), FeedState())
    finally:
        await poller.client.close()
    (article,) = report.articles
    assert "discussed in a phone call" in article.text
    for chrome_text in ("Send a Tweet", "Share on Facebook", "Become a Fan", "Subscribe"):
        assert chrome_text not in article.text


async def test_scheduler_others_continue_and_retry_after_waits(  # type: ignore[no-untyped-def]
    feed_server, settings_for, sink, tmp_path: Path
) -> None:
    """One feed too large, one too slow, one unreachable, one answering 429: the good ones keep producing,
    and the 429 feed is not asked again before its Retry-After."""
    big = b"<rss>" + b"x" * (10 * 1024 * 1024 + 1) + b"</rss>"
    feed_server.static("/big", big)
    busy_hits: list[float] = []

    async def busy(request: web.Request) -> web.StreamResponse:
        busy_hits.append(time.monotonic())
        if len(busy_hits) == 1:
            return web.Response(status=429, headers={"Retry-After": "2"})
        return web.Response(text=rss([("z", "Zed")]), content_type="application/rss+xml")

    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(3)
        return web.Response(text=rss([("s", "Slow")]))

    feed_server.add("/busy", busy)
    feed_server.add("/slow", slow)
    counter = {"n": 0}

    async def growing(request: web.Request) -> web.StreamResponse:
        counter["n"] += 1
        items = [(f"g{i}", f"Item {i}") for i in range(counter["n"])]
        return web.Response(text=rss(items), content_type="application/rss+xml")

    feed_server.add("/good", growing)
    feed_server.static("/atom", atom(5), "application/atom+xml")
    feeds = [
        {"url": feed_server.url(p), "allow_private": True, "interval_seconds": 0.3, "name": p.strip("/")}
        for p in ("/big", "/busy", "/slow", "/good", "/atom")
    ]
    feeds.append({"url": "http://127.0.0.1:9/down", "allow_private": True, "interval_seconds": 0.3})
    settings = settings_for(
        feeds=feeds,
        max_body_bytes=1024 * 1024,
        read_timeout_seconds=0.5,
        total_timeout_seconds=1,
        jitter_fraction=0,
        start_spread_seconds=0.05,
    )
    state = StateStore(tmp_path / "s.sqlite3")
    connector = FeedsConnector(settings, sink, state)
    await connector.setup()
    stop = asyncio.Event()
    task = asyncio.create_task(connector.run(stop))
    await asyncio.sleep(4)
    stop.set()
    await asyncio.wait_for(task, 10)
    await connector.close()
    titles = [a.title for a in sink.articles]
    assert len(titles) == len(set(sink.ids))
    assert "Zed" in titles and "A0" in titles and "Item 2" in titles
    assert "Slow" not in titles
    assert len(busy_hits) >= 2 and busy_hits[1] - busy_hits[0] >= 1.9
    big_state = state.get_feed(feed_server.url("/big"))
    assert big_state.error_count >= 1 and big_state.backoff_seconds > 0
    down = state.get_feed("http://127.0.0.1:9/down")
    assert down.error_count >= 1


def test_outcome_kinds() -> None:
    from connectors.rss import PollReport

    assert PollReport(feed="x", error="boom", retry_after=3).outcome.kind == ERROR
    assert PollReport(feed="x").outcome.kind == UNCHANGED


async def test_hostile_and_broken_documents_over_http(feed_server, settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    """Billion laughs, XXE, invalid UTF-8, a mislabelled charset and garbage: each decoded or cleanly
    skipped, none crashes the poller, and the good feed after them still produces."""
    import resource

    laughs = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY a{i} "{("&a" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
        )
        + ']><rss version="2.0"><channel><title>L</title><link>https://l.example/</link><description>d</description>'
        "<item><title>&a9;</title><link>https://l.example/1</link><description>&a9;</description></item>"
        "</channel></rss>"
    )
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>X</title><link>https://x.example/</link><description>d</description>'
        "<item><title>Item &x;</title><link>https://x.example/1</link></item></channel></rss>"
    )
    bad_utf8 = rss([("u", "Bad byte here")]).encode().replace(b"byte", b"b\xff\xfeyte")
    latin1 = rss([("l", "Café crème")]).encode("cp1252")
    documents = {
        "/laughs": (laughs.encode(), "application/rss+xml"),
        "/xxe": (xxe.encode(), "application/rss+xml"),
        "/bad-utf8": (bad_utf8, "application/rss+xml; charset=utf-8"),
        "/latin1": (latin1, "application/rss+xml; charset=utf-8"),
        "/garbage": (b"\x00\x01\x02 not a feed \xff", "application/octet-stream"),
        "/good": (rss([("g", "Good")]).encode(), "application/rss+xml"),
    }
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    poller = poller_for(settings_for(), sink, None)
    reports = {}
    try:
        for path, (body, content_type) in documents.items():
            url = feed_server.static(path, body, content_type)
            reports[path] = await poller.poll(FeedSettings(url=url, allow_private=True), FeedState())
    finally:
        await poller.client.close()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB
    for article in sink.articles:
        assert len(article.title) < 200 and "root:" not in article.title
        article.to_json()
    assert reports["/garbage"].status == "parse_error" and not reports["/garbage"].articles
    assert [a.title for a in reports["/good"].articles] == ["Good"]
    assert any("Caf" in a.title for a in reports["/latin1"].articles)


class RefusingSink(RecordingSink):
    """Refuses articles titled "Refused ...", as the producer does with one Kafka will never take."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []

    async def deliver(self, article: Article) -> None:
        if article.title.startswith("Refused"):
            self.refused.append(article.id)
            raise RejectedArticleError(f"article {article.id} is too large", "too_large")
        await super().deliver(article)


async def test_entry_kafka_refuses_is_skipped_once_not_retried(
    feed_server, settings_for, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    items = [("big", "Refused because too large"), ("c1", "Canary one")]

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(text=rss(items), content_type="application/rss+xml")

    feed = FeedSettings(url=feed_server.add("/f", handler), allow_private=True)
    sink = RefusingSink()
    state = StateStore(tmp_path / "s.sqlite3")
    poller = poller_for(settings_for(), sink, state)
    feed_state = FeedState()
    try:
        first = await poller.poll(feed, feed_state)
        assert first.error is None and first.outcome.kind == NEW
        assert [a.title for a in sink.articles] == ["Canary one"]
        items.insert(0, ("c2", "Canary two"))
        second = await poller.poll(feed, feed_state)
        assert second.error is None
    finally:
        await poller.client.close()
    assert [a.title for a in sink.articles] == ["Canary one", "Canary two"]
    assert len(sink.refused) == 1  # refused once, remembered as seen, never offered again
    assert state.in_flight() == []
    state.close()
