"""Split article text into sentences with offsets, flagging captions, so detectors work sentence by sentence.

A regex splitter, not a parser: fast enough for the stream and good enough for news prose, which has short
paragraphs. Abbreviations ("Mr.", "U.S.", "Oct.") are protected so they do not end a sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_ABBREVIATION_WORDS = """mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep st jr sr no vs etc inc
    ltd co corp dept jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u u.s.a a.m p.m pres sec
    min amb"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())

# A sentence ends at . ! ? (optionally followed by closing quotes or brackets) before whitespace and an
# opening capital, digit or quote.
_BOUNDARY = re.compile(r"""([.!?]["'”’)\]]*)\s+(?=["'“‘(\[]?[A-Z0-9À-Ý])""")
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.$")
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_SPACES = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")  # runs of spaces, or any space that is not a plain one (\xa0, \n)
_ODD_INLINE_SPACE = re.compile(r"[^\S\n][^\S\n]|[^\S \n]")  # the same inside a line of a text

# Photo captions: credit lines, left/right markers, and lines ending in a bare year ("in Versailles, 2017.").
_CAPTION = re.compile(
    r"\((?:R|L|C|left|right|centre|center)\)|\b(?:file photo|photo:|getty images|reuters/|afp photo|ap photo)"
    r"|,\s*(?:[A-Z][a-z]+ \d{1,2}, )?(?:19|20)\d\d\.?$",
    re.IGNORECASE,
)


_CAPTION_STEMS = ("photo", "getty", "reuters/", "afp")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text, where it starts, its paragraph, and whether it looks like a caption."""

    text: str
    start: int
    index: int
    paragraph: int
    is_caption: bool = False


def _ends_with_abbreviation(chunk: str) -> bool:
    match = _LAST_WORD.search(chunk[-16:])
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    # Single capital initials ("John F. Kennedy") are also not sentence ends.
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _looks_like_caption(text: str, repeated: bool, may_hold_stem: bool = True) -> bool:
    """``may_hold_stem`` False: the line the text comes from holds no caption stem (checked once per line)."""
    if repeated:
        return True
    if (
        "(" not in text
        and not text[-2:-1].isdigit()
        and not text[-1:].isdigit()
        and not (may_hold_stem and any(stem in text.lower() for stem in _CAPTION_STEMS))
    ):
        return False
    return bool(_CAPTION.search(text))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` in order; a line repeated verbatim (a caption artefact) is marked a caption."""
    sentences: list[Sentence] = []
    seen_lines: set[str] = set()
    paragraph = 0
    position = 0
    # Once for the whole text, then per line only when the text has any: odd spacing inside a line and
    # caption stems are rare, and a line (so each of its sentences) can only hold what the text holds.
    any_odd_spacing = _ODD_INLINE_SPACE.search(text) is not None
    any_caption_stem = _has_caption_stem(text)
    for piece in _PARAGRAPH.split(text):
        start_of_piece = text.find(piece, position) if piece else position
        position = start_of_piece + len(piece)
        line = piece.strip()
        if not line:
            continue
        repeated = line in seen_lines
        seen_lines.add(line)
        # Per line, not per sentence: a sentence is a part of its line, so a line without odd spacing or
        # caption stems has sentences without them.
        flags = (
            any_odd_spacing and _ODD_SPACE.search(line) is not None,
            any_caption_stem and _has_caption_stem(line),
            repeated,
        )
        cursor = 0
        pending_start = 0
        for boundary in _BOUNDARY.finditer(piece):
            chunk = piece[pending_start : boundary.end(1)]
            if _ends_with_abbreviation(chunk):
                continue
            _append(sentences, piece, pending_start, boundary.end(1), start_of_piece, paragraph, flags)
            pending_start = boundary.end()
            cursor = pending_start
        _append(sentences, piece, max(cursor, pending_start), len(piece), start_of_piece, paragraph, flags)
        paragraph += 1
    return sentences


def _has_caption_stem(line: str) -> bool:
    lower = line.lower()
    return any(stem in lower for stem in _CAPTION_STEMS)


def _append(
    out: list[Sentence],
    piece: str,
    begin: int,
    end: int,
    offset: int,
    paragraph: int,
    flags: tuple[bool, bool, bool],
) -> None:
    """Add ``piece[begin:end]``; ``flags``: its line has odd spacing, has a caption stem, is repeated."""
    raw = piece[begin:end]
    stripped = raw.strip()
    if not stripped:
        return
    odd_spacing, caption_stem, repeated = flags
    lead = len(raw) - len(raw.lstrip())
    clean = _SPACES.sub(" ", stripped) if odd_spacing and _ODD_SPACE.search(stripped) else stripped
    out.append(
        Sentence(
            text=clean,
            start=offset + begin + lead,
            index=len(out),
            paragraph=paragraph,
            is_caption=_looks_like_caption(clean, repeated, caption_stem),
        )
    )


def sentences_containing(
    lower_text: str | None, sentences: Sequence[Sentence], stems: Iterable[str]
) -> set[int] | None:
    """Indexes of the sentences holding a lower-case stem, found with ``str.find`` over the whole article.

    ``lower_text`` is the lower-cased text the sentences were split from; None (or a text whose length
    changed when lower-cased) gives None, and the caller tests sentence by sentence instead.
    """
    if lower_text is None or not sentences:
        return None
    starts = [s.start for s in sentences]
    hits: set[int] = set()
    for stem in stems:
        position = lower_text.find(stem)
        while position >= 0:
            hits.add(max(0, bisect_right(starts, position) - 1))
            position = lower_text.find(stem, position + len(stem))
    return hits


def trim(text: str, limit: int = 160) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
