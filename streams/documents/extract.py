"""Main-text extraction from HTML pages, so navigation, share buttons and forms never reach the detectors."""

from __future__ import annotations

import html as html_lib
import logging
import re

import trafilatura

log = logging.getLogger(__name__)

_SCRIPTS = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCKS = re.compile(r"<\s*(br|/p|/div|/h[1-6]|/li|/tr|/section|/article)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n\s*\n+")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


def strip_tags(markup: str) -> str:
    """Plain text from HTML without any parser: the fallback when extraction finds nothing."""
    text = _SCRIPTS.sub(" ", markup)
    text = _BLOCKS.sub("\n", text)
    text = html_lib.unescape(_TAGS.sub(" ", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def extract_main_text(markup: str, url: str | None = None) -> str:
    """The article's main text (trafilatura, precision-first); tag stripping if it finds nothing.

    No ``deduplicate``: trafilatura's duplicate filter is a process-wide cache, so the same page would
    lose paragraphs from its fourth extraction on; a page must give the same text every time.
    """
    if not markup.strip():
        return ""
    try:
        text = trafilatura.extract(
            markup,
            url=url,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            deduplicate=False,
        )
    except Exception as exc:  # trafilatura raises a variety of parser errors on hostile markup
        log.debug("trafilatura failed on %s: %s", url, exc)
        text = None
    return text.strip() if text else strip_tags(markup)


def html_title(markup: str) -> str:
    """The page's <title>, unescaped, or ""."""
    found = _TITLE.search(markup[:200_000])
    return _SPACES.sub(" ", html_lib.unescape(found.group(1))).strip() if found else ""
