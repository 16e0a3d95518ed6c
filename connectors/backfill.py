"""Backfill: bulk-load an archive (a folder of article files, or a JSON-lines file) into ``articles.raw``.

Inputs are read with the spool connector's readers (the shared loader, ``streams.documents``), so an
archive means what a spool drop means:
``.txt``/``.md``/no extension and ``.html``/``.htm`` files with optional ``<file>.meta.json`` sidecars
(url, published, source, title, language, id), and ``.jsonl``/``.ndjson``/``.json`` files of Article
dicts, one per line. JSON-lines files are streamed line by line (no size limit, constant memory). A
folder is walked recursively in name order; hidden files, sidecars, partial downloads and ``*.error.txt``
notes are passed over; files of other types are counted as skipped.

Articles go through the connectors' ``ArticleProducer`` (``acks=all``, idempotent, key = canonical URL,
re-sent until acknowledged); ``sent`` counts acknowledged articles. Bad lines and unreadable files are
counted and logged, never fatal. Running a backfill twice is safe: the dedupe stage drops the repeats.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from connectors.producer import ArticleSink, RejectedArticleError
from connectors.spool import SKIP_SUFFIXES, read_spool_file
from streams.documents.loader import (
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    SIDECAR_SUFFIX,
    TEXT_SUFFIXES,
    article_from_mapping,
)
from streams.errors import ParseError, RecordError
from streams.records import Article, utcnow

log = logging.getLogger(__name__)

CONNECTOR = "backfill"
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


@dataclass
class BackfillStats:
    """Counts for the progress line and the summary."""

    files: int = 0  # input files read (or attempted)
    read: int = 0  # articles parsed
    sent: int = 0  # articles acknowledged by the broker (or printed, in a dry run)
    skipped: int = 0  # files of an unsupported type
    bad_lines: int = 0  # JSON lines that are not an article
    bad_files: int = 0  # unreadable files
    rejected: int = 0  # articles Kafka will never take (too large even when cut, refused)

    @property
    def errors(self) -> int:
        return self.bad_lines + self.bad_files + self.rejected


@dataclass(frozen=True, slots=True)
class Loaded:
    """One input record: an article, or the reason it is not one; ``units`` is its share of the total."""

    where: str
    article: Article | None = None
    error: str | None = None
    units: int = 1
    line: int | None = None  # the JSON line number, for line records


def _passed_over(path: Path) -> bool:
    name = path.name
    return (
        name.startswith(".")
        or name.endswith(SIDECAR_SUFFIX)
        or name.endswith(".error.txt")
        or path.suffix.lower() in SKIP_SUFFIXES
    )


def discover(root: Path) -> tuple[list[Path], list[Path]]:
    """The input files under ``root`` (or ``root`` itself) and the files skipped as unsupported."""
    if root.is_file():
        return [root], []
    if not root.is_dir():
        raise ParseError(f"{root} is neither a file nor a folder")
    inputs: list[Path] = []
    skipped: list[Path] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file() or _passed_over(path):
            continue
        (inputs if path.suffix.lower() in SUPPORTED_SUFFIXES else skipped).append(path)
    return inputs, skipped


def is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in JSONL_SUFFIXES


def count_units(paths: Iterable[Path]) -> int:
    """The progress total: one per line of each JSON-lines file, one per other file."""
    total = 0
    for path in paths:
        if not is_jsonl(path):
            total += 1
            continue
        try:
            with path.open("rb") as handle:
                lines = 0
                last = b"\n"
                for block in iter(lambda: handle.read(1 << 20), b""):
                    lines += block.count(b"\n")
                    last = block[-1:]
                total += lines + (0 if last == b"\n" else 1)
        except OSError:
            total += 1
    return total


def _own(article: Article) -> Article:
    """Articles the spool reader labelled as its own are labelled as backfilled."""
    if article.connector == "spool":
        return article.replace(connector=CONNECTOR, source_feed=CONNECTOR)
    return article


def _jsonl_records(path: Path) -> Iterator[Loaded]:
    fetched_at = utcnow()
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Loaded(str(path), error=f"cannot read {path}: {exc}")
        return
    with handle:
        for number, line in enumerate(handle, 1):
            where = f"{path}:{number}"
            if not line.strip():
                yield Loaded(where, line=number)
                continue
            try:
                data = orjson.loads(line)
                if not isinstance(data, dict):
                    raise RecordError("line is not a JSON object")
                yield Loaded(where, article=_own(article_from_mapping(data, fetched_at)), line=number)
            except (orjson.JSONDecodeError, RecordError, TypeError, ValueError) as exc:
                yield Loaded(where, error=str(exc), line=number)


def load(paths: Iterable[Path]) -> Iterator[Loaded]:
    """Every record of the input files, in order; errors are records too (never raised)."""
    for path in paths:
        if is_jsonl(path):
            yield from _jsonl_records(path)
            continue
        try:
            articles, _bad = read_spool_file(path)
        except ParseError as exc:
            yield Loaded(str(path), error=str(exc))
            continue
        for article in articles:
            yield Loaded(str(path), article=_own(article), units=0)
        yield Loaded(str(path), units=1)  # the file itself: one unit of progress


def _account(stats: BackfillStats, item: Loaded) -> None:
    if item.error is not None:
        if item.line is not None:
            stats.bad_lines += 1
        else:
            stats.bad_files += 1
        log.warning("backfill: %s skipped: %s", item.where, item.error)
    elif item.article is not None:
        stats.read += 1


async def produce(
    items: Iterable[Loaded],
    sink: ArticleSink,
    stats: BackfillStats,
    *,
    max_in_flight: int = 2000,
    on_progress: Callable[[int], None] | None = None,
) -> BackfillStats:
    """Deliver every article of ``items`` through ``sink``, at most ``max_in_flight`` unacknowledged."""
    slots = asyncio.Semaphore(max_in_flight)
    tasks: set[asyncio.Task[None]] = set()

    async def deliver(article: Article) -> None:
        try:
            await sink.deliver(article)
            stats.sent += 1
        except RejectedArticleError as exc:
            stats.rejected += 1
            log.warning("backfill: article %s skipped: %s", article.id, exc)
        finally:
            slots.release()

    for number, item in enumerate(items, 1):
        _account(stats, item)
        if item.article is not None:
            await slots.acquire()
            task = asyncio.create_task(deliver(item.article))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if on_progress is not None and item.units:
            on_progress(item.units)
        if number % 64 == 0:
            await asyncio.sleep(0)  # let acknowledgements and progress run now and then
    if tasks:
        await asyncio.gather(*tasks)
    return stats


def describe(article: Article) -> str:
    """One dry-run line: id, published, source, URL and title."""
    flag = "~" if article.published_is_fallback else ""
    source = article.source_site or "-"
    published = f"{flag}{article.published.isoformat()}"
    return f"{article.id}  {published}  {source}  {article.url}  {article.title or '-'}"
