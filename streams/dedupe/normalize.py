"""Text normalisation for dedupe: one spelling per word, page chrome dropped, so copies compare equal.

Pure and cheap: the streaming path calls ``dedupe_body`` once per article. ``normalize_text`` is the
human-readable form (quotes, dashes and spaces unified) used by the offline tools.
"""

from __future__ import annotations

import re
import unicodedata

from streams.records import Article

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2033": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-",
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
_SENTENCE_END = ".!?\u2026"
# Phrases that mark a short line as site chrome even when it reads like a sentence.
CHROME_PHRASES = (
    "newsletter", "sign up", "subscribe", "all rights reserved", "copyright", "cookie", "click here",
    "follow us", "share this", "advertisement", "read more", "related articles", "terms of use",
)  # fmt: skip
_CLOSERS = "\"')]\u201d\u2019\u00bb*"


def normalize_text(text: str) -> str:
    """NFKC, lower case, straight quotes, ASCII hyphens, single spaces: the readable normal form."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)
    return _SPACES.sub(" ", folded).strip()


def word_string(text: str) -> str:
    """Lower-case NFKC words joined by single spaces; punctuation, quotes and layout are gone."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _NON_WORD.sub(" ", folded).strip()


def fold_case(text: str) -> str:
    """Lower case and NFKC, skipping NFKC when the text is already in that form (the common case)."""
    text = text.lower()
    if text.isascii():
        return text
    text = text.replace("\u00a0", " ").replace("\u2026", "...")
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def body_candidates(
    lines: list[str], min_words: int, long_line_words: int
) -> tuple[list[str | None], list[int], int]:
    """The stripped lines that read as prose by their shape: (kept lines, indexes in ``kept`` of the short
    ones, which are chrome if they hold a chrome phrase, words kept). A long line is prose; a short one
    must end like a sentence. One call per text: ``strip_chrome`` runs it on every article."""
    kept: list[str | None] = []
    sentences: list[int] = []
    kept_words = 0
    for line in lines:
        words = line.count(" ") + 1  # stripped lines: runs of spaces only over-count chrome
        if words < long_line_words:
            if words < min_words or line.rstrip(_CLOSERS)[-1:] not in _SENTENCE_END:
                continue
            sentences.append(len(kept))
        kept.append(line)
        kept_words += words
    return kept, sentences, kept_words


def is_body_line(line: str, *, min_words: int, long_line_words: int) -> bool:
    """Whether a line reads as article prose rather than chrome (menus, share bars, headings, bylines)."""
    kept, sentences, _ = body_candidates([line], min_words, long_line_words)
    if not kept or not sentences:
        return bool(kept)
    lowered = line.lower()  # a short sentence: chrome if it reads like a call to action or legal line
    return not any(phrase in lowered for phrase in CHROME_PHRASES)


def strip_chrome(
    text: str, *, min_words: int = 6, long_line_words: int = 25, min_body_words: int = 25
) -> str:
    """The prose lines of ``text``; the whole text when too little prose would remain.

    A line starting in lower case after a line without sentence-final punctuation continues it
    (hard-wrapped prose), so wrapped paragraphs are judged whole.
    """
    if "\n" not in text:
        return text
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if lines and line[0].islower() and lines[-1].rstrip(_CLOSERS)[-1:] not in _SENTENCE_END:
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    kept, sentences, kept_words = body_candidates(lines, min_words, long_line_words)  # is_body_line's test
    if sentences:
        kept_words -= _drop_chrome_sentences(text, kept, sentences)
    if kept_words < min_body_words:
        return text
    return "\n".join([line for line in kept if line is not None])


def _drop_chrome_sentences(text: str, kept: list[str | None], sentences: list[int]) -> int:
    """Set the short ``kept`` lines that read as calls to action or legal lines to None; returns their words.

    One search over all the short lines together settles the common case (no chrome phrase at all).
    Only phrases that also occur in the text as written count, not ones a re-joined hard wrap made.
    """
    together = "\n".join([kept[index] or "" for index in sentences]).lower()
    found = [phrase for phrase in CHROME_PHRASES if phrase in together]
    if not found:
        return 0
    lowered = text.lower()
    dropped = 0
    for index in sentences:
        line = kept[index] or ""
        line_lowered = line.lower()
        if any(phrase in line_lowered and phrase in lowered for phrase in found):
            kept[index] = None
            dropped += line.count(" ") + 1
    return dropped


def article_text(article: Article) -> str:
    """The text dedupe compares: the body, else the summary, else the title."""
    return (
        article.text
        if article.text.strip()
        else (article.summary if article.summary.strip() else article.title)
    )


def dedupe_body(
    text: str,
    *,
    strip: bool = True,
    min_words: int = 6,
    long_line_words: int = 25,
    min_body_words: int = 25,
) -> str:
    """The text dedupe hashes: chrome stripped (optionally) and case-folded (punctuation still in)."""
    if strip:
        text = strip_chrome(
            text, min_words=min_words, long_line_words=long_line_words, min_body_words=min_body_words
        )
    return fold_case(text)
