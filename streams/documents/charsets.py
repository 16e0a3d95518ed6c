"""Bytes of a document (spool file, saved page, fetched page) to text, honouring its declared charset.

In order: a byte-order mark; the charset the sidecar declares; an HTML document's own ``<meta charset>``
(or ``http-equiv`` Content-Type); strict UTF-8; charset-normalizer's detection; Windows-1252. A
declaration that is unknown or does not fit the bytes is logged and the next step is tried.
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE | re.DOTALL
)
WESTERN_CHAOS_MARGIN = 0.05
DETECT_BYTES = 256 * 1024  # enough for charset-normalizer to judge; keeps detection cheap on big files


class CharsetError(ValueError):
    """The bytes are not text in any charset tried."""


def codec_name(label: str) -> str | None:
    """The Python codec for a charset label, or None if unknown."""
    try:
        return codecs.lookup(label.strip()).name
    except (LookupError, ValueError):
        return None


def bom_charset(raw: bytes) -> tuple[str, int] | None:
    """The charset a byte-order mark announces and the mark's length."""
    for mark, name in _BOMS:
        if raw.startswith(mark):
            return name, len(mark)
    return None


def meta_charset(raw: bytes) -> str | None:
    """The charset an HTML document declares in its first 4 KiB (``<meta charset>`` or http-equiv)."""
    found = _META_CHARSET.search(raw[:4096])
    return found.group(1).decode("ascii") if found else None


def detected_charset(sample: bytes) -> str | None:
    """charset-normalizer's best guess, except that Windows-1252 wins when it reads the bytes about as
    cleanly: on short Western text the detector cannot tell cp1252 from cp1250/cp1257 (``crème`` would
    become ``crčme``), and cp1252 is what undeclared Western text almost always is."""
    matches = from_bytes(sample)
    best = matches.best()
    if best is None or not best.encoding:
        return None
    western = next((m for m in matches if "cp1252" in m.could_be_from_charset), None)
    if western is not None and western.chaos <= best.chaos + WESTERN_CHAOS_MARGIN:
        return "cp1252"
    return str(best.encoding)


def _try(raw: bytes, label: str, source: str, name: str) -> str | None:
    codec = codec_name(label)
    if codec is None:
        log.warning("%s: %s declares unknown charset %r; detecting instead", name, source, label[:40])
        return None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        log.warning(
            "%s: %s declares %s but the bytes are not (%s); detecting instead", name, source, codec, exc
        )
        return None


def decode_document(raw: bytes, name: str, *, declared: str | None = None, html: bool = False) -> str:
    """The text of a document; ``name`` (already escaped) is for log lines. CharsetError if none fits."""
    bom = bom_charset(raw)
    if bom is not None:
        codec, length = bom
        try:
            return raw[length:].decode(codec)
        except UnicodeDecodeError as exc:
            raise CharsetError(f"starts with a {codec} byte-order mark but is not {codec}: {exc}") from exc
    if b"\x00" in raw[:8192]:
        raise CharsetError("looks binary (NUL bytes)")
    candidates: list[tuple[str | None, str]] = [(declared, "its sidecar")]
    if html:
        candidates.append((meta_charset(raw), "its <meta charset>"))
    for label, source in candidates:
        if label:
            text = _try(raw, label, source, name)
            if text is not None:
                return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    detected = detected_charset(raw[:DETECT_BYTES])
    if detected is not None:
        try:
            return raw.decode(detected)
        except (UnicodeDecodeError, LookupError):
            pass  # the sample fitted, the whole file does not
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise CharsetError("is neither UTF-8 nor a charset that could be detected") from exc
