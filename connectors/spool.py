"""Spool connector: article files dropped into a folder become articles; done files move to ``done/``.

Accepted files: plain text (``.txt``/``.text``/``.md``/no extension), HTML (``.html``/``.htm``) and JSON
lines (``.jsonl``/``.ndjson``/``.json``, one Article dict per line). A sidecar ``<file>.meta.json``
({url, published, source, title, language, id}) supplies metadata. The Kafka key/URL is the sidecar URL
(canonicalised) or ``spool://<file name>``, so re-dropping the same file keeps its id.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from connectors import metrics
from connectors.base import Connector, register
from connectors.extract import extract_main_text, html_title
from connectors.producer import article_key
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
SIDECAR_SUFFIX = ".meta.json"
SKIP_SUFFIXES = {".tmp", ".part", ".partial", ".swp", ".crdownload"}
_CHROME_WORDS = re.compile(
    r"\b(share|tweet|facebook|twitter|print(er)?|subscribe|newsletter|comments?|sign (up|in)|log ?in|fans?"
    r"|cookies?|menu|advertisement|accessibility)\b",
    re.IGNORECASE,
)
_DATEISH = re.compile(r"\d{1,4}[/.]\d{1,2}[/.]\d{1,4}")
MAX_SPOOL_FILE_BYTES = 50 * 1024 * 1024


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


def sidecar_for(path: Path) -> Path | None:
    """``<file>.meta.json`` (or ``<stem>.meta.json``) beside a spool file, if present."""
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)):
        if candidate != path and candidate.is_file():
            return candidate
    return None


def read_sidecar(path: Path) -> dict[str, Any]:
    """The sidecar's mapping; a broken sidecar is a ParseError (the file goes to failed/)."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ParseError(f"sidecar {path.name} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ParseError(f"sidecar {path.name} must hold a JSON object")
    return data


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; binary files are refused."""
    if b"\x00" in raw[:8192]:
        raise ParseError(f"{name} looks binary (NUL bytes)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError(f"{name} is neither UTF-8 nor Windows-1252 text")


def _published(meta: dict[str, Any], path: Path) -> tuple[datetime, bool]:
    try:
        published = parse_time(meta.get("published"))
    except (TypeError, ValueError) as exc:
        raise ParseError(f"sidecar of {path.name} has a bad published time: {exc}") from exc
    if published is not None:
        return published, False
    return datetime.fromtimestamp(path.stat().st_mtime, UTC), True


def article_from_document(path: Path, raw: bytes, meta: dict[str, Any], fetched_at: datetime) -> Article:
    """One article from a plain-text or HTML spool file plus its sidecar metadata."""
    text = decode_text(raw, path.name)
    is_html = path.suffix.lower() in HTML_SUFFIXES
    url = canonical_url(str(meta["url"])) if meta.get("url") else f"spool://{path.name}"
    if is_html:
        body = extract_main_text(text, url if url.startswith("http") else None)
        title = str(meta.get("title") or html_title(text) or guess_title(body))
    else:
        body = text.strip()
        title = str(meta.get("title") or guess_title(body))
    published, fallback = _published(meta, path)
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


def articles_from_jsonl(path: Path, raw: bytes, fetched_at: datetime) -> tuple[list[Article], int]:
    """Articles from JSON lines, and how many lines were bad (logged and skipped)."""
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
            log.warning("spool %s line %d skipped: %s", path.name, number, exc)
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


def read_spool_file(path: Path) -> tuple[list[Article], int]:
    """Articles in one spool file and the count of skipped lines; ParseError if unreadable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read {path.name}: {exc}") from exc
    if len(raw) > MAX_SPOOL_FILE_BYTES:
        raise ParseError(f"{path.name} is larger than {MAX_SPOOL_FILE_BYTES} bytes")
    fetched_at = utcnow()
    if path.suffix.lower() in JSONL_SUFFIXES:
        return articles_from_jsonl(path, raw, fetched_at)
    sidecar = sidecar_for(path)
    meta = read_sidecar(sidecar) if sidecar else {}
    return [article_from_document(path, raw, meta, fetched_at)], 0


class SpoolFolder:
    """The folder layout: incoming files at the top, ``done/`` and ``failed/`` beside them."""

    def __init__(self, root: str | Path, settle_seconds: float = 0.5) -> None:
        self.root = Path(root)
        self.done = self.root / "done"
        self.failed = self.root / "failed"
        self.settle_seconds = settle_seconds

    def ensure(self) -> None:
        """Create the folders."""
        for folder in (self.root, self.done, self.failed):
            folder.mkdir(parents=True, exist_ok=True)

    def pending(self) -> Iterator[Path]:
        """Files ready to process, oldest first; sidecars, hidden and partial files are not."""
        now = time.time()
        try:
            entries = [p for p in self.root.iterdir() if p.is_file()]
        except FileNotFoundError:
            return
        entries.sort(key=lambda p: (p.stat().st_mtime, p.name))
        for path in entries:
            name = path.name
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIX) or path.suffix.lower() in SKIP_SUFFIXES:
                continue
            if now - path.stat().st_mtime < self.settle_seconds:
                continue
            yield path

    def _move(self, path: Path, folder: Path) -> Path:
        target = folder / path.name
        if target.exists():
            target = folder / f"{path.stem}.{int(time.time() * 1000)}{path.suffix}"
        shutil.move(str(path), str(target))
        sidecar = sidecar_for(path)
        if sidecar is not None:
            shutil.move(str(sidecar), str(folder / (target.name + SIDECAR_SUFFIX)))
        return target

    def mark_done(self, path: Path) -> Path:
        """Move a produced file (and its sidecar) into done/."""
        return self._move(path, self.done)

    def mark_failed(self, path: Path, reason: str) -> Path:
        """Move an unreadable file into failed/ with ``<name>.error.txt`` saying why."""
        target = self._move(path, self.failed)
        target.with_name(target.name + ".error.txt").write_text(reason + "\n", encoding="utf-8")
        return target


def file_digest(path: Path) -> str:
    """Name and content digest: identifies a file already produced but not yet moved."""
    digest = hashlib.sha256(path.name.encode("utf-8") + b"\x00")
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
        """Process every ready file once; returns the number of files handled."""
        handled = 0
        for path in list(self.folder.pending()):
            if stop is not None and stop.is_set():
                break
            await self.process(path)
            handled += 1
        return handled

    async def process(self, path: Path) -> None:
        """Produce one file's articles, wait for the acks, then move it (failed/ if unreadable)."""
        try:
            digest = await asyncio.to_thread(file_digest, path)
        except OSError as exc:
            log.warning("spool file %s vanished or is unreadable: %s", path.name, exc)
            return
        if self.state.spool_is_done(digest):
            log.info("spool file %s was already produced; moving it to done/", path.name)
            self.folder.mark_done(path)
            self.state.forget_spool(digest)
            return
        try:
            articles, bad = await asyncio.to_thread(read_spool_file, path)
        except ParseError as exc:
            log.warning("spool file %s failed: %s", path.name, exc)
            self.folder.mark_failed(path, str(exc))
            metrics.SPOOL_FILES.labels(outcome="failed").inc()
            return
        if bad:
            metrics.SPOOL_BAD_LINES.inc(bad)
        keyed = [(a.id, article_key(a)) for a in articles]
        await asyncio.to_thread(self.state.note_in_flight, SPOOL_SOURCE + digest, keyed, time.time())
        await asyncio.gather(*(self.sink.deliver(article) for article in articles))
        try:
            self.state.mark_spool_done(digest, path.name)
        except StateError:
            # Its articles are acknowledged: move it on so it is not produced again, then stop.
            self.folder.mark_done(path)
            raise
        self.folder.mark_done(path)
        self.state.forget_spool(digest)
        metrics.SPOOL_FILES.labels(outcome="done").inc()
        log.info("spool file %s: %d article(s) produced, %d bad line(s)", path.name, len(articles), bad)
