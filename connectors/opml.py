"""OPML subscription lists (what feed readers export) to FeedSettings, parsed without entity expansion."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from connectors.urls import canonical_url, host_of
from streams.errors import ParseError
from streams.settings.connectors import FeedSettings

MAX_OPML_BYTES = 10 * 1024 * 1024


def _outlines(node: Element) -> list[Element]:
    return [child for child in node.iter() if child.tag.rsplit("}", 1)[-1].lower() == "outline"]


def parse_opml(data: bytes, interval_seconds: float = 300.0) -> list[FeedSettings]:
    """Every outline with an ``xmlUrl`` (nested folders included), first occurrence of a URL kept."""
    if len(data) > MAX_OPML_BYTES:
        raise ParseError(f"OPML document is larger than {MAX_OPML_BYTES} bytes")
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise ParseError(f"not a usable OPML document: {exc}") from exc
    root_name = root.tag.rsplit("}", 1)[-1]
    if root_name.lower() != "opml":
        kind = " (an RDF/FOAF file)" if root_name == "RDF" else ""
        raise ParseError(
            f"not an OPML document: its root element is <{root_name[:40]}>{kind}, not <opml>; "
            "export the subscriptions from the feed reader as OPML"
        )
    feeds: dict[str, FeedSettings] = {}
    for outline in _outlines(root):
        attrs = {k.lower(): v for k, v in outline.attrib.items()}
        url = (attrs.get("xmlurl") or "").strip()
        if not url.lower().startswith(("http://", "https://")):
            continue
        key = canonical_url(url)
        if key in feeds:
            continue
        name = (attrs.get("title") or attrs.get("text") or host_of(url)).strip()
        feeds[key] = FeedSettings(url=url, name=name[:80], interval_seconds=interval_seconds)
    return list(feeds.values())


def read_opml(path: str | Path) -> list[FeedSettings]:
    """Feeds from an OPML file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read {path}: {exc}") from exc
    return parse_opml(data)
