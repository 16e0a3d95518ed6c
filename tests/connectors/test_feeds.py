"""Feed bytes to Articles: every format, missing GUIDs, hostile XML, broken encodings."""

from __future__ import annotations

import json
import resource
from datetime import UTC, datetime

import pytest

from connectors.feeds import defuse_xml, parse_feed, to_article
from streams.errors import ParseError

FETCHED = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
FEED_URL = "https://news.example.com/feed"

RSS091 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>https://old.example.com/</link><language>en-us</language>
<description>d</description>
<item><title>Ceasefire talks resume</title><link>https://old.example.com/a?utm_source=rss</link>
<description>Talks resumed in Geneva.</description></item>
</channel></rss>"""

RSS092 = """<?xml version="1.0"?><rss version="0.92"><channel><title>N</title><link>https://n.example.com/</link>
<description>d</description><item><title>Item one</title>
<description>Body &lt;b&gt;one&lt;/b&gt;</description>
<link>https://n.example.com/1</link></item></channel></rss>"""

RSS10 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example.com/"><title>RDF</title><link>https://rdf.example.com/</link>
<description>d</description><dc:language>de</dc:language></channel>
<item rdf:about="https://rdf.example.com/x"><title>Waffenruhe gebrochen</title>
<link>https://rdf.example.com/x</link><description>Text.</description><dc:date>2020-10-21T08:30:00+02:00</dc:date>
<dc:creator>Anna Muster</dc:creator></item></rdf:RDF>"""

RSS20 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>World</title><link>https://www.example.com/world</link><language>en</language><description>d</description>
<item><title>Putin and Macron spoke by phone</title><link>https://www.example.com/story/1#comments</link>
<guid isPermaLink="false">story-1</guid><pubDate>Sat, 07 Nov 2020 18:00:00 GMT</pubDate>
<dc:creator>Jane Reporter</dc:creator><description>&lt;p&gt;Summary &amp;amp; more&lt;/p&gt;</description>
<content:encoded><![CDATA[<p>The presidents <b>discussed</b> the conflict.</p>
<script>alert(1)</script>]]></content:encoded></item>
<item><title>Second story</title><link>https://www.example.com/story/2</link><guid>https://www.example.com/story/2</guid>
<pubDate>Sun, 08 Nov 2020 09:00:00 +0100</pubDate><description>Two</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>Atom</title>
<link href="https://atom.example.org/"/><id>urn:feed</id><updated>2020-10-02T10:00:00Z</updated>
<entry><title>Appel entre dirigeants</title><link rel="alternate" href="/2020/10/appel"/>
<id>tag:atom.example.org,2020:1</id><published>2020-10-02T09:00:00+02:00</published>
<updated>2020-10-02T11:00:00Z</updated><author><name>Marie</name></author>
<summary>Résumé</summary><content type="html">&lt;p&gt;Le texte complet.&lt;/p&gt;</content></entry></feed>"""

JSONFEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON",
    "home_page_url": "https://json.example.net/",
    "language": "en-GB",
    "items": [
        {
            "id": "42",
            "url": "https://json.example.net/42?utm_campaign=x",
            "title": "Leaders meet",
            "content_html": "<p>They met.</p>",
            "summary": "Short",
            "date_published": "2020-10-01T22:00:00-05:00",
            "authors": [{"name": "Sam"}],
        },
        {"id": "43", "content_text": "Only text, no title", "date_modified": "2020-10-02T00:00:00Z"},
    ],
}

NO_GUIDS = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://ng.example.com/</link>
<description>d</description>
<item><title>With link</title><link>https://ng.example.com/a</link><description>x</description></item>
<item><title>No link no guid</title><description>Just text</description></item>
<item><title></title><description></description></item>
</channel></rss>"""


def articles(body: bytes | str, content_type: str = "", url: str = FEED_URL):  # type: ignore[no-untyped-def]
    data = body.encode("utf-8") if isinstance(body, str) else body
    parsed = parse_feed(data, url, content_type)
    return parsed, [to_article(e, parsed, feed_url=url, fetched_at=FETCHED) for e in parsed.entries]


def test_rss091() -> None:
    parsed, (a,) = articles(RSS091.encode("iso-8859-1"))
    assert parsed.format.startswith("rss09")
    assert a.url == "https://old.example.com/a"
    assert a.language == "en"
    assert a.published_is_fallback and a.published == FETCHED


def test_rss092() -> None:
    parsed, (a,) = articles(RSS092)
    assert parsed.format == "rss092"
    assert a.text == "Body one"


def test_rss10_rdf() -> None:
    parsed, (a,) = articles(RSS10)
    assert parsed.format == "rss10"
    assert a.published == datetime(2020, 10, 21, 6, 30, tzinfo=UTC)
    assert a.authors == ("Anna Muster",)
    assert a.language == "de"


def test_rss20() -> None:
    parsed, (a, b) = articles(RSS20)
    assert parsed.format == "rss20"
    assert a.url == "https://www.example.com/story/1"
    assert a.published == datetime(2020, 11, 7, 18, 0, tzinfo=UTC) and not a.published_is_fallback
    assert a.authors == ("Jane Reporter",)
    assert a.text == "The presidents discussed the conflict."
    assert a.summary == "Summary & more"
    assert a.source_feed == FEED_URL and a.source_site == "www.example.com" and a.connector == "rss"
    assert b.published == datetime(2020, 11, 8, 8, 0, tzinfo=UTC)
    # A URL-like GUID is an id on its own; an opaque one is scoped to the feed.
    assert b.id != a.id
    _, (a_elsewhere, b_elsewhere) = articles(RSS20, url="https://mirror.example.com/feed")
    assert b_elsewhere.id == b.id and a_elsewhere.id != a.id


def test_atom() -> None:
    parsed, (a,) = articles(ATOM)
    assert parsed.format == "atom10"
    assert a.url == "https://news.example.com/2020/10/appel"  # relative link resolved against the feed URL
    assert a.published == datetime(2020, 10, 2, 7, 0, tzinfo=UTC)
    assert a.updated == datetime(2020, 10, 2, 11, 0, tzinfo=UTC)
    assert a.language == "fr" and a.authors == ("Marie",)
    assert a.text == "Le texte complet." and a.summary == "Résumé"


def test_json_feed() -> None:
    parsed, (a, b) = articles(json.dumps(JSONFEED), "application/feed+json")
    assert parsed.format == "json11"
    assert a.url == "https://json.example.net/42"
    assert a.published == datetime(2020, 10, 2, 3, 0, tzinfo=UTC)
    assert a.text == "They met." and a.authors == ("Sam",) and a.language == "en"
    assert b.text == "Only text, no title" and b.published == datetime(2020, 10, 2, tzinfo=UTC)
    assert b.url.startswith("urn:newswatch:")


def test_json_feed_detected_without_content_type() -> None:
    parsed, _ = articles(json.dumps(JSONFEED), "text/plain")
    assert parsed.format == "json11"


def test_missing_guids_give_stable_ids() -> None:
    _, first = articles(NO_GUIDS)
    _, second = articles(NO_GUIDS)
    assert [a.id for a in first] == [a.id for a in second]
    assert len({a.id for a in first}) == 3
    from streams.records import stable_id

    assert first[0].id == stable_id("https://ng.example.com/a")


def test_not_a_feed() -> None:
    with pytest.raises(ParseError):
        parse_feed(b"<html><body>hello</body></html>", FEED_URL)
    with pytest.raises(ParseError):
        parse_feed(b'{"hello": 1}', FEED_URL, "application/json")


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + ']><rss version="2.0"><channel><title>&lol9;</title><link>https://x.example/</link><description>d</description>'
    + "<item><title>Laugh &lol9;</title><link>https://x.example/1</link><description>&lol9;</description></item>"
    + "</channel></rss>"
)

XXE = """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">
<!ENTITY remote SYSTEM "http://169.254.169.254/latest/meta-data/">]>
<rss version="2.0"><channel><title>x</title><link>https://x.example/</link><description>d</description>
<item><title>Secret &xxe; &remote;</title><link>https://x.example/2</link><description>&xxe;</description></item>
</channel></rss>"""


def test_billion_laughs_not_expanded() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    parsed, found = articles(LAUGHS)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert parsed.bozo
    assert all(len(a.title) < 200 and len(a.text) < 200 for a in found)
    assert grown_kb < 50_000


def test_external_entities_not_resolved() -> None:
    parsed, found = articles(XXE)
    assert parsed.bozo
    for article in found:
        assert "root:" not in article.title + article.text


def test_defuse_keeps_public_doctype() -> None:
    body, note = defuse_xml(RSS091.encode())
    assert note is None and b"DOCTYPE" in body


def test_invalid_utf8_is_decoded_or_skipped() -> None:
    body = RSS20.replace("Second story", "Second \udcff story").encode("utf-8", "surrogateescape")
    try:
        _, found = articles(body, "application/rss+xml; charset=utf-8")
    except ParseError:
        return  # cleanly skipped
    assert found, "decoded"
    for article in found:
        article.to_json()  # serialisable: no lone surrogates


def test_mislabelled_charset() -> None:
    """Windows-1252 bytes declared as UTF-8: the entries still come out as text."""
    body = RSS20.replace('encoding="UTF-8"', 'encoding="UTF-8"').replace("Second story", "Café – crème")
    data = body.encode("cp1252")
    _, found = articles(data, "application/rss+xml; charset=utf-8")
    assert len(found) == 2
    assert "Caf" in found[1].title
    for article in found:
        article.to_json()


def test_future_dates_fall_back() -> None:
    body = RSS20.replace("Sat, 07 Nov 2020 18:00:00 GMT", "Sat, 07 Nov 2099 18:00:00 GMT")
    _, (a, _b) = articles(body)
    assert a.published_is_fallback and a.published == FETCHED


# --- dates no datetime can hold, or that feedparser misreads: refused with a note, never a crash ----------


def test_atom_year_10000_is_refused_not_read_as_2010() -> None:
    body = (
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>A</title><id>urn:f</id>"
        "<entry><id>urn:e:1</id><title>Far future</title><published>10000-01-01</published>"
        "<updated>10000-01-01T00:00:00Z</updated></entry>"
        "<entry><id>urn:e:2</id><title>Canary</title><published>2020-12-31T23:30:00-05:00</published></entry>"
        "</feed>"
    )
    parsed = parse_feed(body.encode(), FEED_URL, "application/atom+xml")
    far, canary = parsed.entries
    assert far.published is None and far.updated is None
    assert any("10000-01-01" in note and "out of range" in note for note in parsed.problems)
    article = to_article(far, parsed, feed_url=FEED_URL, fetched_at=FETCHED)
    assert article.published == FETCHED and article.published_is_fallback
    assert canary.published == datetime(2021, 1, 1, 4, 30, tzinfo=UTC)


def test_json_feed_item_with_overflowing_date_does_not_sink_the_feed() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [
                {"id": "p", "content_text": "poison", "date_published": "9999-12-31T23:59:59-14:00"},
                {"id": "c", "content_text": "canary", "date_published": "2020-11-07T18:00:00Z"},
            ],
        }
    )
    parsed = parse_feed(body.encode(), FEED_URL, "application/feed+json")
    poison, canary = parsed.entries
    assert poison.published is None
    assert canary.published == datetime(2020, 11, 7, 18, tzinfo=UTC)
    assert any("9999-12-31T23:59:59-14:00" in note for note in parsed.problems)
    assert to_article(poison, parsed, feed_url=FEED_URL, fetched_at=FETCHED).published_is_fallback


# --- plain-text fields keep "<" and ">"; only fields feedparser reports as HTML lose their tags ---------


def test_plain_text_fields_keep_angle_brackets() -> None:
    rss = (
        "<rss version='2.0'><channel><title>R</title><link>https://r.example/</link><description>d</description>"
        "<item><title>Inflation &lt;2% while unemployment &gt;5% in March</title>"
        "<link>https://r.example/1</link>"
        "<description>Rates &lt;b&gt;rose&lt;/b&gt; again</description></item>"
        "</channel></rss>"
    )
    (entry,) = parse_feed(rss.encode(), FEED_URL, "application/rss+xml").entries
    assert entry.title == "Inflation <2% while unemployment >5% in March"
    assert entry.summary == "Rates rose again"  # RSS description is HTML: its tags go
    atom = (
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>A</title><id>urn:f</id><entry><id>urn:e</id>"
        "<title type='text'>Turnout &lt;40% &amp; rising &gt;2 points</title>"
        "<summary type='html'>&lt;p&gt;Para&lt;/p&gt;</summary>"
        "<content type='text'>If x &lt; y and y &gt; z then nothing is lost</content></entry></feed>"
    )
    (entry,) = parse_feed(atom.encode(), FEED_URL, "application/atom+xml").entries
    assert entry.title == "Turnout <40% & rising >2 points"
    assert entry.summary == "Para"
    assert entry.content == "If x < y and y > z then nothing is lost"


def test_json_feed_summary_is_plain_text() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"id": "1", "title": "T", "summary": "Growth <1% and >0.5%", "content_text": "a < b"}],
        }
    )
    (entry,) = parse_feed(body.encode(), FEED_URL, "application/feed+json").entries
    assert entry.summary == "Growth <1% and >0.5%"
    assert entry.content == "a < b"
