"""Explain detection: read articles from files, folders, JSON lines or a URL, and say what fired and why.

For each input the report lists the events found with the evidence sentence and the pattern that fired,
and the near-misses with the reason they were rejected. The JSON form (one document per input) is
documented in docs/detection.md.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import orjson

from streams.detect.codes import cameo_label
from streams.detect.engine import Detection, DetectionEngine
from streams.errors import RecordError
from streams.net.client import fetch_blocking
from streams.records import Article, Event, stable_id
from streams.settings.connectors import ConnectorSettings

FETCH_TIMEOUT_SECONDS = 10.0
FETCH_MAX_BYTES = 2_000_000
FETCH_USER_AGENT = "newswatch-explain/0.1"
_TEXT_SUFFIXES = {".txt", ".text"}
_HTML_SUFFIXES = {".html", ".htm"}
_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "section",
    "article",
    "figcaption",
}
_BLANK_LINES = re.compile(r"\n\s*\n\s*(?:\n\s*)+")


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page, one block element per line; scripts and styles dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, str]:
    """(title, visible text) of an HTML document."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = "\n".join(line.strip() for line in text.splitlines())
    return " ".join(parser.title.split()), _BLANK_LINES.sub("\n\n", lines).strip()


def _published(day: date | None, fallback: datetime) -> tuple[datetime, bool]:
    if day is not None:
        return datetime(day.year, day.month, day.day, 12, tzinfo=UTC), False
    return fallback, True


def _article_from_text(source: str, text: str, title: str, day: date | None, fallback: datetime) -> Article:
    published, is_fallback = _published(day, fallback)
    return Article(
        id=stable_id(source, text[:2000]),
        url=source,
        title=title,
        text=text,
        published=published,
        published_is_fallback=is_fallback,
    )


def fetch_url(
    url: str,
    timeout: float = FETCH_TIMEOUT_SECONDS,
    max_bytes: int = FETCH_MAX_BYTES,
    allow_private: bool = False,
) -> str:
    """The body of ``url`` as text, fetched through the pipeline's SSRF guard (``streams.net``, every
    redirect re-checked) with a timeout and a size cap; FetchError otherwise."""
    limits = ConnectorSettings(
        user_agent=FETCH_USER_AGENT,
        connect_timeout_seconds=timeout,
        read_timeout_seconds=timeout,
        total_timeout_seconds=timeout,
    )
    result = fetch_blocking(url, limits, allow_private=allow_private, max_bytes=max_bytes)
    message = Message()
    message["content-type"] = result.content_type or "text/html"
    charset = message.get_content_charset() or "utf-8"
    try:
        return result.body.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return result.body.decode("utf-8", errors="replace")


def load_inputs(
    target: str, published: date | None = None, allow_private: bool = False
) -> Iterator[tuple[str, Article]]:
    """(input name, article) for a file, a folder (its files, sorted), a .jsonl of Article dicts, or a URL.

    Without ``published`` a text or HTML input is dated now and marked ``published_is_fallback``.
    ``allow_private`` lets a URL reach private and loopback addresses (never cloud metadata).
    """
    now = datetime.now(UTC)
    if target.startswith(("http://", "https://")):
        title, text = html_to_text(fetch_url(target, allow_private=allow_private))
        yield target, _article_from_text(target, text, title, published, now)
        return
    path = Path(target)
    if path.is_dir():
        for child in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")):
            if child.suffix.lower() in _TEXT_SUFFIXES | _HTML_SUFFIXES | _JSONL_SUFFIXES:
                yield from load_inputs(str(child), published)
        return
    if not path.is_file():
        raise FileNotFoundError(f"no such file or folder: {target}")
    suffix = path.suffix.lower()
    raw = path.read_text(encoding="utf-8", errors="replace")
    if suffix in _JSONL_SUFFIXES:
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                article = Article.from_json(line)
            except RecordError as exc:
                raise RecordError(f"{path}:{number}: {exc}") from exc
            if published is not None:
                article = article.replace(published=_published(published, now)[0])
            yield f"{path}:{number}", article
        return
    if suffix in _HTML_SUFFIXES:
        title, text = html_to_text(raw)
    else:
        title, text = "", raw
    yield str(path), _article_from_text(path.resolve().as_uri(), text, title, published, now)


def _participants(event: Event) -> str:
    parts = []
    for p in event.participants:
        role = " ".join(x for x in (p.country, (p.office or "").replace("_", " ")) if x)
        parts.append(f"{p.name} ({role})" if role else p.name)
    return " – ".join(parts) or (event.conflict or "?")


def explain_document(
    name: str, article: Article, detection: Detection, engine: DetectionEngine
) -> dict[str, Any]:
    """The JSON document for one input (format in docs/detection.md)."""
    return {
        "input": name,
        "article": {
            "id": article.id,
            "url": article.url,
            "title": article.title,
            "published": article.published.isoformat(),
            "published_is_fallback": article.published_is_fallback,
            "language": detection.language,
        },
        "detectors": {
            **{d.name: sorted(d.languages) for d in engine.detectors if d.name != "rules"},
            "rules": len(engine.rules),
        },
        "events": [
            {**event.to_dict(), "why": {"rule": event.rule, "sentence": event.evidence[0].sentence}}
            for event in detection.events
        ],
        "near_misses": [
            {"sentence": m.sentence, "rule": m.rule, "reason": m.reason} for m in detection.near_misses
        ],
    }


def render_text(name: str, article: Article, detection: Detection) -> str:
    """A human-readable explanation of one input."""
    fallback = " (fallback: no date given)" if article.published_is_fallback else ""
    lines = [
        f"== {name}",
        f"   published {article.published.date()}{fallback}, language {detection.language}",
    ]
    if not detection.events:
        lines.append("   no events")
    for event in detection.events:
        alleged = " (alleged)" if event.alleged else ""
        lines.append(f"EVENT {event.type}{alleged} {event.date}  {_participants(event)}")
        if event.cameo:
            mode = f"/{event.plover_mode}" if event.plover_mode else ""
            lines.append(
                f"   codes: CAMEO {event.cameo} ({cameo_label(event.cameo)}), "
                f"PLOVER {event.plover_category}{mode}"
            )
        if event.initiator:
            lines.append(f"   initiator: {event.initiator}")
        if event.topics:
            lines.append(f"   topics: {', '.join(event.topics)}")
        lines.append(f"   rule: {event.rule}")
        lines.append(f'   evidence: "{event.evidence[0].sentence}"')
    for miss in detection.near_misses:
        lines.append(f"NEAR MISS [{miss.reason}] {miss.rule}")
        if miss.sentence:
            lines.append(f'   "{miss.sentence}"')
    return "\n".join(lines)


def explain(
    engine: DetectionEngine,
    targets: list[str],
    as_json: bool = False,
    published: date | None = None,
    allow_private: bool = False,
) -> Iterator[str]:
    """One rendered block (text) or one JSON line per input article."""
    for target in targets:
        for name, article in load_inputs(target, published, allow_private):
            detection = engine.detect(article)
            if as_json:
                yield orjson.dumps(explain_document(name, article, detection, engine)).decode()
            else:
                yield render_text(name, article, detection)
