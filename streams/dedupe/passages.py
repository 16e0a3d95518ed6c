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

``PassageIndex`` remembers recent articles' sentences (bounded, in memory) and finds candidates that
share a sentence anchor (a whole sentence, or its first or last words), so copies whose shingles no
longer meet in the LSH bands are still compared.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import fuzz

_SENTENCE_BREAK = re.compile(r"(?<=[.!?\u061f\u06d4\u061b;])\s+|[\u3002\uff01\uff1f\uff1b]|\n+")
_NON_WORD = re.compile(r"[\W_]+")
_INITIAL = re.compile(r"(?:^|\s)\w{1,2}\.$")
# Arabic spelling variants outlets normalise differently, diacritics and the tatweel.
_ARABIC_FOLD = str.maketrans(
    {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627", "\u0629": "\u0647",
     "\u0649": "\u064a", "\u0640": None}
)  # fmt: skip
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670]")
_QUOTED = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d|\u00ab[^\u00bb]*\u00bb|\u300c[^\u300d]*\u300d")
_NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
QUOTE_SHARE = 0.5  # a sentence with at least this share of its characters inside quotation marks is a quote
MIN_SHARED_CHARS = 250  # one shared sentence is copy evidence only when at least this long
MIN_COVER = 0.45  # without the lead, the share of the longer text the shared sentences must make up
ANCHOR_WORDS = 6  # words (characters x2 without spaces) of a sentence's start and end used as anchors


@dataclass(frozen=True, slots=True)
class Passages:
    """A text's sentences, normalised, with the quotations left out; sizes in characters."""

    sentences: tuple[str, ...]
    quoted: int  # sentences left out as quotations
    spaced: bool  # words separated by spaces (False for Chinese/Japanese)

    @property
    def size(self) -> int:
        return sum(len(sentence) for sentence in self.sentences)


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    if any("\u0600" <= ch <= "\u06ff" for ch in folded[:200]):
        folded = _ARABIC_MARKS.sub("", folded.translate(_ARABIC_FOLD))
    return folded


def _is_quote(raw: str) -> bool:
    inside = sum(len(found) for found in _QUOTED.findall(raw))
    return inside >= QUOTE_SHARE * max(1, len(raw.strip()))


def passages(text: str, *, min_words: int = 5) -> Passages:
    """The sentences of ``text`` worth comparing: at least ``min_words`` words (2.5 characters per word
    where the script has no spaces), quotations left out."""
    spaced = len(_NO_SPACE_SCRIPT.findall(text[:2000])) < 50
    kept: list[str] = []
    quoted = 0
    carried = ""
    for piece in _SENTENCE_BREAK.split(text.replace("\u201e", "\u201c")):
        if not piece or not piece.strip():
            continue
        raw = f"{carried} {piece}" if carried else piece
        if _INITIAL.search(raw):  # "Eng." or "M." before a name: the sentence goes on
            carried = raw
            continue
        carried = ""
        words = _NON_WORD.sub(" ", _fold(raw)).strip()
        long_enough = words.count(" ") + 1 >= min_words if spaced else len(words) >= int(min_words * 2.5)
        if not long_enough:
            continue
        if _is_quote(raw):
            quoted += 1
            continue
        kept.append(words)
    return Passages(tuple(kept), quoted, spaced)


def anchors(found: Passages) -> list[tuple[int, ...]]:
    """Per sentence, the keys of the sentence and of its first and last words: copies keep some intact."""
    keys: list[tuple[int, ...]] = []
    for sentence in found.sentences:
        if found.spaced:
            words = sentence.split(" ")
            if len(words) >= ANCHOR_WORDS + 2:
                start, end = " ".join(words[:ANCHOR_WORDS]), " ".join(words[-ANCHOR_WORDS:])
                keys.append((hash(sentence), hash(start), hash(end)))
                continue
        elif len(sentence) >= ANCHOR_WORDS * 4:
            start, end = sentence[: ANCHOR_WORDS * 2], sentence[-ANCHOR_WORDS * 2 :]
            keys.append((hash(sentence), hash(start), hash(end)))
            continue
        keys.append((hash(sentence),))
    return keys


def _match(sentence: str, others: Sequence[str], cutoff: float) -> int:
    """The position of the first of ``others`` that ``sentence`` nearly equals or is found nearly whole
    inside, or -1."""
    for position, other in enumerate(others):
        if len(other) < 0.5 * len(sentence) or len(sentence) < 0.3 * len(other):
            continue
        scorer = fuzz.ratio if len(other) < len(sentence) else fuzz.partial_ratio
        if scorer(sentence, other, score_cutoff=cutoff) >= cutoff:
            return position
    return -1


@dataclass(frozen=True, slots=True)
class Shared:
    """What two texts share, measured from the shorter: the copy evidence of the sentence check."""

    share: float  # characters of the shorter's sentences that match one of the longer's / all of them
    sentences: int  # the shorter's sentences matched
    cover: float  # the same matched characters / the longer's sentence characters
    lead: bool  # the longer's first or second sentence is among those matched (a copy keeps the lead)
    chars: int  # characters matched

    def is_copy(self, threshold: float) -> bool:
        """A copy shares most of the shorter text, and either the longer's lead or much of the longer.

        Two sentences at least, or one long one (``MIN_SHARED_CHARS``). A report that carries a statement
        another outlet printed alone shares all of the statement, but further down and as a smaller part
        of itself; a truncated copy keeps the lead, a copy with a new intro shares most of the other.
        """
        enough = self.sentences >= 2 or self.chars >= MIN_SHARED_CHARS
        return self.share >= threshold and enough and (self.lead or self.cover >= MIN_COVER)


NOTHING = Shared(0.0, 0, 0.0, False, 0)


def shared(a: Passages, b: Passages, *, similarity: float = 0.85) -> Shared:
    """The sentences the shorter of two texts shares with the longer (rapidfuzz ``similarity`` 0-1)."""
    shorter, longer = (a, b) if a.size <= b.size else (b, a)
    if not shorter.sentences or not longer.sentences:
        return NOTHING
    cutoff = similarity * 100
    single = longer.sentences
    # a sentence the other outlet split in two: compare with both halves joined as well
    others = single + tuple(f"{x} {y}" for x, y in pairwise(single))
    matched = 0
    count = 0
    lead = False
    for sentence in shorter.sentences:
        position = _match(sentence, others, cutoff)
        if position < 0:
            continue
        matched += len(sentence)
        count += 1
        lead = lead or position in (0, 1, len(single))  # the first, the second, or the two joined
    return Shared(matched / shorter.size, count, matched / longer.size, lead, matched)


class PassageIndex:
    """Recent articles' sentences (an LRU of ``capacity``) and the anchors that find them."""

    def __init__(self, capacity: int, *, bucket_cap: int = 8) -> None:
        self.capacity = capacity
        self.bucket_cap = bucket_cap
        self._items: OrderedDict[str, tuple[Passages, frozenset[int], str | None]] = OrderedDict()
        self._buckets: dict[int, list[str]] = {}

    def get(self, key: str) -> tuple[Passages, str | None] | None:
        item = self._items.get(key)
        return None if item is None else (item[0], item[2])

    def candidates(self, keys: list[tuple[int, ...]], limit: int, *, min_hits: int = 2) -> list[str]:
        """Remembered articles sharing an anchor of at least ``min_hits`` sentences, most shared first."""
        hits: dict[str, int] = {}
        buckets = self._buckets
        for sentence_keys in keys:
            found = {member for key in sentence_keys for member in buckets.get(key, ())}
            for member in found:
                hits[member] = hits.get(member, 0) + 1
        # most shared first, then by key: the order must not depend on how the sets above were built
        ranked = sorted((m for m, n in hits.items() if n >= min_hits), key=lambda m: (-hits[m], m))
        return ranked[:limit]

    def put(self, key: str, found: Passages, keys: list[tuple[int, ...]], agency: str | None) -> None:
        if self.capacity <= 0:
            return
        self.discard(key)
        frozen = frozenset(anchor for sentence_keys in keys for anchor in sentence_keys)
        self._items[key] = (found, frozen, agency)
        for anchor in frozen:
            bucket = self._buckets.setdefault(anchor, [])
            bucket.append(key)
            if len(bucket) > self.bucket_cap:
                del bucket[0]
        while len(self._items) > self.capacity:
            self.discard(next(iter(self._items)))

    def discard(self, key: str) -> None:
        item = self._items.pop(key, None)
        if item is None:
            return
        for anchor in item[1]:
            bucket = self._buckets.get(anchor)
            if bucket is None:
                continue
            if key in bucket:
                bucket.remove(key)
            if not bucket:
                del self._buckets[anchor]

    def __len__(self) -> int:
        return len(self._items)
