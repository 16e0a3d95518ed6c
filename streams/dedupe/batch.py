"""Fingerprints of a whole batch of articles in a few vectorised passes: the streaming fast lane.

``fingerprint_body`` spends about 35 small numpy calls per article, each paying microseconds of
fixed overhead. Here the texts of a batch are laid end to end in one byte array, separated by a
0xFF byte (which UTF-8 never contains), so words, shingle hashes, MinHash bins, LSH bands and
sketches cost about 50 numpy calls per chunk of articles; only chrome stripping, one sort and the
content digest stay per article. The results equal ``fingerprint_body``'s exactly (a test checks).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from streams.dedupe.normalize import fold_case, strip_chrome
from streams.dedupe.signature import (
    ASCII_WORD_TABLE,
    MAX_COUNT,
    ROTATE_C,
    UNICODE_PUNCTUATION,
    Fingerprint,
    band_values,
    mix64,
    power_tables,
)
from streams.dedupe.verify import shingle_code
from streams.settings.dedupe import DedupeSettings

CHUNK_BYTES = 1 << 18  # text per vectorised pass: big enough to amortise numpy calls, small enough for cache
_SEPARATOR = b" \xff "
_END = 0xFF
_BLANK = 32
_MARKS_2 = np.array(sorted(int.from_bytes(m, "big") for m in UNICODE_PUNCTUATION if len(m) == 2))
_MARKS_3 = np.array(sorted(int.from_bytes(m, "big") for m in UNICODE_PUNCTUATION if len(m) == 3))
assert len(_MARKS_2) + len(_MARKS_3) == len(UNICODE_PUNCTUATION)

Printed = tuple[Fingerprint, str]  # an article's fingerprint and its shingle code (``verify.shingle_code``)


def encoded_body(text: str, settings: DedupeSettings) -> bytes:
    """``body_text`` as UTF-8, skipping the case folding the word table does anyway for ASCII text."""
    if settings.strip_chrome:
        text = strip_chrome(
            text,
            min_words=settings.chrome_min_words,
            long_line_words=settings.chrome_long_line_words,
            min_body_words=settings.min_body_words,
        )
    return text.encode() if text.isascii() else fold_case(text).encode()


def fingerprint_texts(
    texts: Sequence[str], settings: DedupeSettings, published: Sequence[int]
) -> list[Printed]:
    """The fingerprint and shingle code of each raw article text, as ``fingerprint_body(body_text(...))``."""
    encoded = [encoded_body(text, settings) for text in texts]
    printed: list[Printed] = []
    start = size = 0
    for end, body in enumerate(encoded):
        size += len(body)
        if size >= CHUNK_BYTES or end == len(encoded) - 1:
            printed += _fingerprint_chunk(encoded[start : end + 1], settings, published[start : end + 1])
            start, size = end + 1, 0
    return printed


def _word_bytes(encoded: Sequence[bytes]) -> np.ndarray:
    """``word_array`` of every text, one after the other, each followed by a 0xFF byte but the last."""
    raw = b" " + _SEPARATOR.join(encoded) + b"   "  # two spare blanks: marks are read three bytes wide
    translated = raw.translate(ASCII_WORD_TABLE)
    if all(body.isascii() for body in encoded):
        data = np.frombuffer(translated, dtype=np.uint8)
    else:
        data = np.frombuffer(bytearray(translated), dtype=np.uint8)
        _blank_marks(data)
    nonblank = data != _BLANK
    keep = np.empty_like(nonblank)
    keep[0] = True
    np.logical_or(nonblank[1:], nonblank[:-1], out=keep[1:])  # a blank stays only right after a word
    return data[keep]


def _blank_marks(data: np.ndarray) -> None:
    """Overwrite the Unicode quotes, dashes and spaces of ``word_array`` with blanks, in place."""
    leads = np.flatnonzero(data >= 0xC2)  # first bytes of multi-byte characters (and the separators)
    if not len(leads):
        return
    two = (data[leads].astype(np.int64) << 8) | data[leads + 1]
    three = (two << 8) | data[leads + 2]
    for marks, width in ((leads[np.isin(two, _MARKS_2)], 2), (leads[np.isin(three, _MARKS_3)], 3)):
        for offset in range(width):
            data[marks + offset] = _BLANK


def _fingerprint_chunk(
    encoded: Sequence[bytes], settings: DedupeSettings, published: Sequence[int]
) -> list[Printed]:
    words = _word_bytes(encoded)
    ends = np.flatnonzero(words == _END)
    shingles, offsets = _shingle_hashes(words, ends, len(encoded), settings.shingle_words)
    unique, unique_counts = _sorted_unique_runs(shingles, offsets)
    values = _oph_bin_rows(unique, unique_counts, settings.signature_bins)
    bands = band_values(values, settings.lsh_bands, settings.lsh_rows).tolist()
    sketches = (values >> np.uint64(24)).astype(np.uint8).tobytes()  # bits 24..31, as in fingerprint_body
    code = shingle_code(shingles)
    view = words.data
    bounds = [0, *(ends + 1).tolist(), len(words) + 1]
    spans = offsets.tolist()
    bins = settings.signature_bins
    empty = ((0,) * settings.lsh_bands, bytes(bins))
    printed: list[Printed] = []
    for i, distinct in enumerate(unique_counts.tolist()):
        digest = hashlib.blake2b(view[bounds[i] : bounds[i + 1] - 1], digest_size=8).digest()
        band_hashes, sketch = (tuple(bands[i]), sketches[i * bins : (i + 1) * bins]) if distinct else empty
        fp = Fingerprint(
            band_hashes, sketch, min(distinct, MAX_COUNT), int.from_bytes(digest, "little") or 1, published[i]
        )
        printed.append((fp, code[spans[i] : spans[i + 1]]))
    return printed


def _shingle_hashes(
    words: np.ndarray, ends: np.ndarray, count: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """``shingle_hashes`` of every article, end to end, and where each article's run starts.

    Windows of ``width`` words are taken over all blanks at once; those that cross an article's end are
    dropped. A text of fewer than ``width`` (but some) words is one shingle, as in ``shingle_hashes``.
    """
    blanks = np.flatnonzero(words == _BLANK)
    blank_counts = np.diff(np.searchsorted(blanks, ends), prepend=0, append=len(blanks))
    word_counts = blank_counts - 1
    powers, inverse_powers = power_tables(len(words))
    # Wrapping modulo 2**64 is what the hash needs; an int64 cumsum wraps the same way, and faster.
    prefix = np.cumsum((words * powers).view(np.int64)).view(np.uint64)[blanks]
    scale = inverse_powers[blanks]
    owner = np.repeat(np.arange(count), blank_counts)  # the article of each blank
    inside = owner[:-width] == owner[width:]  # windows that stay inside one article
    hashes = (prefix[width:] - prefix[:-width]) * scale[:-width]
    hashes = hashes[inside]
    short = np.flatnonzero((word_counts > 0) & (word_counts < width))
    if len(short):
        first = np.cumsum(blank_counts)[short] - blank_counts[short]
        last = first + word_counts[short]
        begin = np.concatenate([np.flatnonzero(inside), first])
        hashes = np.concatenate([hashes, (prefix[last] - prefix[first]) * scale[first]])
        hashes = hashes[np.argsort(begin, kind="stable")]
    per_article = np.where(word_counts >= width, word_counts - width + 1, np.minimum(word_counts, 1))
    offsets = np.zeros(count + 1, dtype=np.intp)
    np.cumsum(per_article, out=offsets[1:])
    return mix64(hashes), offsets


def _sorted_unique_runs(shingles: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each article's distinct shingle hashes in ascending order, end to end, and how many each has."""
    ordered = shingles.copy()
    spans = offsets.tolist()
    for begin, end in pairwise(spans):
        if end - begin > 1:
            ordered[begin:end].sort()
    distinct = np.ones(len(ordered), dtype=bool)
    if len(ordered) > 1:
        np.not_equal(ordered[1:], ordered[:-1], out=distinct[1:])
        distinct[offsets[:-1][offsets[:-1] < len(ordered)]] = True  # a run's first value is always new
    running = np.zeros(len(ordered) + 1, dtype=np.intp)
    np.cumsum(distinct, out=running[1:])
    return ordered[distinct], running[offsets[1:]] - running[offsets[:-1]]


def _oph_bin_rows(unique: np.ndarray, counts: np.ndarray, bins: int) -> np.ndarray:
    """``_oph_bins`` for every article at once: one row of densified bin minima per article.

    Rows of articles without shingles are meaningless (the caller replaces those fingerprints).
    """
    rows = len(counts)
    shift = np.uint64(64 - (bins.bit_length() - 1))
    cell = np.repeat(np.arange(rows) * bins, counts) + (unique >> shift).astype(np.intp)
    first = np.ones(len(cell), dtype=bool)  # cells ascend, so a cell's first value is its minimum
    np.not_equal(cell[1:], cell[:-1], out=first[1:])
    cells = cell[first]
    minima = np.zeros(rows * bins, dtype=np.uint64)
    minima[cells] = unique[first]
    present = np.zeros(rows * bins, dtype=bool)
    present[cells] = True
    # For each bin, the first non-empty bin at or after it, wrapping around: a suffix minimum of the
    # present positions over the row written twice.
    twice = np.tile(present.reshape(rows, bins), 2)
    position = np.where(twice, np.arange(2 * bins), 4 * bins)
    donor = np.minimum.accumulate(position[:, ::-1], axis=1)[:, ::-1][:, :bins]
    distance = donor - np.arange(bins)
    donor %= bins
    picked = np.take_along_axis(minima.reshape(rows, bins), donor, axis=1)
    return picked + distance.astype(np.uint64) * np.uint64(ROTATE_C)
