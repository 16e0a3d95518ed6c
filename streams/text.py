"""Text normalisation applied to every article before dedupe and detection.

Repairs the commonest mojibake (UTF-8 read as Windows-1252, e.g. ``ErdoÄŸan`` -> ``Erdoğan``),
normalises Unicode to NFC, drops control characters and collapses runs of blank space while keeping
paragraph breaks, so the later stages see one spelling of the same text.
"""

from __future__ import annotations

import re
import unicodedata

from streams.records import Article

# A lead byte of a multi-byte UTF-8 sequence followed by continuation bytes, as Windows-1252 shows them.
_CP1252_CONTINUATION = (
    "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE = re.compile(f"[\xc2-\xf4][{_CP1252_CONTINUATION}]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_OTHER_BLANKS = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")  # every blank _SPACES takes but " "
_BLANK_LINES = re.compile(r"\n\s*\n+")
_ASCII_CONTROLS = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F])  # every one but the line break "\n"
MAX_TEXT_CHARS = 200_000


def _repair_run(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        return run.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


def repair_mojibake(text: str) -> str:
    """Undo UTF-8-as-Windows-1252 damage where the bytes decode cleanly; leave other text alone."""
    if "Ã" not in text and "Ä" not in text and "Å" not in text and "â€" not in text and "Â" not in text:
        return text
    return _MOJIBAKE.sub(_repair_run, text)


MAX_NORMALISE_ROUNDS = 32  # each changing round shortens the text; mojibake nests about log2(length) deep


def normalize_text(text: str) -> str:
    """NFC, repaired mojibake, no control characters, single spaces, at most one blank line in a row.

    Idempotent: repairing one layer of mojibake, or dropping a control character inside a damaged run,
    can reveal more damage, so text that still looks damaged is normalised again until it is stable.
    """
    once = _normalize_once(text[:MAX_TEXT_CHARS])
    for _ in range(MAX_NORMALISE_ROUNDS):
        if once.isascii() or repair_mojibake(once) == once:
            break
        again = _normalize_once(once)
        if again == once:
            break
        once = again
    return once


def _normalize_once(text: str) -> str:
    """One pass of ``normalize_text`` (the steps in order)."""
    if not text.isascii():  # ASCII is in NFC and holds no mojibake
        text = unicodedata.normalize("NFC", repair_mojibake(text))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _is_plain(text):
        # The common case: nothing to drop and no blank but " ", so only runs of spaces may need work.
        if "  " in text:
            # Each run of spaces as one; the text's first and last spaces go too, as the strips below do.
            text = " ".join(filter(None, text.split(" ")))
    else:
        text = _CONTROL.sub("", text)
        # Most texts have no run of blanks and no blank but " ": skip the substitution (the costliest step).
        if "  " in text or ("\t" in text if text.isascii() else _OTHER_BLANKS.search(text) is not None):
            text = _SPACES.sub(" ", text)
    text = "\n".join([line.strip() for line in text.split("\n")])
    # Lines are stripped, so white space between two line breaks is line breaks: three in a row is a run.
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _is_plain(text: str) -> bool:
    """True when ``text`` holds no control character but line breaks and no blank but " " (fast tests).

    An ASCII text's bytes once those characters are deleted are as many as before; otherwise every line
    must be printable (control characters and every blank but " " are not, nor are a few more).
    """
    if text.isascii():
        return len(text.encode().translate(None, _ASCII_CONTROLS)) == len(text)
    return all(map(str.isprintable, text.split("\n")))


def normalize_article(article: Article) -> Article:
    """The article with its title, summary and text normalised (itself when they already are)."""
    title = normalize_text(article.title)
    summary = normalize_text(article.summary)
    text = normalize_text(article.text)
    if title == article.title and summary == article.summary and text == article.text:
        return article
    return article.replace(title=title, summary=summary, text=text)
