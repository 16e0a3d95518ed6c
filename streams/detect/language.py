"""Tag an article's language cheaply (script + stopword counts), so non-English text passes through untouched.

No model download and microseconds per article: the detectors only need to know "English or not", and which
language to report for the rest. A feed-supplied ``Article.language`` always wins.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import repeat
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
_STOPWORDS_ASCII: dict[str, frozenset[bytes]] = {
    code: frozenset(w.encode() for w in words if w.isascii()) for code, words in _STOPWORDS.items()
}


def detect_language(text: str, declared: str | None = None) -> str | None:
    """An ISO 639-1 code for ``text`` (``declared`` wins when given); None when there is too little text."""
    if declared:
        return declared.split("-")[0].lower()
    sample = text[:_SAMPLE_CHARS]
    if not sample.isascii():
        # Curly quotes, dashes and no-break spaces are not letters: as spaces they split words the same
        # way, and an English text written with them takes the fast path below.
        sample = _TYPOGRAPHY.sub(" ", sample)
    if sample.isascii():
        # The common case, byte-wise: the same letter runs as ``_WORD`` finds, several times faster.
        ascii_words = sample.lower().encode("ascii").translate(_LETTERS_ONLY).split()
        if len(ascii_words) < 3:
            return None
        return _best_by_stopwords(Counter(ascii_words), _STOPWORDS_ASCII)
    words = _WORD.findall(sample.lower())
    if len(words) < 3:
        return None
    if sum(1 for w in words if w.isascii()) < len(words) / 2:
        counts: Counter[str] = Counter()
        for code, pattern in _SCRIPTS:
            counts[code] = len(pattern.findall(sample))
        best, hits = counts.most_common(1)[0]
        return best if hits else None
    return _best_by_stopwords(Counter(words), _STOPWORDS)


def _best_by_stopwords(counts: Counter[Any], stopwords: dict[str, frozenset[Any]]) -> str | None:
    """The language whose stopwords occur most often (the first listed on a tie); None if none occur."""
    scores = {code: sum(map(counts.get, stop, repeat(0))) for code, stop in stopwords.items()}
    best = max(scores, key=lambda code: scores[code])
    return best if scores[best] > 0 else None
