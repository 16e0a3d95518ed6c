"""Table keys and values of the dedupe index: compact, deterministic, and valid as Kafka keys.

Every key is a short ASCII string (base64 of a few bytes, no padding); every value is raw bytes. The
layout is documented in docs/dedupe.md ("State: three key/value tables").
"""

from __future__ import annotations

import hashlib
from binascii import b2a_base64
from typing import NamedTuple

from streams.dedupe.signature import Fingerprint, encoded_size

REF_BYTES = 6


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


def encode_entry(fp: Fingerprint, url_digest: int, article_id: str) -> bytes:
    """Fingerprint-table value: fingerprint bytes, 8-byte URL digest, then the article id in UTF-8."""
    return fp.to_bytes() + url_digest.to_bytes(8, "little") + article_id.encode("utf-8")


def decode_entry(value: bytes) -> Remembered:
    """Inverse of ``encode_entry``."""
    size = encoded_size(value)
    fp = Fingerprint.from_bytes(value)
    url_digest = int.from_bytes(value[size : size + 8], "little")
    return Remembered(fp, url_digest, bytes(value[size + 8 :]).decode("utf-8"))
