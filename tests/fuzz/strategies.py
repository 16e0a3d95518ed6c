"""Hypothesis strategies that produce inputs shaped like what each entry point really meets."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from hypothesis import strategies as st

# Words that make the detectors work (names, call verbs, ceasefire terms, dates) mixed with noise.
VOCABULARY = [
    "Vladimir Putin",
    "Putin",
    "Emmanuel Macron",
    "Macron",
    "Recep Tayyip Erdogan",
    "Erdoğan",
    "Erdo\u00c4\u0178an",
    "Nikol Pashinyan",
    "Ilham Aliyev",
    "Joe Biden",
    "Xi Jinping",
    "President",
    "Prime Minister",
    "foreign minister",
    "spoke by phone",
    "held a telephone conversation",
    "phone call",
    "talked",
    "called",
    "discussed",
    "with",
    "ceasefire",
    "truce",
    "humanitarian ceasefire",
    "violated",
    "violation of the ceasefire",
    "accused",
    "Armenia",
    "Azerbaijan",
    "Nagorno-Karabakh",
    "Russia",
    "France",
    "Turkey",
    "Kremlin",
    "Elysee",
    "said",
    "on Saturday",
    "on Monday",
    "yesterday",
    "today",
    "last week",
    "on 7 November",
    "November 7, 2020",
    "2020-10-10",
    "10/10/2020",
    "on October 2",
    "Sunday night",
    "at midnight",
    "not",
    "denied",
    "will call",
    "\u201c",
    "\u201d",
    '"',
    ".",
    ",",
    ";",
    "\n",
    "\n\n",
    "  ",
    "\t",
    "\u00a0",
    "\u200b",
    "\r\n",
    "\x00",
    "\x7f",
]


@st.composite
def news_text(draw: st.DrawFn) -> str:
    """Sentence soup from the detector vocabulary and arbitrary text."""
    pieces = draw(
        st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=20)), min_size=0, max_size=80)
    )
    return " ".join(pieces)


def mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252, as broken feeds deliver them."""
    return text.encode("utf-8").decode("cp1252", errors="replace")


any_text = st.one_of(st.text(), news_text(), news_text().map(mojibake))
text_bytes = any_text.map(lambda s: s.encode("utf-8"))

_date_strings = st.one_of(
    st.sampled_from(
        [
            "Sat, 07 Nov 2020 20:00:00 GMT",
            "Sat, 07 Nov 2020 20:00:00 +0300",
            "2020-11-07T20:00:00Z",
            "2020-11-07",
            "yesterday",
            "",
            "Mon, 31 Feb 2020 99:99:99 GMT",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "2100-01-01T00:00:00+14:00",
        ]
    ),
    st.text(max_size=30),
)
_field = st.one_of(news_text(), st.text(max_size=60))
_link = st.one_of(
    st.sampled_from(
        [
            "https://news.example/a?utm_source=x#top",
            "/relative/path",
            "",
            "javascript:alert(1)",
            "http://[::1]:80/x",
            "http://bad host/",
            "https://news.example:99999/x",
            "urn:uuid:1",
        ]
    ),
    st.text(max_size=40),
)


@st.composite
def rss_document(draw: st.DrawFn) -> bytes:
    items = []
    for _ in range(draw(st.integers(0, 4))):
        parts = [f"<title>{escape(draw(_field))}</title>", f"<link>{escape(draw(_link))}</link>"]
        if draw(st.booleans()):
            parts.append(f"<guid>{escape(draw(_link))}</guid>")
        if draw(st.booleans()):
            parts.append(f"<pubDate>{escape(draw(_date_strings))}</pubDate>")
        body = draw(_field)
        if draw(st.booleans()):
            parts.append(f"<description><![CDATA[<p>{body.replace(']]>', '')}</p>]]></description>")
        else:
            parts.append(f"<description>{escape(body)}</description>")
        items.append("<item>" + "".join(parts) + "</item>")
    channel = f"<title>{escape(draw(_field))}</title><link>{escape(draw(_link))}</link>"
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
    doc = f"{head}<channel>{channel}{''.join(items)}</channel></rss>"
    if draw(st.booleans()):  # truncated or damaged documents happen
        cut = draw(st.integers(0, len(doc)))
        doc = doc[:cut] + draw(st.text(max_size=10))
    return doc.encode("utf-8")


@st.composite
def atom_document(draw: st.DrawFn) -> bytes:
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        entries.append(
            "<entry>"
            f"<id>{escape(draw(_link))}</id><title>{escape(draw(_field))}</title>"
            f'<link href="{escape(draw(_link), {chr(34): "&quot;"})}"/>'
            f"<updated>{escape(draw(_date_strings))}</updated>"
            f'<content type="html">{escape(draw(_field))}</content>'
            "</entry>"
        )
    doc = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{"".join(entries)}</feed>'
    return doc.encode("utf-8")


_json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
)


@st.composite
def json_feed_document(draw: st.DrawFn) -> bytes:
    items = []
    for _ in range(draw(st.integers(0, 4))):
        item: dict[str, object] = {}
        for key in (
            "id",
            "url",
            "title",
            "content_text",
            "content_html",
            "summary",
            "date_published",
            "date_modified",
            "language",
        ):
            if draw(st.booleans()):
                item[key] = draw(st.one_of(_field, _link, _date_strings, _json_scalar))
        if draw(st.booleans()):
            item["authors"] = draw(
                st.lists(st.one_of(st.fixed_dictionaries({"name": _json_scalar}), _json_scalar), max_size=3)
            )
        items.append(item)
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": draw(_field),
        "items": items,
    }
    if draw(st.booleans()):
        feed["home_page_url"] = draw(_link)
    if draw(st.booleans()):
        feed["items"] = draw(_json_scalar)  # a wrong type where a list belongs
    return json.dumps(feed).encode("utf-8")


feed_bytes = st.one_of(rss_document(), atom_document(), json_feed_document(), st.binary(max_size=300))

_article_keys = [
    "id",
    "url",
    "title",
    "text",
    "published",
    "fetched_at",
    "summary",
    "authors",
    "language",
    "source_feed",
    "source_site",
    "connector",
    "updated",
    "published_is_fallback",
    "duplicate_of",
]


@st.composite
def article_json(draw: st.DrawFn) -> bytes:
    data: dict[str, object] = {}
    for key in _article_keys:
        if draw(st.booleans()):
            data[key] = draw(
                st.one_of(_field, _date_strings, _json_scalar, st.lists(_json_scalar, max_size=2))
            )
    return json.dumps(data).encode("utf-8")


@st.composite
def jsonl_document(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.one_of(article_json(), st.binary(max_size=40)), max_size=4))
    return b"\n".join(lines)


spool_bytes = st.one_of(
    text_bytes,
    jsonl_document(),
    st.binary(max_size=300),
    st.sampled_from([b"<html><head><title>T</title></head><body><p>x</p></body></html>"]),
)
