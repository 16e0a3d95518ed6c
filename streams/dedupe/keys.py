"""Keys and values of the dedupe index: compact, deterministic, and valid as Kafka keys.

The fingerprint table (the only persisted state) has short ASCII keys (base64 of a 6-byte digest)
and raw bytes values. The in-memory lookups derived from it use plain ints (``*_lookup``), cheaper to
build and hash than strings; ``url_key``, ``content_key`` and ``band_key`` are their serialised forms
(for a store that must hold them, Kafka keys for band routing, and the size accounting).
"""

from __future__ import annotations

import hashlib
import struct
from binascii import b2a_base64
from typing import NamedTuple

from streams.dedupe.signature import Fingerprint, encoded_size

REF_BYTES = 6
_CONTENT_LOOKUP = 1 << 64  # content lookups sit above every 64-bit URL lookup in the same map
_PUBLISHED = struct.Struct("<xI")  # a serialised Fingerprint starts with its version and published time


class Remembered(NamedTuple):
    """One fingerprint-table entry, decoded."""

    fingerprint: Fingerprint
    url_hash: int
    article_id: str


def _b64(raw: bytes) -> str:
    """Standard base64 (callers pass multiples of 3 bytes, or strip the padding)."""
    return b2a_base64(raw, newline=False).decode("ascii")


def article_ref(article_id: str) -> bytes:
    """The 6-byte reference of an article in the index (48-bit digest of its id)."""
    return hashlib.blake2b(article_id.encode("utf-8"), digest_size=REF_BYTES).digest()


def ref_key(ref: bytes) -> str:
    """The fingerprint-table key of a reference (8 characters)."""
    return _b64(ref)


def url_key(digest: int) -> str:
    """The exact-table key of a URL digest (12 characters)."""
    return _b64(b"u" + digest.to_bytes(8, "little"))


def content_key(digest: int) -> str:
    """The exact-table key of a content digest (12 characters)."""
    return _b64(b"c" + digest.to_bytes(8, "little"))


def band_key(band: int, value: int) -> str:
    """The band-table key (and the Kafka key for band routing) of one 24-bit band value (6 characters)."""
    return _b64(bytes((band,)) + value.to_bytes(3, "little")).rstrip("=")


def band_keys(fp: Fingerprint) -> list[str]:
    """All band-table keys of a fingerprint."""
    return [band_key(band, value) for band, value in enumerate(fp.band_hashes)]


def fingerprint_key(article_id: str) -> str:
    """The fingerprint-table key of an article: ``ref_key(article_ref(article_id))``."""
    return _b64(article_ref(article_id))


def url_lookup(digest: int) -> int:
    """The in-memory exact-layer key of a URL digest."""
    return digest


def content_lookup(digest: int) -> int:
    """The in-memory exact-layer key of a content digest (never equal to a URL lookup)."""
    return digest | _CONTENT_LOOKUP


def band_lookups(fp: Fingerprint) -> list[int]:
    """The in-memory LSH bucket keys of a fingerprint: band number and 24-bit band value in one int."""
    return [band << 24 | value for band, value in enumerate(fp.band_hashes)]


def encode_entry(fp: Fingerprint, url_digest: int, article_id: str) -> bytes:
    """Fingerprint-table value: fingerprint bytes, 8-byte URL digest, then the article id in UTF-8."""
    return fp.to_bytes() + url_digest.to_bytes(8, "little") + article_id.encode("utf-8")


def entry_published(value: bytes) -> int:
    """The published time (epoch seconds) of a fingerprint-table value, without decoding the rest."""
    published: int = _PUBLISHED.unpack_from(value)[0]
    return published


def entry_article_id(value: bytes) -> str:
    """The article id of a fingerprint-table value, without decoding the rest."""
    return bytes(value[encoded_size(value) + 8 :]).decode("utf-8")


def decode_entry(value: bytes) -> Remembered:
    """Inverse of ``encode_entry``."""
    size = encoded_size(value)
    fp = Fingerprint.from_bytes(value)
    url_digest = int.from_bytes(value[size : size + 8], "little")
    return Remembered(fp, url_digest, bytes(value[size + 8 :]).decode("utf-8"))
