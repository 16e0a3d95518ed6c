"""Spool connector: article files dropped into a folder become articles; done files move to ``done/``.

Accepted files: plain text (``.txt``/``.text``/``.md``/no extension), HTML (``.html``/``.htm``) and JSON
lines (``.jsonl``/``.ndjson``/``.json``, one Article dict per line). A sidecar ``<file>.meta.json``
({url, published, source, title, language, id, charset, speaker}) supplies metadata. Files are read by the
shared loader (``streams.documents.loader``, also used by ``explain``, ``dedupe-check`` and backfill): the
Kafka key/URL is the sidecar URL (canonicalised) or ``spool://<file name>``, so re-dropping the same file
keeps its id; with no sidecar date, the date the document states, else the file's mtime.

No file stops the connector: whatever cannot become articles (a link, a foreign or oversized file, a
name that is not UTF-8, an empty or binary file, a bad sidecar or date) moves to ``failed/`` with the
reason, and the files after it flow. What the folder trusts is in ``connectors/spoolfolder.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors import metrics
from connectors.base import Connector, register
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
from streams.documents.loader import (
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    SPOOL_CONNECTOR,
    TEXT_SUFFIXES,
    IncompleteFileError,
    article_from_mapping,
    guess_title,
    parse_document,
    sidecar_meta,
)
from streams.errors import ParseError, StateError
from streams.records import Article
from streams.settings import Settings

log = logging.getLogger(__name__)

CONNECTOR = SPOOL_CONNECTOR
__all__ = [
    "HTML_SUFFIXES",
    "JSONL_SUFFIXES",
    "MAX_SPOOL_FILE_BYTES",
    "SIDECAR_SUFFIX",
    "SKIP_SUFFIXES",
    "TEXT_SUFFIXES",
    "IncompleteFileError",
    "SpoolFolder",
    "article_from_mapping",
    "guess_title",
    "sidecar_for",
]


def read_sidecar(path: Path, owner: int | None = None) -> dict[str, Any]:
    """The sidecar's mapping; a broken sidecar is a SpoolFileError (the file goes to failed/)."""
    try:
        raw, _ = read_regular(path, owner=owner, max_bytes=MAX_SIDECAR_BYTES)
    except SpoolFileError as exc:
        raise SpoolFileError(f"sidecar: {exc}", "bad_sidecar") from exc
    except OSError as exc:
        raise SpoolFileError(f"sidecar {shown(path.name)} cannot be read: {exc}", "bad_sidecar") from exc
    return sidecar_meta(raw, path.name)


def parse_spool_bytes(
    path: Path,
    raw: bytes,
    *,
    mtime: float,
    owner: int | None = None,
    final: bool = True,
    fetched_at: datetime | None = None,
) -> tuple[list[Article], int]:
    """Articles in one spool file's bytes (read by the shared loader, ``streams.documents``) and the
    count of skipped lines; a ParseError with a ``reason`` if unusable."""
    check_name(path.name)
    if not raw:
        raise SpoolFileError(f"{shown(path.name)} is empty", "empty")
    sidecar = None if path.suffix.lower() in JSONL_SUFFIXES else sidecar_for(path)
    meta = read_sidecar(sidecar, owner) if sidecar else {}
    return parse_document(path.name, raw, meta, mtime=mtime, final=final, fetched_at=fetched_at)


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
        reason = str(getattr(exc, "reason", "error"))
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
