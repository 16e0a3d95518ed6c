"""Feed documents (bytes our own client fetched) to Articles: RSS 0.9x/1.0/2.0 and Atom via feedparser,
JSON Feed 1.0/1.1 via orjson (feedparser 6 does not read JSON Feed).

Hostile XML is defused before feedparser sees it: an internal DTD subset (entity declarations, the
billion-laughs and external-entity tricks) is cut out, so nothing is expanded or fetched.
"""

from __future__ import annotations

import calendar
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import orjson

from connectors.extract import text_from_html_fragment
from connectors.urls import canonical_url, host_of
from streams.errors import ParseError
from streams.records import Article, parse_time, stable_id

log = logging.getLogger(__name__)

CONNECTOR = "rss"
_DOCTYPE_HEAD = re.compile(rb"<!doctype", re.IGNORECASE)
_DOCTYPE_WITH_SUBSET = re.compile(rb"<!doctype[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
_ENTITY_DECL = re.compile(rb"<!entity[^>]*>", re.IGNORECASE)
_URL_LIKE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\w.])[+-]?(\d{4,})(?!\w)")
# JSON Feed's version as readers accept it: the canonical URL, or another spelling of it (http, www.,
# a trailing slash) or the bare number ("1.1"), which are taken with a note.
_JSON_FEED_VERSION = re.compile(
    r"^(?:https?://(?:www\.)?jsonfeed\.org/version/)?v?(1(?:\.\d{1,2})?)/?$", re.I
)
JSON_FEED_CANONICAL = "https://jsonfeed.org/version/"
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(slots=True)
class FeedEntry:
    """One entry, format-neutral, before it becomes an Article."""

    guid: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""
    content: str = ""
    authors: tuple[str, ...] = ()
    language: str | None = None
    published: datetime | None = None
    updated: datetime | None = None


@dataclass(slots=True)
class ParsedFeed:
    """A parsed feed document: its format, metadata, entries and any malformation noted."""

    format: str
    title: str = ""
    site_url: str = ""
    language: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def bozo(self) -> bool:
        return bool(self.problems)


def defuse_xml(body: bytes) -> tuple[bytes, str | None]:
    """Remove an internal DTD subset and stray entity declarations; says what it removed, if anything."""
    head = _DOCTYPE_HEAD.search(body, 0, 1 << 20)
    note = None
    if head is not None:
        match = _DOCTYPE_WITH_SUBSET.match(body, head.start())
        if match is not None:
            body = body[: match.start()] + body[match.end() :]
            note = "internal DTD subset removed (entity declarations are not expanded)"
    if _ENTITY_DECL.search(body, 0, 1 << 20):
        body = _ENTITY_DECL.sub(b"", body)
        note = note or "entity declarations removed"
    return body, note


def _language(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _struct_time(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _entry_time(entry: Any, key: str, problems: list[str]) -> datetime | None:
    """One of feedparser's entry dates, or None with a note if it is absent, unreadable or out of range.

    feedparser reads ``10000-01-01`` as 2010-12-01: a date whose written year is not the parsed one
    (a year apart at most, for time zones) is refused rather than trusted.
    """
    raw = entry.get(key)
    if not raw or not isinstance(raw, str):
        return None
    moment = _struct_time(entry.get(f"{key}_parsed"))
    year = _YEAR.search(raw)
    if moment is None or (year is not None and abs(int(year.group(1)) - moment.year) > 1):
        problems.append(
            f"entry {_label(entry)}: {key} date {raw[:64]!r} is unreadable or out of range; ignored"
        )
        return None
    return moment


def _label(entry: Any) -> str:
    return repr(str(entry.get("id") or entry.get("link") or entry.get("title") or "(untitled)")[:80])


def _authors(entry: Any) -> tuple[str, ...]:
    names: list[str] = []
    for author in entry.get("authors") or ():
        name = author.get("name") if isinstance(author, dict) else None
        if name and name not in names:
            names.append(str(name).strip())
    if not names and entry.get("author"):
        names.append(str(entry["author"]).strip())
    return tuple(n for n in names if n)


def as_text(value: Any, content_type: Any = None) -> str:
    """A feed field as plain text, by the type feedparser reports for it: markup (``text/html``,
    ``application/xhtml+xml``, or no type known) is reduced to text; ``text/plain`` is kept as written,
    so ``Inflation <2% while unemployment >5%`` loses nothing."""
    text = str(value or "")
    if isinstance(content_type, str) and content_type and "html" not in content_type.lower():
        return text.strip()
    return text_from_html_fragment(text)


def _detail_type(entry: Any, key: str) -> Any:
    detail = entry.get(f"{key}_detail")
    return detail.get("type") if isinstance(detail, dict) else None


def _content(entry: Any) -> tuple[str, str | None]:
    best = ""
    best_type = None
    language = None
    for part in entry.get("content") or ():
        value = str(part.get("value") or "")
        if len(value) > len(best):
            best = value
            best_type = part.get("type")
            language = part.get("language")
    return as_text(best, best_type), _language(language)


def parse_xml_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """RSS/Atom bytes through feedparser (no network: it is given bytes)."""
    body, note = defuse_xml(body)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # Sanitising and URI rewriting inside HTML are wasted work: every fragment is reduced to plain text.
    parsed = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    problems = [note] if note else []
    if parsed.get("bozo"):
        problems.append(f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}")
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        raise ParseError(f"{url}: not a feed ({'; '.join(problems) or 'no feed elements'})")
    meta = parsed.get("feed", {})
    feed_language = _language(meta.get("language"))
    result = ParsedFeed(
        format=version or "unknown",
        title=str(meta.get("title") or ""),
        site_url=str(meta.get("link") or ""),
        language=feed_language,
        problems=problems,
    )
    for entry in parsed.entries:
        content, content_language = _content(entry)
        published = _entry_time(entry, "published", problems)
        if published is None and not entry.get("published"):
            published = _entry_time(entry, "created", problems)
        result.entries.append(
            FeedEntry(
                guid=str(entry.get("id") or "").strip(),
                link=str(entry.get("link") or "").strip(),
                title=as_text(entry.get("title"), _detail_type(entry, "title")),
                summary=as_text(entry.get("summary"), _detail_type(entry, "summary")),
                content=content,
                authors=_authors(entry),
                language=content_language or _language(entry.get("language")),
                published=published,
                updated=_entry_time(entry, "updated", problems),
            )
        )
    return result


def _json_time(item: dict[str, Any], key: str, problems: list[str]) -> datetime | None:
    """An item's RFC 3339 date, or None with a note if it is not one or is out of range."""
    value = item.get(key)
    if value is None or value == "":
        return None
    try:
        return parse_time(value) if isinstance(value, str) else parse_time(str(value))
    except (TypeError, ValueError) as exc:
        label = repr(str(item.get("id") or item.get("url") or "(no id)")[:80])
        problems.append(f"item {label}: {key} {str(value)[:64]!r} ignored ({exc})")
        return None


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) bytes."""
    try:
        data = orjson.loads(body.decode("utf-8", errors="replace"))
    except orjson.JSONDecodeError as exc:
        raise ParseError(f"{url}: JSON feed is not valid JSON: {exc}") from exc
    version = data.get("version") if isinstance(data, dict) else None
    number = _JSON_FEED_VERSION.match(version.strip()) if isinstance(version, str) else None
    if number is None:
        raise ParseError(f"{url}: JSON document is not a JSON Feed (no jsonfeed.org version)")
    note = None
    if version != JSON_FEED_CANONICAL + number.group(1):
        note = f"JSON Feed version {str(version)[:60]!r} is not the canonical URL; read as {number.group(1)}"
        log.info("%s: %s", url, note)
    items = data.get("items")
    if not isinstance(items, list):
        raise ParseError(f"{url}: JSON Feed has no items list")
    result = ParsedFeed(
        format="json" + number.group(1).replace(".", ""),
        title=str(data.get("title") or ""),
        site_url=str(data.get("home_page_url") or ""),
        language=_language(data.get("language")),
        problems=[note] if note else [],
    )
    for item in items:
        if not isinstance(item, dict):
            result.problems.append("an item is not an object")
            continue
        raw_authors = item.get("authors") or (
            [item["author"]] if isinstance(item.get("author"), dict) else []
        )
        authors = tuple(str(a["name"]) for a in raw_authors if isinstance(a, dict) and a.get("name"))
        html = str(item.get("content_html") or "")
        content = text_from_html_fragment(html) if html else str(item.get("content_text") or "").strip()
        link = item.get("url") or item.get("external_url") or ""
        result.entries.append(
            FeedEntry(
                guid=str(item.get("id") or "").strip(),
                link=canonical_url(str(link), base=url) if link else "",
                title=str(item.get("title") or "").strip(),
                summary=str(item.get("summary") or "").strip(),  # plain text in JSON Feed
                content=content,
                authors=authors,
                language=_language(item.get("language")),
                published=_json_time(item, "date_published", result.problems),
                updated=_json_time(item, "date_modified", result.problems),
            )
        )
    return result


def looks_like_json(body: bytes, content_type: str) -> bool:
    """JSON Feed by media type or by its first non-blank byte."""
    if "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Any supported feed format; ParseError if the bytes are not a feed at all."""
    if looks_like_json(body, content_type):
        return parse_json_feed(body, url)
    return parse_xml_feed(body, url, content_type)


def entry_id(entry: FeedEntry, feed_url: str, canonical_link: str) -> str:
    """Stable id: the GUID (URL-like GUIDs on their own, others scoped to the feed), else the canonical
    link, else a hash of the entry's text."""
    if entry.guid:
        if _URL_LIKE.match(entry.guid):
            return stable_id(canonical_url(entry.guid))
        return stable_id(canonical_url(feed_url), entry.guid)
    if canonical_link:
        return stable_id(canonical_link)
    return stable_id(canonical_url(feed_url), entry.title, entry.summary, entry.content)


def entry_problem(entry: FeedEntry) -> str | None:
    """Why an entry cannot become an article, or None."""
    if not (entry.title or entry.summary or entry.content):
        return "entry has no title, summary or content"
    return None


def to_article(
    entry: FeedEntry,
    feed: ParsedFeed,
    *,
    feed_url: str,
    fetched_at: datetime,
    language: str | None = None,
    source_site: str = "",
    speaker: str | None = None,
) -> Article:
    """One Article from an entry; published falls back to the fetch time (flagged) if missing or absurd."""
    link = canonical_url(entry.link, base=feed_url) if entry.link else ""
    if not link and entry.guid and _URL_LIKE.match(entry.guid):
        link = canonical_url(entry.guid)
    article_id = entry_id(entry, feed_url, link)
    published = entry.published or entry.updated
    fallback = published is None or published > fetched_at + FUTURE_TOLERANCE
    return Article(
        id=article_id,
        url=link or f"urn:newswatch:{article_id}",
        title=entry.title,
        text=entry.content or entry.summary,
        published=fetched_at if fallback or published is None else published,
        fetched_at=fetched_at,
        published_is_fallback=fallback,
        updated=entry.updated,
        summary=entry.summary,
        authors=entry.authors,
        language=entry.language or feed.language or language,
        source_feed=feed_url,
        source_site=source_site or host_of(feed.site_url) or host_of(feed_url),
        connector=CONNECTOR,
        speaker=speaker,
    )
