"""Explain detection: read articles from files, folders, JSON lines or a URL, and say what fired and why.

For each input the report lists the events found with the evidence sentence and the pattern that fired,
and the near-misses with the reason they were rejected. The JSON form (one document per input) is
documented in docs/detection.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import Message
from pathlib import Path
from typing import Any

import orjson

from streams.detect.codes import cameo_label
from streams.detect.engine import Detection, DetectionEngine
from streams.documents.extract import extract_main_text, html_title
from streams.documents.loader import article_from_document, load_documents
from streams.net.client import fetch_blocking
from streams.records import Article, Event
from streams.settings.connectors import ConnectorSettings

FETCH_TIMEOUT_SECONDS = 10.0
FETCH_MAX_BYTES = 2_000_000
FETCH_USER_AGENT = "newswatch-explain/0.1"


def html_to_text(markup: str) -> tuple[str, str]:
    """(title, main text) of an HTML page, as the pipeline extracts it (``streams.documents``)."""
    return html_title(markup), extract_main_text(markup)


def fetch_page(
    url: str,
    timeout: float = FETCH_TIMEOUT_SECONDS,
    max_bytes: int = FETCH_MAX_BYTES,
    allow_private: bool = False,
) -> tuple[bytes, str | None]:
    """The body of ``url`` and its declared charset, fetched through the pipeline's SSRF guard
    (``streams.net``, every redirect re-checked) with a timeout and a size cap; FetchError otherwise."""
    limits = ConnectorSettings(
        user_agent=FETCH_USER_AGENT,
        connect_timeout_seconds=timeout,
        read_timeout_seconds=timeout,
        total_timeout_seconds=timeout,
    )
    result = fetch_blocking(url, limits, allow_private=allow_private, max_bytes=max_bytes)
    message = Message()
    message["content-type"] = result.content_type or "text/html"
    return result.body, message.get_content_charset()


def fetch_url(
    url: str,
    timeout: float = FETCH_TIMEOUT_SECONDS,
    max_bytes: int = FETCH_MAX_BYTES,
    allow_private: bool = False,
) -> str:
    """The body of ``url`` as text (``fetch_page``, decoded with its declared charset)."""
    body, charset = fetch_page(url, timeout, max_bytes, allow_private)
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # an unknown charset name
        return body.decode("utf-8", errors="replace")


def load_inputs(
    target: str, published: date | None = None, allow_private: bool = False
) -> Iterator[tuple[str, Article]]:
    """(input name, article) for a file, a folder (its files, sorted), JSON lines of articles, or a URL.

    Files are read as the spool connector reads them (``streams.documents.loader``: extraction,
    charset, ``.meta.json`` sidecars, the date the document states). ``published`` dates the inputs
    that carry no date. ``allow_private`` lets a URL reach private and loopback addresses.
    """
    if target.startswith(("http://", "https://")):
        body, charset = fetch_page(target, allow_private=allow_private)
        meta: dict[str, Any] = {"url": target, "charset": charset}
        now = datetime.now(UTC)
        articles = [article_from_document(target, body, meta, now, now.timestamp(), html=True)]
        named = [(target, article) for article in articles]
    else:
        named = list(load_documents(Path(target)))
    for name, article in named:
        if published is not None and article.published_is_fallback:
            noon = datetime(published.year, published.month, published.day, 12, tzinfo=UTC)
            article = article.replace(published=noon, published_is_fallback=False)
        yield name, article


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
            "covered_by": list(detection.covered_by),  # empty: no detector reads the language
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
        f"   detectors: {', '.join(detection.covered_by)}"
        if detection.covered_by
        else f"   UNDETECTED: no detector reads language {detection.language!r}; nothing was looked for",
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
