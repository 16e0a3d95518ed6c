"""``newswatch backfill FOLDER_OR_JSONL``: bulk-load an archive into ``articles.raw`` (docs/replay.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any, TextIO

from connectors.backfill import BackfillStats, count_units, describe, discover, load, produce
from connectors.producer import ArticleProducer, ArticleSink
from streams.errors import NewswatchError
from streams.progress import Progress
from streams.records import Article
from streams.settings import Settings, load_settings


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``backfill`` to the main subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "backfill",
        help="bulk-load a folder of article files or a .jsonl of articles into articles.raw",
        description="Read PATH (a folder of .txt/.html files with .meta.json sidecars and/or .jsonl files, "
        "walked recursively, or one such file) and produce every article to articles.raw, waiting for the "
        "broker's acknowledgements. Progress goes to stderr; bad lines are counted, never fatal.",
    )
    parser.add_argument("path", type=Path, metavar="FOLDER_OR_JSONL")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the articles that would be produced (one line each); send nothing",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress line (the summary is still printed)"
    )
    parser.set_defaults(func=handler, handler=handler)
    return parser


class _Printer:
    """A dry-run sink: prints instead of producing."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    async def deliver(self, article: Article) -> None:
        print(describe(article), file=self.out)

    def flush(self, timeout: float | None = None) -> None:
        self.out.flush()


def summary_lines(stats: BackfillStats, dry_run: bool) -> list[str]:
    verb = "would produce" if dry_run else "sent"
    return [
        f"backfill: read {stats.read} article(s) from {stats.files} file(s); {verb} {stats.sent}; "
        f"skipped {stats.skipped} unsupported file(s); errors {stats.errors} "
        f"({stats.bad_lines} bad line(s), {stats.bad_files} unreadable file(s), "
        f"{stats.rejected} refused by Kafka)"
    ]


def run_backfill(
    settings: Settings,
    path: Path,
    sink: ArticleSink,
    *,
    progress_enabled: bool = True,
    stream: TextIO | None = None,
    interval: float = 10.0,
) -> BackfillStats:
    """Discover, read and deliver ``path`` through ``sink``; returns the counts."""
    inputs, skipped = discover(path)
    stats = BackfillStats(files=len(inputs), skipped=len(skipped))
    total = count_units(inputs)
    progress = Progress(
        "backfill", total, unit="records", stream=stream, enabled=progress_enabled, interval=interval
    )

    def advance(units: int) -> None:
        progress.note(sent=stats.sent, errors=stats.errors)
        progress.advance(units)

    with progress:
        asyncio.run(
            produce(
                load(inputs),
                sink,
                stats,
                max_in_flight=settings.connectors.producer.max_in_flight_articles,
                on_progress=advance,
            )
        )
        progress.note(sent=stats.sent, errors=stats.errors)
    return stats


def handler(args: argparse.Namespace) -> int:
    """0 when every article was delivered (bad inputs are counted, not fatal); 2: bad path or settings."""
    try:
        settings = load_settings(getattr(args, "config", None))
        if not args.path.exists():
            raise NewswatchError(f"{args.path} does not exist")
    except NewswatchError as exc:
        print(f"newswatch backfill: {exc}", file=sys.stderr)
        return 2
    interval = 10.0
    section = getattr(settings, "replay", None)
    if section is not None:
        interval = float(section.progress_interval_seconds)
    producer: ArticleProducer | None = None
    if args.dry_run:
        sink: ArticleSink = _Printer(sys.stdout)
    else:
        from streams.admin import ensure_topics

        ensure_topics(settings)  # never let the first send auto-create articles.raw with one partition
        producer = ArticleProducer(settings)
        sink = producer
    try:
        stats = run_backfill(settings, args.path, sink, progress_enabled=not args.quiet, interval=interval)
    finally:
        if producer is not None:
            producer.close(timeout=60)
    for line in summary_lines(stats, args.dry_run):
        print(line, file=sys.stderr)
    return 0
