"""Tag an article's language cheaply (script + stopword counts), so non-English text passes through untouched.

No model download and microseconds per article: the detectors only need to know "English or not", and which
language to report for the rest. A feed-supplied ``Article.language`` always wins.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from itertools import chain
from typing import Any

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("the and of to in is that for on with was said by as at from his has have are it"),
    "fr": _words("le la les et des du un une est dans pour que qui sur avec au aux pas il elle a été"),
    "de": _words("der die das und ist nicht mit den dem von zu sich auf für ein eine auch es im wurde"),
    "es": _words("el la los las y de que en un una por con para se del al es lo como su fue"),
    "it": _words("il lo la gli le e di che un una per con non sono è del della al nel da si"),
    "pt": _words("o a os as e de que em um uma para com não do da no na por se foi ao"),
    "nl": _words("de het een en van in is dat op te zijn met voor niet aan er ook"),
    "tr": _words("ve bir bu da de ile için olarak çok daha gibi ama en olan ise"),
}
# Scripts that identify a language (or family) on their own.
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ru", re.compile(r"[\u0400-\u04FF]")),
    ("hy", re.compile(r"[\u0530-\u058F]")),
    ("ar", re.compile(r"[\u0600-\u06FF]")),
    ("he", re.compile(r"[\u0590-\u05FF]")),
    ("zh", re.compile(r"[\u4E00-\u9FFF]")),
    ("ja", re.compile(r"[\u3040-\u30FF]")),
    ("ko", re.compile(r"[\uAC00-\uD7AF]")),
    ("el", re.compile(r"[\u0370-\u03FF]")),
    ("ka", re.compile(r"[\u10A0-\u10FF]")),
)
_SAMPLE_CHARS = 1500
_TYPOGRAPHY = re.compile(
    "[\u00a0\u2009\u200a\u2010-\u2015\u2018\u2019\u201a\u201c\u201d\u201e\u2026\u00ab\u00bb]"
)
# ASCII text as bytes: letters kept, every other byte a space (so ``split`` yields ``_WORD``'s runs).
_LETTERS_ONLY = bytes(c if c < 128 and chr(c).isalpha() else 32 for c in range(256))
# The same as tables: each stopword -> the languages (indexes into _CODES) that list it.
_CODES = tuple(_STOPWORDS)
_LANGUAGES_OF: dict[str, tuple[int, ...]] = {
    word: tuple(i for i, code in enumerate(_CODES) if word in _STOPWORDS[code])
    for word in frozenset().union(*_STOPWORDS.values())
}
_LANGUAGES_OF_ASCII = {word.encode(): codes for word, codes in _LANGUAGES_OF.items() if word.isascii()}
_IS_STOPWORD = frozenset(_LANGUAGES_OF).__contains__
_IS_ASCII_STOPWORD = frozenset(_LANGUAGES_OF_ASCII).__contains__
# Characters outside ASCII that are not word characters: punctuation and spaces to ``_WORD`` too.
_NON_WORD_BEYOND_ASCII = re.compile(r"[^\w\x00-\x7f]")
_WORD_BEYOND_ASCII = re.compile(r"[^\W\x00-\x7f]")


def detect_language(text: str, declared: str | None = None) -> str | None:
    """An ISO 639-1 code for ``text`` (``declared`` wins when given); None when there is too little text."""
    if declared:
        return declared.split("-")[0].lower()
    sample = text[:_SAMPLE_CHARS]
    if not sample.isascii():
        # Curly quotes, dashes, no-break spaces and other non-word characters split words as spaces do,
        # and none is a word character once lower-cased: with only those beyond ASCII, a text takes the
        # fast path below (no word is then outside ASCII, so the stopword counts are the same).
        if _WORD_BEYOND_ASCII.search(sample) is None:  # found early in most texts that have one
            sample = _NON_WORD_BEYOND_ASCII.sub(" ", sample)
        else:
            sample = _TYPOGRAPHY.sub(" ", sample)
    if sample.isascii():
        # The common case, byte-wise: the same letter runs as ``_WORD`` finds, several times faster.
        ascii_words = sample.lower().encode("ascii").translate(_LETTERS_ONLY).split()
        if len(ascii_words) < 3:
            return None
        return _best_by_stopwords(Counter(filter(_IS_ASCII_STOPWORD, ascii_words)), _LANGUAGES_OF_ASCII)
    words = _WORD.findall(sample.lower())
    if len(words) < 3:
        return None
    if sum(map(str.isascii, words)) < len(words) / 2:
        counts: Counter[str] = Counter()
        for code, pattern in _SCRIPTS:
            counts[code] = len(pattern.findall(sample))
        best, hits = counts.most_common(1)[0]
        return best if hits else None
    return _best_by_stopwords(Counter(filter(_IS_STOPWORD, words)), _LANGUAGES_OF)


def language_and_words(
    text: str, start: int, declared: str | None, vocabulary: frozenset[bytes]
) -> tuple[str | None, frozenset[bytes] | None]:
    """``detect_language(text[start:], declared)`` and the lower-case letter runs of ``text`` that are in
    ``vocabulary``, or None for the runs when ``text`` has a word character beyond ASCII.

    One pass over the text for both in the common case (the engine's article-level prefilters read
    the runs): every character beyond ASCII is then a non-word one, which splits words as a space
    does (never a word character once lower-cased, never an ASCII letter ignoring case).
    """
    if text.isascii():
        plain = text
    elif _WORD_BEYOND_ASCII.search(text) is None:  # found early in most texts that have one
        plain = _NON_WORD_BEYOND_ASCII.sub(" ", text)
    else:
        return detect_language(text[start:], declared), None
    letters = plain.lower().encode("ascii").translate(_LETTERS_ONLY)
    if declared:
        return declared.split("-")[0].lower(), vocabulary.intersection(letters.split())
    end = start + _SAMPLE_CHARS
    if len(letters) <= end:  # the sample is the whole body
        sample = letters[start:].split()
        words = vocabulary.intersection(chain(letters[:start].split(), sample) if start else sample)
    else:
        # Split at the last space before the sample's end: the runs before it are whole ones of both the
        # sample and the text; after it, the sample's (one the sample cuts short) and the text's differ.
        cut = letters.rfind(b" ", start, end) + 1 or start
        head = letters[start:cut].split()
        sample = head + letters[cut:end].split()
        words = vocabulary.intersection(chain(letters[:start].split(), head, letters[cut:].split()))
    if len(sample) < 3:
        return None, words
    return _best_by_stopwords(Counter(filter(_IS_ASCII_STOPWORD, sample)), _LANGUAGES_OF_ASCII), words


def _best_by_stopwords(counts: Counter[Any], languages_of: Mapping[Any, tuple[int, ...]]) -> str | None:
    """The language whose stopwords occur most often (the first listed on a tie); None if none occur.

    ``counts``: how often each stopword occurs; ``languages_of``: each stopword's languages (``_CODES``).
    """
    scores = [0] * len(_CODES)
    for word, count in counts.items():
        for index in languages_of[word]:
            scores[index] += count
    best = max(scores)
    return _CODES[scores.index(best)] if best > 0 else None
