"""Copy evidence that survives real editing: shared sentences, measured from the shorter text.

Outlets that print one agency story rewrite the lead, cut or reorder paragraphs, add a local intro and
change words to their house style; word 5-gram shingles then mostly differ although most sentences of
the shorter copy still nearly match one of the other's. Here a text becomes its sentences (normalised:
case, punctuation, Arabic letter variants and diacritics folded), and

    shared_share(A, B) = characters of the shorter text's sentences that nearly match one of the
                         other's (rapidfuzz) / characters of all of its sentences

Sentences that are mostly a quotation are left out on both sides: two reports of one event share the
official statement they both quote, which is not evidence that one copies the other. Languages written
without spaces (Chinese, Japanese) are measured by characters, the others by words.

Cheap first: a text is folded and split in a few whole-text passes; sentences equal after folding are
matched by hash, and only the rest of a candidate that could still reach the bar is compared fuzzily, in
one vectorised rapidfuzz ``cdist`` call. Which pairs get compared at all is ``passage_index.py``'s job.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

# A sentence ends at a final mark followed by a space or a line break, at a full-width final mark (no space
# follows in Chinese or Japanese) and at a line break. "M." or "U.S." before a word ends one too: both
# copies split alike, so their sentences still match.
_FINAL_MARKS = (".", "!", "?", ";", "\u061f", "\u06d4", "\u061b")
_FULL_WIDTH_MARKS = ("\u3002", "\uff01", "\uff1f", "\uff1b", "\u2026")
_SEPARATOR = "\x1e"  # between sentences while they are normalised in one pass
_NON_WORD = re.compile(r"(?:[^\w\x1e]|_)+")
# Unicode punctuation common in news text (quotes, dashes, ellipsis, Arabic and Chinese commas, brackets).
_UNICODE_MARKS = tuple(
    mark.encode()
    for mark in "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2013\u2014\u2015\u2026\u00ab\u00bb\u2039"
    "\u203a\u2022\u00b7\u060c\u3001\uff0c\uff1a\uff08\uff09\u300a\u300b\u300c\u300d\u3010\u3011\u00b0"
)
_OTHER_MARK = re.compile(r"[^\w\s\x1e]")
_ASCII_WORDS = bytes(b if chr(b).isalnum() or b == 0x1E else 32 for b in range(128)) + bytes(range(128, 256))
# Arabic spelling variants outlets normalise differently, diacritics and the tatweel.
_ARABIC_FOLD = str.maketrans(
    {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627", "\u0629": "\u0647",
     "\u0649": "\u064a", "\u0640": None}
)  # fmt: skip
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670]")
_QUOTE_MARKS = re.compile(r"[\"\u201c\u201e\u00ab\u300c]")
_QUOTED = re.compile(
    r"\"[^\"]*\"|[\u201c\u201e][^\u201d\u201c]*[\u201d\u201c]|\u00ab[^\u00bb]*\u00bb|\u300c[^\u300d]*\u300d"
)
_NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
QUOTE_SHARE = 0.5  # a sentence with at least this share of its characters inside quotation marks is a quote
MIN_SHARED_CHARS = 250  # one shared sentence is copy evidence only when at least this long
MIN_COVER = 0.45  # without the lead, the share of the longer text the shared sentences must make up
MANY_SENTENCES = 10  # without the lead, this many shared sentences or more ...
MIN_EQUAL_SHARE = 0.25  # ... must include this share of sentences equal after folding
ANCHOR_CHARS = 32  # characters of a sentence's start and end used as anchors (about six words)
ANCHOR_CHARS_NO_SPACE = 12  # the same where words are not separated (Chinese, Japanese)
WORD_GATE = 0.5  # fuzzy matching only when this share of the shorter text's distinct words is in the other
GATE_WORD = 4  # characters of the words counted by the gate (shorter ones are mostly function words)


@dataclass(frozen=True, slots=True)
class Passages:
    """A text's sentences, normalised, with the quotations left out; sizes in characters."""

    sentences: tuple[str, ...]
    quoted: int  # sentences left out as quotations
    spaced: bool  # words separated by spaces (False for Chinese/Japanese)
    anchors: tuple[tuple[int, ...], ...] = field(init=False)  # of each sentence's two ends (``anchors``)
    size: int = field(init=False)
    _words: frozenset[str] | None = field(init=False, default=None, compare=False, repr=False)

    def words(self) -> frozenset[str]:
        """Distinct words of four or more characters (runs of four characters without spaces), once."""
        if self._words is not None:
            return self._words
        if self.spaced:
            distinct = frozenset(" ".join(self.sentences).split(" "))
            found = frozenset(word for word in distinct if len(word) >= GATE_WORD)
        else:
            found = frozenset(s[i : i + GATE_WORD] for s in self.sentences for i in range(len(s) - 3))
        object.__setattr__(self, "_words", found)
        return found

    def __post_init__(self) -> None:
        width = ANCHOR_CHARS if self.spaced else ANCHOR_CHARS_NO_SPACE
        ends = tuple(
            (hash(s),) if len(s) <= width else (hash(s[:width]), hash(s[-width:])) for s in self.sentences
        )
        object.__setattr__(self, "anchors", ends)
        object.__setattr__(self, "size", sum(map(len, self.sentences)))


def fold(text: str) -> str:
    """NFKC, lower case and, in Arabic script, one spelling of alef, ta marbuta and ya, without marks."""
    if text.isascii():
        return text.lower()
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    folded = text.lower()
    if _ARABIC.search(folded, 0, 2000):
        folded = _ARABIC_MARKS.sub("", folded.translate(_ARABIC_FOLD))
    return folded


def _is_quote(raw: str) -> bool:
    inside = sum(len(found) for found in _QUOTED.findall(raw))
    return inside >= QUOTE_SHARE * max(1, len(raw.strip()))


def _marked(folded: str, spaced: bool = True) -> str:
    """The text with every sentence break (a final mark and the space after it, a full-width final mark, a
    line break) turned into ``_SEPARATOR``: a few C-speed replacements instead of a regex pass."""
    if "\r" in folded:
        folded = folded.replace("\r", "\n")
    for mark in _FINAL_MARKS:
        if mark in folded:
            folded = folded.replace(mark + " ", _SEPARATOR).replace(mark + "\n", _SEPARATOR)
    if not folded.isascii():
        # NFKC made the full-width ！？； ASCII; without spaces they end a sentence as they are
        for mark in _FULL_WIDTH_MARKS if spaced else (*_FULL_WIDTH_MARKS, "!", "?", ";"):
            if mark in folded:
                folded = folded.replace(mark, _SEPARATOR)
    return folded.replace("\n", _SEPARATOR)


def _words_only(marked: str) -> list[str]:
    """The sentences of a marked text as words joined by single blanks: punctuation (and the underscore)
    become blanks, ASCII by a byte table, the common Unicode marks by replacement, the rare others by a
    regex; whitespace runs shrink to one blank in C (``bytes.split`` leaves the separator alone)."""
    data = marked.encode().translate(_ASCII_WORDS)
    if len(data) != len(marked):
        for mark in _UNICODE_MARKS:
            if mark in data:
                data = data.replace(mark, b" ")
        words = data.decode()
        if _OTHER_MARK.search(words) is not None:
            data = _NON_WORD.sub(" ", words).encode()
    data = b" ".join(data.split()).replace(b" \x1e", b"\x1e").replace(b"\x1e ", b"\x1e")
    return data.decode().split(_SEPARATOR)


def is_spaced(text: str) -> bool:
    """Whether the text's words are separated by spaces (not Chinese or Japanese), from its opening."""
    return text.isascii() or len(_NO_SPACE_SCRIPT.findall(text, 0, 2000)) < 50


def passages(text: str, *, min_words: int = 5) -> Passages:
    """The sentences of ``text`` worth comparing: at least ``min_words`` words (2.5 characters per word
    where the script has no spaces), quotations left out."""
    spaced = is_spaced(text)
    marked = _marked(fold(text), spaced)
    pieces = marked.split(_SEPARATOR)
    normalised = _words_only(marked)
    if spaced:
        long_enough = [piece.count(" ") >= min_words - 1 for piece in normalised]
    else:
        long_enough = [len(piece) >= int(min_words * 2.5) for piece in normalised]
    if _QUOTE_MARKS.search(text) is None:
        kept = [piece for piece, keep in zip(normalised, long_enough, strict=True) if keep]
        return Passages(tuple(kept), 0, spaced)
    kept = []
    quoted = 0
    for raw, piece, keep in zip(pieces, normalised, long_enough, strict=True):
        if not keep:
            continue
        if _QUOTE_MARKS.search(raw) and _is_quote(raw):
            quoted += 1
            continue
        kept.append(piece)
    return Passages(tuple(kept), quoted, spaced)


def stable_key(text: str) -> int:
    """A hash that is the same in every process (``hash`` of a string is salted per process)."""
    return zlib.crc32(text.encode())


def anchors(found: Passages) -> list[tuple[int, ...]]:
    """Per sentence, the keys of its first and last characters (the whole sentence when it is short):
    an edited copy keeps one end of most sentences intact."""
    return list(found.anchors)


@dataclass(frozen=True, slots=True)
class Shared:
    """What two texts share, measured from the shorter: the copy evidence of the sentence check."""

    share: float  # characters of the shorter's sentences that match one of the longer's / all of them
    sentences: int  # the shorter's sentences matched
    cover: float  # the same matched characters / the longer's sentence characters
    lead: bool  # the longer's first or second sentence is among those matched (a copy keeps the lead)
    chars: int  # characters matched
    exact: int = 0  # of ``sentences``, those equal after folding (the rest nearly match)

    def is_copy(self, threshold: float) -> bool:
        """A copy shares most of the shorter text, and either the longer's lead or much of the longer.

        Two sentences at least, or one long one (``MIN_SHARED_CHARS``). A report that carries a statement
        another outlet printed alone shares all of the statement, but further down and as a smaller part
        of itself; a truncated copy keeps the lead, a copy with a new intro shares most of the other.
        """
        enough = self.sentences >= 2 or self.chars >= MIN_SHARED_CHARS
        if self.share < threshold or not enough:
            return False
        return self.lead or (self.cover >= MIN_COVER and self._kept_verbatim())

    def _kept_verbatim(self) -> bool:
        """Without the lead, many shared sentences must be partly verbatim: two outlets relaying one
        communique paraphrase nearly every sentence of it, a copy keeps most as they were."""
        return self.sentences < MANY_SENTENCES or self.exact >= MIN_EQUAL_SHARE * self.sentences


NOTHING = Shared(0.0, 0, 0.0, False, 0)


def shared(a: Passages, b: Passages, *, similarity: float = 0.85, bar: float = 0.0) -> Shared:
    """The sentences the shorter of two texts shares with the longer (rapidfuzz ``similarity`` 0-1).

    Sentences equal after folding are matched by hash. The others are compared fuzzily (a sentence nearly
    equal to one of the longer's, found nearly whole inside a longer one, or equal to two adjacent ones
    joined) only when the pair passes the word gate (``_worth_fuzzy``) for ``bar``: a pair that cannot
    become a copy costs no fuzzy matching.
    """
    shorter, longer = (a, b) if a.size <= b.size else (b, a)
    if not shorter.sentences or not longer.sentences:
        return NOTHING
    first: dict[str, int] = {}
    for position, sentence in enumerate(longer.sentences):
        first.setdefault(sentence, position)
    matched = count = 0
    lead = False
    rest: list[int] = []
    for position, sentence in enumerate(shorter.sentences):
        found = first.get(sentence)
        if found is None:
            rest.append(position)
            continue
        matched += len(shorter.sentences[position])
        count += 1
        lead = lead or found < 2
    exact = count
    if rest and _worth_fuzzy(shorter, longer, matched, bar):
        gained, hits, lead_found = _fuzzy(shorter, longer, rest, similarity * 100)
        matched, count, lead = matched + gained, count + hits, lead or lead_found
    return Shared(matched / shorter.size, count, matched / longer.size, lead, matched, exact)


def _worth_fuzzy(shorter: Passages, longer: Passages, matched: int, bar: float) -> bool:
    """Whether fuzzy matching could make a copy of the pair: the shorter's words are mostly the other's.

    Copies share most of their words even where no sentence is left intact (at least 63% on the real
    copies); two articles that only share a sentence or two share far fewer (at most 44% on the
    benchmark's articles that share one).
    """
    if bar <= 0 or matched >= bar * shorter.size:
        return True
    mine = shorter.words()
    return len(mine & longer.words()) >= WORD_GATE * len(mine)


def _fuzzy(shorter: Passages, longer: Passages, rest: list[int], cutoff: float) -> tuple[int, int, bool]:
    """Characters and sentences of ``rest`` that nearly match one of the longer's sentences (or two of them
    joined: a sentence the other outlet split in two), and whether the lead is among those matched."""
    single = longer.sentences
    others = [*single, *(f"{x} {y}" for x, y in pairwise(single))]
    queries = [shorter.sentences[position] for position in rest]
    query_lengths = np.array([len(query) for query in queries])[:, None]
    other_lengths = np.array([len(other) for other in others])[None, :]
    # comparable lengths only: the other at least half the sentence, the sentence at least 0.3 of the other
    comparable = (other_lengths >= 0.5 * query_lengths) & (query_lengths >= 0.3 * other_lengths)
    inside = other_lengths >= query_lengths  # the sentence may sit inside a longer one: partial match
    scores = process.cdist(queries, others, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8)
    passing = comparable & (scores >= cutoff)
    open_rows = np.flatnonzero(~passing.any(axis=1) & (comparable & inside).any(axis=1))
    if len(open_rows):
        # Inside a longer sentence (rapidfuzz partial_ratio). A window search costs up to a millisecond per
        # pair of long sentences, so only pairs whose longest common subsequence (bit-parallel, cheap) holds
        # the needed share of the sentence are searched: the best window cannot hold more.
        common = process.cdist([queries[row] for row in open_rows], others, scorer=LCSseq.similarity)
        possible = (
            comparable[open_rows] & inside[open_rows] & (common >= cutoff / 100 * query_lengths[open_rows])
        )
        for row, columns in zip(open_rows.tolist(), possible, strict=True):
            for column in np.flatnonzero(columns).tolist():
                if fuzz.partial_ratio(queries[row], others[column], score_cutoff=cutoff) >= cutoff:
                    passing[row, column] = True
                    break
    rows = np.flatnonzero(passing.any(axis=1))
    positions = passing[rows].argmax(axis=1)  # the first passing sentence of the longer, as in reading
    lead = bool(np.isin(positions, (0, 1, len(single))).any())
    return int(query_lengths[rows].sum()), len(rows), lead
