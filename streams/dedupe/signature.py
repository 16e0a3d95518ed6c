"""Compact article signatures: word-shingle one-permutation MinHash with 1-byte (b-bit) bins.

Why this shape: one hash per shingle (one-permutation hashing, densified) keeps fingerprinting to a
few vectorised numpy passes; 1-byte bins keep the estimate of Jaccard almost as good as full-width
values at a quarter of the bytes; the shingle count turns a Jaccard estimate into a containment
estimate; 24-bit band hashes feed the LSH index. Everything here is pure and deterministic
across processes (no use of Python's salted ``hash``).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

import numpy as np

from streams.dedupe.normalize import dedupe_body
from streams.settings.dedupe import DedupeSettings

SIGNATURE_VERSION = 2
_HEADER = struct.Struct("<BIHQBB")  # version, published epoch, shingle count, content hash, bands, log2(bins)
_U64 = np.uint64
_BYTE_P = _U64(0xD6E8FEB86659FD93)  # odd base of the polynomial byte hash
_SHINGLE_Q = _U64(0x9E3779B97F4A7C15)  # odd multiplier combining token hashes into a shingle hash
ROTATE_C = 0x9E3779B9  # offset added per bin of distance when densifying empty bins
_MIX_1 = _U64(0xBF58476D1CE4E5B9)
HEADER_SIZE = _HEADER.size
_B_BIT_COLLISION = 1.0 / 256.0
MAX_COUNT = 0xFFFF
_BAND_MASK = 0xFFFFFF

_powers = np.ones(1, dtype=np.uint64)
_inverse_powers = np.ones(1, dtype=np.uint64)


def power_tables(length: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i (mod 2**64) for i < ``length``; the shared tables grow on demand."""
    global _powers, _inverse_powers
    if len(_powers) < length:
        size = max(length, 2 * len(_powers), 1 << 14)
        inverse = _U64(pow(int(_BYTE_P), -1, 1 << 64))
        powers = np.ones(size, dtype=np.uint64)
        inverse_powers = np.ones(size, dtype=np.uint64)
        with np.errstate(over="ignore"):
            np.cumprod(np.full(size - 1, _BYTE_P, dtype=np.uint64), dtype=np.uint64, out=powers[1:])
            np.cumprod(np.full(size - 1, inverse, dtype=np.uint64), dtype=np.uint64, out=inverse_powers[1:])
        _powers, _inverse_powers = powers, inverse_powers
    return _powers[:length], _inverse_powers[:length]


def mix64(values: np.ndarray) -> np.ndarray:
    """A xorshift-multiply-xorshift finaliser, in place: every output bit depends on every input bit."""
    values ^= values >> _U64(31)
    values *= _MIX_1
    values ^= values >> _U64(29)
    return values


def _ascii_word_table() -> bytes:
    """bytes.translate table: ASCII letters and digits stay (lower-cased), other ASCII bytes become blanks."""
    table = bytearray(range(256))
    for code in range(128):
        char = chr(code)
        table[code] = ord(char.lower()) if char.isalnum() else 32
    return bytes(table)


ASCII_WORD_TABLE = _ascii_word_table()
# Non-ASCII punctuation common in news text, as UTF-8: quotes, dashes, ellipsis, spaces, bullets, guillemets.
UNICODE_PUNCTUATION = tuple(
    char.encode()
    for char in "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2013\u2014\u2015\u2026\u00a0\u2009\u202f"
    "\u00ab\u00bb\u2039\u203a\u2022\u00b7\u2032\u2033\u00b4\u3000\u3001\u3002"
)


def word_array(text: str) -> np.ndarray:
    """The words of case-folded ``text`` as UTF-8 bytes, each followed by one blank, after a leading blank.

    ASCII punctuation and the common Unicode quotes, dashes and spaces separate words, so restyled
    copies give the same array.
    """
    encoded = text.encode()
    if len(encoded) != len(text):
        for mark in UNICODE_PUNCTUATION:
            if mark in encoded:
                encoded = encoded.replace(mark, b" ")
    data = np.frombuffer(b" " + encoded.translate(ASCII_WORD_TABLE) + b" ", dtype=np.uint8)
    keep = data != 32
    keep[1:] |= keep[:-1]  # a blank stays only right after a word: runs of blanks shrink to one
    keep[0] = True
    return data[keep]


def word_bytes(text: str) -> bytes:
    """The words of ``text`` joined by single blanks (``word_array`` without its outer blanks)."""
    return word_array(text).tobytes().strip(b" ")


def shingle_hashes(words: np.ndarray, shingle_words: int) -> np.ndarray:
    """64-bit hashes of the word n-grams of a ``word_array``, in text order; a short text is one.

    Each shingle's hash is the polynomial hash of its bytes (and closing blank), read off prefix
    sums of ``byte * P**i`` in one vectorised pass, then mixed so every bit depends on the whole shingle.
    """
    blanks = np.flatnonzero(words == 32)  # blanks[j] precedes word j; the last blank ends the last word
    words_count = len(blanks) - 1
    if words_count <= 0:
        return np.zeros(0, dtype=np.uint64)
    width = min(shingle_words, words_count)
    starts = blanks[: words_count - width + 1]  # the blank before each shingle's first word
    ends = blanks[width:]  # the blank after each shingle's last word
    powers, inverse_powers = power_tables(len(words))
    # uint64 array arithmetic wraps modulo 2**64 without warnings, which these hashes rely on.
    prefix = np.cumsum(words * powers, dtype=np.uint64)
    hashes = prefix[ends]
    hashes -= prefix[starts]
    hashes *= inverse_powers[starts]
    return mix64(hashes)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What dedupe remembers of an article's text: LSH band hashes, a 1-byte-per-bin sketch, sizes, time."""

    band_hashes: tuple[int, ...]  # lsh_bands values, 24 bits each
    sketch: bytes  # signature_bins one-permutation MinHash bins, 8 bits each
    shingle_count: int  # distinct shingles (capped at 65535)
    content_hash: int  # 64-bit digest of the normalised body (exact-content layer)
    published: int  # epoch seconds

    def to_bytes(self) -> bytes:
        """Self-describing little-endian form: 17-byte header, 3 bytes per band, 1 byte per bin."""
        bins_log2 = len(self.sketch).bit_length() - 1
        header = _HEADER.pack(
            SIGNATURE_VERSION,
            max(0, min(self.published, 0xFFFFFFFF)),
            min(self.shingle_count, MAX_COUNT),
            self.content_hash,
            len(self.band_hashes),
            bins_log2,
        )
        bands = b"".join([value.to_bytes(3, "little") for value in self.band_hashes])
        return header + bands + self.sketch

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Inverse of ``to_bytes``; trailing bytes (an index entry's extra fields) are ignored."""
        _version, published, count, content, bands, bins_log2 = _HEADER.unpack_from(data)
        offset = _HEADER.size
        band_hashes = tuple(
            int.from_bytes(data[offset + 3 * band : offset + 3 * band + 3], "little") for band in range(bands)
        )
        offset += 3 * bands
        bins = 1 << bins_log2
        return cls(band_hashes, bytes(data[offset : offset + bins]), count, content, published)

    @property
    def encoded_size(self) -> int:
        return _HEADER.size + 3 * len(self.band_hashes) + len(self.sketch)


def encoded_size(data: bytes) -> int:
    """How many leading bytes of ``data`` a serialised Fingerprint occupies."""
    bands, bins_log2 = data[_HEADER.size - 2], data[_HEADER.size - 1]
    return _HEADER.size + 3 * bands + (1 << bins_log2)


_BIN_GRIDS: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _bin_grid(bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per bin count: bin ids, the smallest hash of each bin, and positions (cached; bins is a power of 2)."""
    grid = _BIN_GRIDS.get(bins)
    if grid is None:
        ids = np.arange(bins, dtype=np.uint64)
        grid = (ids, ids << _U64(64 - (bins.bit_length() - 1)), np.arange(bins))
        _BIN_GRIDS[bins] = grid
    return grid


def _oph_bins(unique_sorted: np.ndarray, bins: int) -> np.ndarray:
    """Densified one-permutation MinHash: the smallest shingle hash per bin (bin = its top bits).

    An empty bin borrows the hash of the next non-empty bin, offset by the distance (rotation
    densification), so short texts still fill every bin. Callers read the low bits, which identify
    the minimum shingle and are uniform (the top bits, which decide the minimum, are not).
    """
    shift = 64 - (bins.bit_length() - 1)
    ids, lowest, positions = _bin_grid(bins)
    first = np.searchsorted(unique_sorted, lowest)
    first[first == len(unique_sorted)] = len(unique_sorted) - 1  # past the end: that bin is empty anyway
    picked = unique_sorted[first]
    present = (picked >> _U64(shift)) == ids
    if present.all():
        return picked
    filled = np.flatnonzero(present)
    donor = filled[np.searchsorted(filled, positions) % len(filled)]
    distance = ((donor - positions) % bins).astype(np.uint64)
    return picked[donor] + distance * _U64(ROTATE_C)


def band_values(bins: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """24-bit hash per LSH band of ``rows`` consecutive bins (the bin's low 24 bits when rows == 1).

    ``bins`` is one article's bins or a 2-d array of them (one row per article); so is the result.
    """
    if rows == 1:
        return bins[..., :bands] & _U64(_BAND_MASK)
    table = bins[..., : bands * rows].reshape(*bins.shape[:-1], bands, rows)
    acc = table[..., 0].copy()
    for column in range(1, rows):
        acc *= _SHINGLE_Q
        acc += table[..., column]
    return mix64(acc) & _U64(_BAND_MASK)


def content_digest(words: np.ndarray) -> int:
    """64-bit digest of a ``word_array`` (never 0): blind to case, spacing and punctuation."""
    return int.from_bytes(hashlib.blake2b(words.data, digest_size=8).digest(), "little") or 1


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` for a 1-d array, by sorting (faster than numpy's hash-based unique at these sizes)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def fingerprint_body(
    body: str, settings: DedupeSettings, published: int = 0
) -> tuple[Fingerprint, np.ndarray]:
    """The fingerprint of a prepared body (``body_text``), plus its shingle hashes in text order."""
    words = word_array(body)
    shingles = shingle_hashes(words, settings.shingle_words)
    unique = _sorted_unique(shingles)
    bins = settings.signature_bins
    if len(unique):
        values = _oph_bins(unique, bins)
        bands = tuple(band_values(values, settings.lsh_bands, settings.lsh_rows).tolist())
        sketch = (values >> _U64(24)).astype(np.uint8).tobytes()  # bits 24..31 (astype keeps the low byte)
    else:
        bands = (0,) * settings.lsh_bands
        sketch = bytes(bins)
    fp = Fingerprint(bands, sketch, min(len(unique), MAX_COUNT), content_digest(words), published)
    return fp, shingles


def body_text(text: str, settings: DedupeSettings) -> str:
    """The case-folded text dedupe fingerprints, chrome stripped per the settings."""
    return dedupe_body(
        text,
        strip=settings.strip_chrome,
        min_words=settings.chrome_min_words,
        long_line_words=settings.chrome_long_line_words,
        min_body_words=settings.min_body_words,
    )


def fingerprint(text: str, *, settings: DedupeSettings, published: int = 0) -> Fingerprint:
    """The fingerprint of raw article text (chrome stripped and normalised first)."""
    return fingerprint_body(body_text(text, settings), settings, published)[0]


def jaccard_estimate(a: Fingerprint, b: Fingerprint) -> float:
    """Jaccard similarity of the two shingle sets, from matching 1-byte bins (chance matches removed)."""
    if len(a.sketch) != len(b.sketch) or not a.sketch:
        return 0.0
    left = np.frombuffer(a.sketch, dtype=np.uint8)
    right = np.frombuffer(b.sketch, dtype=np.uint8)
    return jaccard_from_matches(int(np.count_nonzero(left == right)), len(a.sketch))


def jaccard_from_matches(matches: int, bins: int) -> float:
    """Jaccard estimate from the number of equal 1-byte bins, corrected for chance (1/256) matches."""
    share = matches / bins
    return max(0.0, (share - _B_BIT_COLLISION) / (1.0 - _B_BIT_COLLISION))


def containment_from_jaccard(jaccard: float, count_a: int, count_b: int) -> float:
    """Share of the smaller set inside the larger: |A∩B| = J(|A|+|B|)/(1+J), over min(|A|, |B|)."""
    smaller = min(count_a, count_b)
    if smaller <= 0:
        return 0.0
    overlap = jaccard * (count_a + count_b) / (1.0 + jaccard)
    return min(1.0, overlap / smaller)


def containment_estimate(a: Fingerprint, b: Fingerprint) -> float:
    """Containment of the shorter article's shingles in the longer one's, from the signatures alone."""
    return containment_from_jaccard(jaccard_estimate(a, b), a.shingle_count, b.shingle_count)
