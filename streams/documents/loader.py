"""One reader of article documents for the spool connector and every offline tool.

Plain text (``.txt``/``.text``/``.md``/no extension), HTML (``.html``/``.htm``/``.xhtml``) and JSON lines
(``.jsonl``/``.ndjson``/``.json``, one Article dict per line), with an optional ``<file>.meta.json``
sidecar ({url, published, source, title, language, id, summary, authors, source_feed, speaker}). The id is the
sidecar's, else a hash of the URL: the sidecar URL (canonicalised) or ``spool://<file name>``. The date is
the sidecar's, else the one the document states (``streams.documents.dating``), else the file's mtime
(flagged ``published_is_fallback``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from streams.dedupe.urls import canonical_url
from streams.documents.charsets import CharsetError, decode_document
from streams.documents.dating import document_date
from streams.documents.extract import extract_main_text, html_title
from streams.errors import ParseError, RecordError
from streams.records import Article, parse_time, stable_id, utcnow

log = logging.getLogger(__name__)

SPOOL_CONNECTOR = "spool"
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
SIDECAR_SUFFIX = ".meta.json"
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_SIDECAR_BYTES = 1024 * 1024
_CHROME_WORDS = re.compile(
    r"\b(share|tweet|facebook|twitter|print(er)?|subscribe|newsletter|comments?|sign (up|in)|log ?in|fans?"
    r"|cookies?|menu|advertisement|accessibility)\b",
    re.IGNORECASE,
)
_DATEISH = re.compile(r"\d{1,4}[/.]\d{1,2}[/.]\d{1,4}")


class DocumentError(ParseError):
    """A document that cannot become an article; ``reason`` is a small fixed word (metric label)."""

    def __init__(self, message: str, reason: str = "error") -> None:
        super().__init__(message)
        self.reason = reason


class IncompleteFileError(ParseError):
    """A JSON-lines file whose last line is cut off: still being written, so it waits."""


def shown(name: str) -> str:
    """A file name safe for one log line (control characters escaped)."""
    return name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name


def looks_like_headline(line: str) -> bool:
    """A short, title-like line that is not page chrome (share buttons, bylines, dates)."""
    words = line.split()
    if not 4 <= len(words) <= 30 or len(line) > 250:
        return False
    if line.rstrip().endswith((".", ":", ";", ",")) or _DATEISH.search(line) or _CHROME_WORDS.search(line):
        return False
    first = next((c for c in line if c.isalpha()), "")
    return bool(first) and (first.isupper() or not first.isascii())


def guess_title(text: str, max_lines: int = 15) -> str:
    """The first headline-like line among the first few non-empty lines, or ""."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return next((line for line in lines[:max_lines] if looks_like_headline(line)), "")


def sidecar_meta(raw: bytes, name: str) -> dict[str, Any]:
    """A sidecar's mapping; anything else is a DocumentError (``bad_sidecar``)."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DocumentError(f"sidecar {shown(name)} is not valid JSON: {exc}", "bad_sidecar") from exc
    if not isinstance(data, dict):
        raise DocumentError(f"sidecar {shown(name)} must hold a JSON object", "bad_sidecar")
    return data


def decode_text(raw: bytes, name: str, declared: str | None = None, html: bool = False) -> str:
    """The document's text in the charset it declares (BOM, sidecar or HTTP ``charset``, ``<meta
    charset>``), else UTF-8, else detected (``streams/documents/charsets.py``); binary is refused."""
    try:
        return decode_document(raw, shown(name), declared=declared, html=html)
    except CharsetError as exc:
        reason = "binary" if "NUL" in str(exc) else "undecodable"
        raise DocumentError(f"{shown(name)} {exc}", reason) from exc


def _published(
    meta: dict[str, Any], name: str, body: str, markup: str | None, mtime: float
) -> tuple[datetime, bool]:
    try:
        published = parse_time(meta.get("published"))
    except (TypeError, ValueError) as exc:
        raise DocumentError(f"sidecar of {shown(name)} has a bad published time: {exc}", "bad_date") from exc
    if published is not None:
        return published, False
    stated = document_date(body, markup)
    if stated is not None:
        return stated, False
    return datetime.fromtimestamp(mtime, UTC), True


def article_from_document(
    name: str,
    raw: bytes,
    meta: dict[str, Any],
    fetched_at: datetime,
    mtime: float,
    *,
    html: bool | None = None,
) -> Article:
    """One article from a plain-text or HTML document plus its sidecar metadata.

    ``html`` says whether the bytes are a page (default: from the name's suffix).
    """
    is_html = Path(name).suffix.lower() in HTML_SUFFIXES if html is None else html
    charset = meta.get("charset")
    text = decode_text(raw, name, charset if isinstance(charset, str) else None, is_html)
    url = canonical_document_url(meta, name)
    if is_html:
        body = extract_main_text(text, url if url.startswith("http") else None)
        title = str(meta.get("title") or html_title(text) or guess_title(body))
    else:
        body = text.strip()
        title = str(meta.get("title") or guess_title(body))
    if not body and not title.strip():
        raise DocumentError(f"{shown(name)} has no text", "empty")
    published, fallback = _published(meta, name, body, text if is_html else None, mtime)
    return Article(
        id=str(meta.get("id") or stable_id(url)),
        url=url,
        title=title,
        text=body,
        published=published,
        fetched_at=fetched_at,
        published_is_fallback=fallback,
        summary=str(meta.get("summary") or ""),
        authors=tuple(str(a) for a in meta.get("authors") or ()),
        language=meta.get("language"),
        source_feed=str(meta.get("source_feed") or SPOOL_CONNECTOR),
        source_site=str(meta.get("source") or ""),
        connector=SPOOL_CONNECTOR,
        speaker=str(meta["speaker"]) if meta.get("speaker") else None,
    )


def canonical_document_url(meta: dict[str, Any], name: str) -> str:
    """The sidecar URL, canonicalised, or ``spool://<file name>``."""
    return canonical_url(str(meta["url"])) if meta.get("url") else f"spool://{name}"


def _cut_off(raw: bytes) -> bool:
    """Whether the last line is unterminated and not (yet) a whole JSON value."""
    if not raw or raw.endswith((b"\n", b"\r")):
        return False
    last = raw.rsplit(b"\n", 1)[-1]
    if not last.strip():
        return False
    try:
        orjson.loads(last)
    except orjson.JSONDecodeError:
        return True
    return False


def article_from_mapping(data: dict[str, Any], fetched_at: datetime) -> Article:
    """An Article dict with lenient defaults: id from the URL, published falling back to now (flagged)."""
    data = dict(data)
    if data.get("url"):
        data["url"] = canonical_url(str(data["url"]))
    if not data.get("id"):
        basis = data.get("url") or f"{data.get('title', '')}\x1f{data.get('text', '')}"
        if not str(basis).strip("\x1f"):
            raise RecordError("article has neither id, url, title nor text")
        data["id"] = stable_id(str(basis))
    if not data.get("published"):
        data["published"] = fetched_at.isoformat()
        data["published_is_fallback"] = True
    data.setdefault("fetched_at", fetched_at.isoformat())
    data["connector"] = data.get("connector") or SPOOL_CONNECTOR
    data.setdefault("source_feed", SPOOL_CONNECTOR)
    data.pop("duplicate_of", None)
    data.pop("similarity", None)
    return Article.from_dict(data)


def articles_from_jsonl(
    name: str, raw: bytes, fetched_at: datetime, *, final: bool = True
) -> tuple[list[Article], int]:
    """Articles from JSON lines, and how many lines were bad (logged and skipped).

    A cut-off last line raises IncompleteFileError unless ``final`` (then it is one more bad line).
    """
    if not final and _cut_off(raw):
        raise IncompleteFileError(f"{shown(name)} ends in an unfinished line (still being written?)")
    articles: list[Article] = []
    bad = 0
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
            if not isinstance(data, dict):
                raise RecordError("line is not a JSON object")
            articles.append(article_from_mapping(data, fetched_at))
        except (orjson.JSONDecodeError, RecordError, TypeError, ValueError) as exc:
            bad += 1
            log.warning("%s line %d skipped: %s", shown(name), number, exc)
    return articles, bad


def parse_document(
    name: str,
    raw: bytes,
    meta: dict[str, Any],
    *,
    mtime: float,
    final: bool = True,
    fetched_at: datetime | None = None,
) -> tuple[list[Article], int]:
    """The articles in one document's bytes and the count of skipped lines; DocumentError if unusable."""
    if not raw:
        raise DocumentError(f"{shown(name)} is empty", "empty")
    fetched_at = fetched_at or utcnow()
    if Path(name).suffix.lower() in JSONL_SUFFIXES:
        return articles_from_jsonl(name, raw, fetched_at, final=final)
    return [article_from_document(name, raw, meta, fetched_at, mtime)], 0


def sidecar_path(path: Path) -> Path:
    """Where a document's sidecar is (it may not exist)."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _read_capped(path: Path, max_bytes: int) -> bytes:
    with path.open("rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DocumentError(f"{shown(path.name)} is larger than {max_bytes} bytes", "too_large")
    return raw


def read_document(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> tuple[list[Article], int]:
    """The articles of one document file on disk and its sidecar (offline tools: no owner checks)."""
    sidecar = sidecar_path(path)
    meta = sidecar_meta(_read_capped(sidecar, MAX_SIDECAR_BYTES), sidecar.name) if sidecar.is_file() else {}
    raw = _read_capped(path, max_bytes)
    # nanoseconds, as the spool reads them: the float st_mtime can give a datetime 1 us apart
    return parse_document(path.name, raw, meta, mtime=path.stat().st_mtime_ns / 1e9)


def is_document(path: Path) -> bool:
    """Whether a folder entry is a document the loader reads (not hidden, not a sidecar, not the
    folder's README, which documents the folder)."""
    name = path.name
    return (
        path.is_file()
        and not name.startswith(".")
        and path.stem.lower() != "readme"
        and not name.endswith(SIDECAR_SUFFIX)
        and path.suffix.lower() in DOCUMENT_SUFFIXES
    )


def load_documents(target: Path) -> Iterator[tuple[str, Article]]:
    """(input name, article) for a document file or every document of a folder, in name order.

    Unusable files and bad JSON lines are logged and skipped; a missing target is FileNotFoundError.
    """
    if target.is_dir():
        paths = sorted(p for p in target.iterdir() if is_document(p))
    elif target.is_file():
        paths = [target]
    else:
        raise FileNotFoundError(f"no such file or folder: {target}")
    for path in paths:
        try:
            articles, _bad = read_document(path)
        except ParseError as exc:
            log.warning("%s skipped: %s", shown(str(path)), exc)
            continue
        jsonl = path.suffix.lower() in JSONL_SUFFIXES
        for number, article in enumerate(articles, 1):
            yield (f"{path}:{number}" if jsonl else str(path)), article
