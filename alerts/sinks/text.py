"""Escaping and size limits for chat sinks: untrusted text must never become a mention or a link."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from alerts.payload import is_web_link

ELLIPSIS = "…"
_MD_SPECIALS = "\\`*_~|>[]()#<@!:"


def slack_escape(text: str) -> str:
    """Slack's control characters as entities, so <!channel>, <@U1> and <url|x> stay plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_escape(text: str) -> str:
    """Backslash-escape Markdown specials (Discord, Teams) so headlines cannot format or link."""
    return "".join("\\" + ch if ch in _MD_SPECIALS else ch for ch in text)


def fit(raw: str, limit: int, escape: Callable[[str], str] = lambda s: s) -> str:
    """``escape(raw)`` cut to at most ``limit`` characters, never inside an escape, ending in '…'."""
    text = escape(raw)
    if len(text) <= limit:
        return text
    keep = len(raw)
    while keep > 0:
        keep -= max(1, len(text) - limit + len(ELLIPSIS))
        text = escape(raw[: max(keep, 0)]) + ELLIPSIS
        if len(text) <= limit:
            return text
    return ELLIPSIS[:limit]


def safe_url(url: str) -> str | None:
    """An http(s) URL with characters that could break chat link syntax percent-encoded, else None."""
    if not is_web_link(url):
        return None
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


def oneline(text: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces."""
    return " ".join(text.split())
