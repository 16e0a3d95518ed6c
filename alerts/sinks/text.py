"""Escaping and size limits for chat sinks: untrusted text must never become a mention or a link."""

from __future__ import annotations

import re
import unicodedata
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
    """``escape(raw)`` cut to at most ``limit`` characters, never inside an escape or a character's
    marks (an Arabic letter keeps its vowel signs, an emoji its joiners), ending in '…'."""
    text = escape(raw)
    if len(text) <= limit:
        return text
    keep = len(raw)
    while keep > 0:
        keep -= max(1, len(text) - limit + len(ELLIPSIS))
        while 0 < keep < len(raw) and (_continues_cluster(raw[keep]) or raw[keep - 1] == "\u200d"):
            keep -= 1  # the first character cut off belongs to the one before: cut before that one
        text = escape(raw[: max(keep, 0)]).rstrip(_JOINERS) + ELLIPSIS
        if len(text) <= limit:
            return text
    return ELLIPSIS[:limit]


_JOINERS = "\u200d\u200c\ufe0f\ufe0e"
# Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, NKo, and their presentation forms).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def _continues_cluster(char: str) -> bool:
    return bool(unicodedata.combining(char)) or char in _JOINERS or unicodedata.category(char) == "Mn"


def isolate(text: str) -> str:
    """Text with right-to-left letters wrapped in a first-strong isolate, so an Arabic quote reads right
    to left inside a left-to-right message without dragging the punctuation and labels around it."""
    if not _RTL.search(text):
        return text
    return FIRST_STRONG_ISOLATE + text + POP_DIRECTIONAL_ISOLATE


def fit_quote(raw: str, limit: int, escape: Callable[[str], str] = lambda s: s) -> str:
    """``fit`` for quoted text in any script: cut first, then isolated (an isolate is never cut open)."""
    return isolate(fit(oneline(raw), limit - 2, escape))


def safe_url(url: str) -> str | None:
    """An http(s) URL with characters that could break chat link syntax percent-encoded, else None."""
    if not is_web_link(url):
        return None
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


def oneline(text: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces."""
    return " ".join(text.split())
