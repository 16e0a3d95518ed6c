"""Spool connector: article files dropped into a folder become articles; done files move to ``done/``.

Accepted files: plain text (``.txt``/``.text``/``.md``/no extension), HTML (``.html``/``.htm``) and JSON
lines (``.jsonl``/``.ndjson``/``.json``, one Article dict per line). A sidecar ``<file>.meta.json``
({url, published, source, title, language, id}) supplies metadata. The Kafka key/URL is the sidecar URL
(canonicalised) or ``spool://<file name>``, so re-dropping the same file keeps its id.

No file stops the connector: whatever cannot become articles (a link, a foreign or oversized file, a
name that is not UTF-8, an empty or binary file, a bad sidecar or date) moves to ``failed/`` with the
reason, and the files after it flow. What the folder trusts is in ``connectors/spoolfolder.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from connectors import metrics
from connectors.base import Connector, register
from connectors.charsets import CharsetError, decode_document
from connectors.extract import extract_main_text, html_title
from connectors.producer import RejectedArticleError, article_key
from connectors.spoolfolder import (
    MAX_SIDECAR_BYTES,
    MAX_SPOOL_FILE_BYTES,
    SIDECAR_SUFFIX,
    SKIP_SUFFIXES,
    Signature,
    SpoolFileError,
    SpoolFolder,
    check_name,
    content_digest,
    read_regular,
    shown,
    sidecar_for,
)
from connectors.state import SPOOL_SOURCE
from connectors.urls import canonical_url
from streams.errors import ParseError, RecordError, StateError
from streams.records import Article, parse_time, stable_id, utcnow
from streams.settings import Settings

log = logging.getLogger(__name__)

CONNECTOR = "spool"
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
__all__ = ["MAX_SPOOL_FILE_BYTES", "SIDECAR_SUFFIX", "SKIP_SUFFIXES", "SpoolFolder", "sidecar_for"]
_CHROME_WORDS = re.compile(
    r"\b(share|tweet|facebook|twitter|print(er)?|subscribe|newsletter|comments?|sign (up|in)|log ?in|fans?"
    r"|cookies?|menu|advertisement|accessibility)\b",
    re.IGNORECASE,
)
_DATEISH = re.compile(r"\d{1,4}[/.]\d{1,2}[/.]\d{1,4}")


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


class IncompleteFileError(ParseError):
    """A JSON-lines file whose last line is cut off: still being written, so it waits."""


def read_sidecar(path: Path, owner: int | None = None) -> dict[str, Any]:
    """The sidecar's mapping; a broken sidecar is a SpoolFileError (the file goes to failed/)."""
    try:
        raw, _ = read_regular(path, owner=owner, max_bytes=MAX_SIDECAR_BYTES)
        data = orjson.loads(raw)
    except SpoolFileError as exc:
        raise SpoolFileError(f"sidecar: {exc}", "bad_sidecar") from exc
    except (OSError, orjson.JSONDecodeError) as exc:
        raise SpoolFileError(f"sidecar {shown(path.name)} is not valid JSON: {exc}", "bad_sidecar") from exc
    if not isinstance(data, dict):
        raise SpoolFileError(f"sidecar {shown(path.name)} must hold a JSON object", "bad_sidecar")
    return data


def decode_text(raw: bytes, name: str, declared: str | None = None, html: bool = False) -> str:
    """The document's text in the charset it declares (BOM, sidecar ``charset``, ``<meta charset>``), else
    UTF-8, else detected (``connectors/charsets.py``); binary files are refused."""
    try:
        return decode_document(raw, shown(name), declared=declared, html=html)
    except CharsetError as exc:
        reason = "binary" if "NUL" in str(exc) else "undecodable"
        raise SpoolFileError(f"{shown(name)} {exc}", reason) from exc


def _published(meta: dict[str, Any], path: Path, mtime: float) -> tuple[datetime, bool]:
    try:
        published = parse_time(meta.get("published"))
    except (TypeError, ValueError) as exc:
        raise SpoolFileError(
            f"sidecar of {shown(path.name)} has a bad published time: {exc}", "bad_date"
        ) from exc
    if published is not None:
        return published, False
    return datetime.fromtimestamp(mtime, UTC), True


def article_from_document(
    path: Path, raw: bytes, meta: dict[str, Any], fetched_at: datetime, mtime: float | None = None
) -> Article:
    """One article from a plain-text or HTML spool file plus its sidecar metadata."""
    is_html = path.suffix.lower() in HTML_SUFFIXES
    charset = meta.get("charset")
    text = decode_text(raw, path.name, charset if isinstance(charset, str) else None, is_html)
    url = canonical_url(str(meta["url"])) if meta.get("url") else f"spool://{path.name}"
    if is_html:
        body = extract_main_text(text, url if url.startswith("http") else None)
        title = str(meta.get("title") or html_title(text) or guess_title(body))
    else:
        body = text.strip()
        title = str(meta.get("title") or guess_title(body))
    if not body and not title.strip():
        raise SpoolFileError(f"{shown(path.name)} has no text", "empty")
    published, fallback = _published(meta, path, path.lstat().st_mtime if mtime is None else mtime)
    source = str(meta.get("source") or "")
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
        source_feed=str(meta.get("source_feed") or CONNECTOR),
        source_site=source,
        connector=CONNECTOR,
    )


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


def articles_from_jsonl(
    path: Path, raw: bytes, fetched_at: datetime, *, final: bool = True
) -> tuple[list[Article], int]:
    """Articles from JSON lines, and how many lines were bad (logged and skipped).

    A cut-off last line raises IncompleteFileError unless ``final`` (then it is one more bad line).
    """
    if not final and _cut_off(raw):
        raise IncompleteFileError(f"{shown(path.name)} ends in an unfinished line (still being written?)")
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
            log.warning("spool %s line %d skipped: %s", shown(path.name), number, exc)
    return articles, bad


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
    data["connector"] = data.get("connector") or CONNECTOR
    data.setdefault("source_feed", CONNECTOR)
    data.pop("duplicate_of", None)
    data.pop("similarity", None)
    return Article.from_dict(data)


def parse_spool_bytes(
    path: Path,
    raw: bytes,
    *,
    mtime: float,
    owner: int | None = None,
    final: bool = True,
    fetched_at: datetime | None = None,
) -> tuple[list[Article], int]:
    """Articles in one spool file's bytes and the count of skipped lines; SpoolFileError if unusable."""
    check_name(path.name)
    if not raw:
        raise SpoolFileError(f"{shown(path.name)} is empty", "empty")
    fetched_at = fetched_at or utcnow()
    if path.suffix.lower() in JSONL_SUFFIXES:
        return articles_from_jsonl(path, raw, fetched_at, final=final)
    sidecar = sidecar_for(path)
    meta = read_sidecar(sidecar, owner) if sidecar else {}
    return [article_from_document(path, raw, meta, fetched_at, mtime)], 0


def read_spool_file(
    path: Path, *, owner: int | None = None, max_bytes: int = MAX_SPOOL_FILE_BYTES
) -> tuple[list[Article], int]:
    """Articles in one spool file and the count of skipped lines; ParseError if unusable."""
    check_name(path.name)
    try:
        raw, signature = read_regular(path, owner=owner, max_bytes=max_bytes)
    except FileNotFoundError as exc:
        raise SpoolFileError(f"{shown(path.name)} vanished", "unreadable") from exc
    return parse_spool_bytes(path, raw, mtime=signature.mtime_ns / 1e9, owner=owner)


def file_digest(path: Path) -> str:
    """The digest ``content_digest`` gives the file's name and current content."""
    return content_digest(path.name, path.read_bytes())


@register
class SpoolConnector(Connector):
    """Scans the spool folder every ``spool_poll_seconds``; each file is produced, acked, then moved."""

    name = "spool"

    @classmethod
    def enabled(cls, settings: Settings) -> bool:
        return bool(settings.connectors.spool_dir)

    async def setup(self) -> None:
        cfg = self.settings.connectors
        self.folder = SpoolFolder(cfg.spool_dir or "var/spool", cfg.spool_settle_seconds)
        self.folder.ensure()

    async def run(self, stop: asyncio.Event) -> None:
        poll = self.settings.connectors.spool_poll_seconds
        while not stop.is_set():
            try:
                await self.scan_once(stop)
            except StateError:
                raise  # fatal: the runner stops the connectors cleanly
            except Exception:
                log.exception("spool scan failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll)

    async def scan_once(self, stop: asyncio.Event | None = None) -> int:
        """Process every ready file once; returns the number of files handled.

        A file whose processing fails unexpectedly is logged and left for the next scan; the files
        after it are still processed.
        """
        handled = 0
        for path in list(self.folder.pending()):
            if stop is not None and stop.is_set():
                break
            try:
                await self.process(path)
            except StateError:
                raise
            except Exception:
                log.exception(
                    "spool file %s could not be processed; retrying at the next scan", shown(path.name)
                )
            handled += 1
        return handled

    def _fail(self, path: Path, exc: ParseError) -> None:
        reason = exc.reason if isinstance(exc, SpoolFileError) else "error"
        log.warning("spool file %s failed (%s): %s", shown(path.name), reason, exc)
        metrics.SPOOL_FILES.labels(outcome="failed").inc()
        metrics.SPOOL_FAILED_FILES.labels(reason=reason).inc()
        try:
            self.folder.mark_failed(path, str(exc))
        except OSError as move_error:
            log.error("spool file %s could not be moved to failed/: %s", shown(path.name), move_error)

    async def process(self, path: Path) -> None:
        """Produce one file's articles, wait for the acks, then move it (failed/ if unusable)."""
        try:
            check_name(path.name)
            raw, signature = await asyncio.to_thread(
                read_regular, path, owner=self.folder.owner(), max_bytes=MAX_SPOOL_FILE_BYTES
            )
        except FileNotFoundError:
            log.info("spool file %s vanished before it was read", shown(path.name))
            return
        except SpoolFileError as exc:
            self._fail(path, exc)
            return
        digest = content_digest(path.name, raw)
        if self.state.spool_is_done(digest):
            log.info("spool file %s was already produced; moving it to done/", shown(path.name))
            self.folder.mark_done(path)
            self.state.forget_spool(digest)
            return
        final = self.folder.stable_for(path) >= self.folder.incomplete_wait_seconds
        try:
            articles, bad = await asyncio.to_thread(
                parse_spool_bytes,
                path,
                raw,
                mtime=signature.mtime_ns / 1e9,
                owner=self.folder.owner(),
                final=final,
            )
        except IncompleteFileError as exc:
            log.info("spool file %s waits: %s", shown(path.name), exc)
            return
        except ParseError as exc:
            self._fail(path, exc)
            return
        except Exception as exc:  # a reader bug on hostile input must not stop the folder
            log.exception("spool file %s could not be parsed", shown(path.name))
            self._fail(path, SpoolFileError(f"{type(exc).__name__}: {exc}", "error"))
            return
        if not self.folder.unchanged(path, signature):
            log.info("spool file %s changed while it was read; it waits to settle", shown(path.name))
            self.folder.forget(path)
            return
        await self._produce(path, digest, signature, articles, bad)

    async def _produce(
        self, path: Path, digest: str, signature: Signature, articles: list[Article], bad: int
    ) -> None:
        keyed = [(a.id, article_key(a)) for a in articles]
        await asyncio.to_thread(self.state.note_in_flight, SPOOL_SOURCE + digest, keyed, time.time())
        results = await asyncio.gather(*(self.sink.deliver(a) for a in articles), return_exceptions=True)
        rejected: list[RejectedArticleError] = []
        for result in results:
            if isinstance(result, RejectedArticleError):
                rejected.append(result)
            elif isinstance(result, BaseException):
                raise result
        for refusal in rejected:
            log.warning("spool file %s: an article was skipped: %s", shown(path.name), refusal)
        try:
            self.state.mark_spool_done(digest, path.name)
        except StateError:
            # Its articles are acknowledged: move it on so it is not produced again, then stop.
            self.folder.mark_done(path)
            raise
        if not self.folder.unchanged(path, signature):
            # Appended to while producing: what was read is on Kafka; the whole file is read again later
            # (repeats have the same ids), so the lines added meanwhile are not lost with the move.
            log.warning(
                "spool file %s changed while it was produced; it will be read again", shown(path.name)
            )
            self.folder.forget(path)
        elif articles and len(rejected) == len(articles) and path.suffix.lower() not in JSONL_SUFFIXES:
            self._fail(path, SpoolFileError(f"Kafka will not take its article: {rejected[0]}", "rejected"))
        else:
            self.folder.mark_done(path)
            metrics.SPOOL_FILES.labels(outcome="done").inc()
            if rejected:
                metrics.SPOOL_BAD_LINES.inc(len(rejected))
            log.info(
                "spool file %s: %d article(s) produced, %d bad line(s), %d rejected",
                shown(path.name),
                len(articles) - len(rejected),
                bad,
                len(rejected),
            )
        if bad:
            metrics.SPOOL_BAD_LINES.inc(bad)
        self.state.forget_spool(digest)
