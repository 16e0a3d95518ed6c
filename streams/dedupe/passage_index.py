"""Which remembered articles the shared-sentence check compares an article with, found cheaply.

Splitting a text into sentences costs far more than the rest of the dedupe decision, so nothing is split
until a pair is worth it. Candidates come from **sampled shingle keys**: the article's word shingles are
already coded one character per shingle (``verify.shingle_code``); at the positions whose code has its low
bits zero (content-defined, so two copies sample the same places) a key joins that code with the next one
(a 6-word window, 30 bits). A remembered article is filed under the smallest ``KEPT_KEYS`` of its keys;
an article looks all of its keys up, and a remembered one sharing ``MIN_HITS`` of them is a candidate.
Then the sets of shingle codes must overlap (``CODE_GATE``) before either text is split.

Texts written without spaces (Chinese, Japanese) have few word shingles; they are split at once and
filed under the anchors of their lead and of a few sampled sentences (``passages.Passages.anchors``).
"""

from __future__ import annotations

from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from itertools import chain

import numpy as np

from streams.dedupe.passages import Passages, is_spaced, passages, stable_key

SAMPLE_MASK = 3  # a shingle position is sampled when its code's low two bits are zero (one in four)
KEPT_KEYS = 12  # keys a remembered article is filed under (the smallest of its sampled keys)
LOOKUP_KEYS = 3 * KEPT_KEYS  # keys an article looks up (its smallest): all of a remembered article's filed
# keys that it has are among them unless it is over three times longer
BUCKET_CAP = 2  # newest articles kept per key (only uniques are remembered: copies do not fill them)
MIN_HITS = 2  # keys an article must share with a remembered one to be compared ...
LONG_TEXT_KEYS = 60  # ... and one more for an article with more sampled keys than this (long texts meet
# unrelated ones on a sentence or two more often)
KEY_GATE = 0.1  # share of the smaller set of sampled keys found in the other (a cheap first gate) ...
CODE_GATE = 0.2  # ... and of the smaller shingle-code set, before sentences are compared
LEAD_SENTENCES = 2  # a text without spaces is filed under the anchors of its first sentences ...
SAMPLED_SENTENCES = 4  # ... and of this many others, the same ones in any copy (smallest stable keys)
SPACED_DENSITY = 10  # at most this many characters per word shingle: a text whose words are spaced

# an article's smallest ``LOOKUP_KEYS`` sampled keys, and all of them packed 4 bytes each
Sampled = tuple[list[int], bytes]


def sample_keys(code: str) -> list[int]:
    """The keys of the content-defined sample of a shingle code (``verify.shingle_code``), sorted."""
    return unpack_keys(sampled_of([code])[0][1])


def sample_keys_of(codes: Sequence[str]) -> list[list[int]]:
    """``sample_keys`` of many codes."""
    return [unpack_keys(packed) for _, packed in sampled_of(codes)]


def unpack_keys(packed: bytes) -> list[int]:
    """Sampled keys packed 4 bytes each (``sampled_of``), as a list."""
    return memoryview(packed).cast("I").tolist()


def sampled_of(codes: Sequence[str]) -> list[Sampled]:
    """The sampled keys of many codes in one vectorised pass (a batch's: numpy calls cost per call), each as
    its smallest ``LOOKUP_KEYS`` (what it looks up and is filed under) and all of them packed (the gate)."""
    if not codes:
        return []
    units = np.frombuffer("".join(codes).encode("utf-16-le"), dtype=np.uint16)
    ends = np.cumsum([len(code) for code in codes])
    at = np.flatnonzero((units[:-1] & SAMPLE_MASK) == 0)
    owner = np.searchsorted(ends, at, side="right")
    at, owner = at[at + 1 < ends[owner]], owner[at + 1 < ends[owner]]  # the window stays in its text
    pairs = (units[at].astype(np.int64) << 16) | units[at + 1]
    ordered = np.sort((owner.astype(np.int64) << 32) | pairs)  # by text, then key
    if len(ordered) > 1:  # duplicates gone (by sorting: numpy's hash-based unique is 20x slower here)
        ordered = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
    bounds = np.searchsorted(ordered >> 32, np.arange(len(codes) + 1))
    keys = (ordered & 0xFFFFFFFF).astype(np.uint32)
    packed = keys.tobytes()
    rank = np.arange(len(keys)) - np.repeat(bounds[:-1], np.diff(bounds))  # each key's place in its text
    smallest = keys[rank < LOOKUP_KEYS].tolist()
    starts = np.minimum(np.diff(bounds), LOOKUP_KEYS).cumsum().tolist()
    spans = bounds.tolist()
    return [
        (smallest[(starts[i - 1] if i else 0) : starts[i]], packed[4 * spans[i] : 4 * spans[i + 1]])
        for i in range(len(codes))
    ]


def key_containment(mine: frozenset[int], theirs: bytes) -> float:
    """Share of the smaller of two sets of sampled keys found in the other (``theirs`` packed)."""
    smaller = min(len(mine), len(theirs) // 4)
    return len(mine.intersection(memoryview(theirs).cast("I"))) / smaller if smaller else 0.0


def code_set(code: str) -> frozenset[int]:
    """The distinct shingle codes of a shingle code string, as ints (hashing ints is what makes it cheap)."""
    return frozenset(memoryview(code.encode("utf-16-le")).cast("H"))


def code_containment(mine: frozenset[int], theirs: str) -> float:
    """Share of the smaller of two shingle-code sequences whose codes the other has too (the other is read
    as it is, no second set is built; repeated codes are rare)."""
    smaller = min(len(mine), len(theirs))
    return (
        len(mine.intersection(memoryview(theirs.encode("utf-16-le")).cast("H"))) / smaller if smaller else 0.0
    )


def spaced(text: str, shingles: int) -> bool:
    """Whether words are separated by spaces: about one word shingle per six characters (Latin, Arabic,
    Cyrillic script), against one per clause in Chinese or Japanese."""
    return shingles * SPACED_DENSITY >= len(text) or is_spaced(text)


def anchor_keys(found: Passages) -> list[int]:
    """Every anchor of every sentence: what a text without spaces looks up."""
    return [anchor for ends in found.anchors for anchor in ends]


def filed_anchors(found: Passages) -> list[int]:
    """The anchors a text without spaces is filed under: its lead's, and those of a few sentences chosen
    by stable key, so a copy sharing much of the text likely shares one of them (bounded memory)."""
    sentences = found.sentences
    rest = sorted(range(LEAD_SENTENCES, len(sentences)), key=lambda p: stable_key(sentences[p]))
    chosen = [*range(min(LEAD_SENTENCES, len(sentences))), *rest[:SAMPLED_SENTENCES]]
    return [anchor for position in chosen for anchor in found.anchors[position]]


def ranked(hits: dict[str, int], limit: int, *, min_hits: int = 1) -> list[str]:
    """The keys with at least ``min_hits`` hits, most first, then by key (an order independent of how the
    counts were built, so a batch decides as single calls)."""
    return sorted((m for m, n in hits.items() if n >= min_hits), key=lambda m: (-hits[m], m))[:limit]


class Recalled:
    """A remembered article's text, split into sentences and read for an agency credit only when asked."""

    __slots__ = ("_agency", "_passages", "filed", "sampled", "text")

    def __init__(
        self, text: str, filed: frozenset[int], found: Passages | None = None, sampled: bytes = b""
    ) -> None:
        self.text = text
        self.filed = filed
        self.sampled = sampled  # all its sampled keys, packed 4 bytes each (for ``key_containment``)
        self._passages = found
        self._agency: tuple[str | None] | None = None

    def passages(self) -> Passages:
        if self._passages is None:
            self._passages = passages(self.text)
        return self._passages

    def agency(self, read: Callable[[str], str | None]) -> str | None:
        if self._agency is None:
            self._agency = (read(self.text),)
        return self._agency[0]


class PassageIndex:
    """Recent articles' texts (an LRU of ``capacity``) and the few keys each is filed under."""

    def __init__(self, capacity: int, *, bucket_cap: int = BUCKET_CAP) -> None:
        self.capacity = capacity
        self.bucket_cap = bucket_cap
        self._items: OrderedDict[str, Recalled] = OrderedDict()
        self._buckets: dict[int, list[str]] = {}

    def get(self, key: str) -> Recalled | None:
        return self._items.get(key)

    def hits(self, keys: Iterable[int]) -> dict[str, int]:
        """Remembered articles filed under any of ``keys``, with how many of them each shares."""
        return Counter(chain.from_iterable(filter(None, map(self._buckets.get, keys))))

    def put(
        self,
        key: str,
        text: str,
        filed: Iterable[int],
        found: Passages | None = None,
        sampled: bytes | Sequence[int] = b"",
    ) -> None:
        """Remember ``text`` under ``filed`` keys (its sentences too when already split, and all of its
        sampled keys, packed as ``sampled_of`` packs them, for the first gate)."""
        if self.capacity <= 0:
            return
        self.discard(key)
        packed = sampled if isinstance(sampled, bytes) else array("I", sampled).tobytes()
        item = Recalled(text, frozenset(filed), found, packed)
        self._items[key] = item
        for anchor in item.filed:
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
        for anchor in item.filed:
            bucket = self._buckets.get(anchor)
            if bucket is None:
                continue
            if key in bucket:
                bucket.remove(key)
            if not bucket:
                del self._buckets[anchor]

    def filed_entries(self) -> int:
        """Key entries held in the buckets (for the bytes-per-article figure)."""
        return sum(len(bucket) for bucket in self._buckets.values())

    def __len__(self) -> int:
        return len(self._items)
