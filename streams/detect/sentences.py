"""Split article text into sentences with offsets, flagging captions, so detectors work sentence by sentence.

A regex splitter, not a parser: fast enough for the stream and good enough for news prose, which has short
paragraphs. Abbreviations ("Mr.", "U.S.", "Oct.") are protected so they do not end a sentence.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Checked against real prose (White House briefings, the seeds): titles before a name never end a
# sentence; "no" is "No. 10" only before a number ("the spokesman said no. Putin ..." ends one); names,
# places and companies that close a phrase ("the U.K.", "Acme Inc.", "Kennedy, Jr.", "10 a.m.") end a
# sentence when the next word is one that starts sentences, and stay inside it otherwise ("U.S. Senate",
# "Salesforce Inc. President").
_ABBREVIATION_WORDS = """mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep st vs jan feb mar apr jun
    jul aug sep sept oct nov dec pres sec min amb"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_BEFORE_NUMBERS = frozenset({"no", "nos"})
_PHRASE_END_WORDS = "u.s u.k u.n e.u u.s.a etc inc ltd co corp jr sr a.m p.m"
_PHRASE_ENDS = frozenset(_PHRASE_END_WORDS.split())
_STARTER_WORDS = """the a an he she it we they i you this that these those there here his her its their our
    my but and
    so yet or in on at for of to from with by after before when while as if since although though however
    meanwhile earlier later then now today yesterday tomorrow according both neither one some many most
    all no not mr mrs ms dr"""
_SENTENCE_STARTERS = frozenset(_STARTER_WORDS.split())

# A sentence ends at . ! ? (optionally followed by closing quotes or brackets) before whitespace and an
# opening capital, digit or quote.
_BOUNDARY = re.compile(r"""([.!?…]["'”’)\]»]*)\s+(?=["'“‘(\[«]?[A-Z0-9À-ÝА-ЯЁІЇЄҐ])""")
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.$")  # the word before a full stop (see _ends_with_abbreviation)
# Cyrillic too, so that an initial ("В. Путин") is no sentence end either.
_LETTERS_AND_DOT = string.ascii_letters + "." + "".join(map(chr, range(0x400, 0x500)))
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
# Markdown hard breaks: a backslash ending a line ("médias.\\" before a line break), or left inside a
# paragraph whose lines a renderer joined ("médias.\\ Le bureau"); each ends a line (see _markdown_pieces).
_HARD_BREAK = re.compile(r"(?<=[^\s\\])\\(?=[ \t]+\S|[ \t]*$)")
# A sentence that is only a Markdown link or image ("[USA: Trump und Putin wollen ...](https://...)",
# "[![JPEG - 125.4 ko](https://...)](https://... "title")"): a related article or a picture, page chrome.
_LINK_ONLY = re.compile(r"!?\[.*\]\((?:https?://|/)[^()\s]*(?:\s+\"[^\"]*\")?\)")
# Hard-wrapped text (transcripts cut at a fixed width: "Hamas violated a ceasefire that was in place,
# slaughtered\n1,200 people"): every line at most this long, at least this many lines near the width.
_WRAP_MAX_WIDTH = 100
_WRAP_MIN_LINES = 4
_SPACES = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")  # runs of spaces, or any space that is not a plain one (\xa0, \n)
_ODD_INLINE_SPACE = re.compile(r"[^\S\n][^\S\n]|[^\S \n]")  # the same inside a line of a text
# Every white-space character (``\s``, ``str.isspace``) but " " and "\n": ASCII ones first.
_OTHER_SPACES = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f"
    "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f"
    "\u205f\u3000"
)
_OTHER_ASCII_SPACES = _OTHER_SPACES[:8]

# Photo captions: credit lines, left/right markers, and lines ending in a bare year ("in Versailles, 2017.").
_CAPTION_ALTERNATIVES = (
    r"\((?:R|L|C|left|right|centre|center)\)",
    r"\b(?:file photo|photo:|getty images|reuters/|afp photo|ap photo)",
    r",\s*(?:[A-Z][a-z]+ \d{1,2}, )?(?:19|20)\d\d\.?$",
)
_CAPTION = re.compile("|".join(_CAPTION_ALTERNATIVES), re.IGNORECASE)
# The same alternatives apart, so each runs only where it can match (see _looks_like_caption).
_CAPTION_MARKER, _CAPTION_CREDIT, _CAPTION_YEAR = (
    re.compile(a, re.IGNORECASE) for a in _CAPTION_ALTERNATIVES
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


def _ends_with_abbreviation(chunk: str, following: str = "") -> bool:
    """Whether ``chunk`` ends with an abbreviation's full stop that does not end the sentence, given the
    text ``following`` the boundary."""
    # ``_LAST_WORD.search(chunk[-16:])`` with string methods: the trailing run of letters and dots, if it
    # ends with a dot and holds something before it (a chunk never holds a line break).
    tail = chunk[-16:]
    run = tail[len(tail.rstrip(_LETTERS_AND_DOT)) :]
    if len(run) < 2 or run[-1] != ".":
        return False
    word = run[:-1].lower().rstrip(".")
    # Single capital initials ("John F. Kennedy") are also not sentence ends.
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    if word in _BEFORE_NUMBERS:
        return following[:1].isdigit()
    if word in _PHRASE_ENDS:
        next_word = following.lstrip("\"'“‘([").split(" ", 1)[0].strip(",;:").lower()
        return next_word not in _SENTENCE_STARTERS
    return False


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
    # ``_CAPTION.search(text)``, one alternative at a time, each only where it can match: a marker needs
    # "(", a credit line "photo", "getty" or "reuter" (no other letter of theirs matches anything but
    # itself ignoring case), a year the text's last or last-but-one character to be a digit.
    if "(" in text and _CAPTION_MARKER.search(text):
        return True
    lower = text.lower()
    if ("photo" in lower or "getty" in lower or "reuter" in lower) and _CAPTION_CREDIT.search(text):
        return True
    return (text[-1:].isdigit() or text[-2:-1].isdigit()) and _CAPTION_YEAR.search(text) is not None


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` in order; a line repeated verbatim (a caption artefact) is marked a caption."""
    sentences: list[Sentence] = []
    seen_lines: set[str] = set()
    paragraph = 0
    position = 0
    # Once for the whole text, then per line only when the text has any: odd spacing inside a line and
    # caption stems are rare, and a line (so each of its sentences) can only hold what the text holds.
    any_odd_spacing = has_odd_inline_space(text)
    any_caption_stem = _has_caption_stem(text)
    width = _wrap_width(text)
    wrapped = width is not None
    if width is not None:
        pieces = _wrapped_paragraphs(text, width)
    elif "\\" in text:
        pieces = _markdown_pieces(text)
    else:
        pieces = _PARAGRAPH.split(text)
    for piece in pieces:
        start_of_piece = text.find(piece, position) if piece else position
        position = start_of_piece + len(piece)
        line = piece.strip()
        if not line:
            continue
        repeated = line in seen_lines
        seen_lines.add(line)
        # Per line, not per sentence: a sentence is a part of its line, so a line without odd spacing or
        # caption stems has sentences without them (a paragraph joined from wrapped lines holds line breaks).
        flags = (
            (any_odd_spacing or wrapped) and _ODD_SPACE.search(line) is not None,
            any_caption_stem and _has_caption_stem(line),
            repeated,
        )
        pending_start = 0
        for boundary in _BOUNDARY.finditer(piece):
            end = boundary.end(1)
            # Only a full stop can close an abbreviation; its last 16 characters are all the test reads.
            if piece[end - 1] == "." and _ends_with_abbreviation(
                piece[max(pending_start, end - 16) : end], piece[boundary.end() : boundary.end() + 24]
            ):
                continue
            _append(sentences, piece, pending_start, end, start_of_piece, paragraph, flags)
            pending_start = boundary.end()
        _append(sentences, piece, pending_start, len(piece), start_of_piece, paragraph, flags)
        paragraph += 1
    return sentences


def _markdown_pieces(text: str) -> list[str]:
    """The lines of ``text`` with Markdown hard breaks as line ends too, except inside a link's brackets
    ("[![\\JPEG\\ - 125 ko](...)](...)" stays one piece, so that it is seen whole as a link)."""
    pieces: list[str] = []
    for line in _PARAGRAPH.split(text):
        start = 0
        for hard_break in _HARD_BREAK.finditer(line):
            before = line[: hard_break.start()]
            if before.count("[") > before.count("]"):
                continue  # inside a link's text
            pieces.append(line[start : hard_break.start()])
            start = hard_break.end()
        pieces.append(line[start:])
    return pieces


def _wrap_width(text: str) -> int | None:
    """The width ``text`` is hard-wrapped at, or None: no line longer than ``_WRAP_MAX_WIDTH`` and at least
    ``_WRAP_MIN_LINES`` lines within a tenth of the longest (prose with paragraph-long lines has neither)."""
    if text.count("\n") < _WRAP_MIN_LINES:
        return None
    lengths = [len(line.rstrip()) for line in text.split("\n")]
    width = max(lengths)
    if width > _WRAP_MAX_WIDTH or width < 40:
        return None
    near_width = sum(1 for length in lengths if length >= width * 0.9)
    return width if near_width >= _WRAP_MIN_LINES else None


def _wrapped_paragraphs(text: str, width: int) -> list[str]:
    """The paragraphs of a hard-wrapped text: a line break after a line that reaches the wrap width (at
    least three quarters of it) continues the paragraph; a blank line or a short line ends it."""
    pieces: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        current.append(line)
        if not line.strip() or len(line.rstrip()) < width * 0.75:
            pieces.append("\n".join(current))
            current = []
    if current:
        pieces.append("\n".join(current))
    return pieces


def has_odd_inline_space(text: str) -> bool:
    """``_ODD_INLINE_SPACE.search(text) is not None``: two blanks in a row, or a blank other than " ".

    With substring tests (each a ``memchr``-fast scan) instead of the regex's slow one: when every white
    space is " " or a line break, the only blanks in a row are two spaces.
    """
    if "  " in text:
        return True
    others = _OTHER_ASCII_SPACES if text.isascii() else _OTHER_SPACES
    return any(char in text for char in others)


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
    if not stripped or (stripped[0] in "[!" and stripped[-1] == ")" and _LINK_ONLY.fullmatch(stripped)):
        return  # nothing, or only a link: page chrome, no report
    odd_spacing, caption_stem, repeated = flags
    lead = len(raw) - len(raw.lstrip()) if raw[0].isspace() else 0
    clean = _SPACES.sub(" ", stripped) if odd_spacing and _ODD_SPACE.search(stripped) else stripped
    # _looks_like_caption's own first tests, inline: nearly every sentence fails them.
    caption = repeated or (
        ("(" in clean or clean[-1].isdigit() or clean[-2:-1].isdigit() or caption_stem)
        and _looks_like_caption(clean, repeated, caption_stem)
    )
    out.append(Sentence(clean, offset + begin + lead, len(out), paragraph, caption))


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
