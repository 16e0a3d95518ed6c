"""``newswatch feeds check URL``, ``newswatch feeds import FILE.opml`` and ``newswatch connectors``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from typing import Any, TextIO

import orjson

from connectors.feedlist import IMPORT_TARGET, merge_feeds, read_feeds_file, write_feeds_file
from connectors.http import HttpClient
from connectors.opml import read_opml
from connectors.rss import FeedPoller, PollReport
from connectors.state import FeedState
from streams.settings import Settings, load_settings
from streams.settings.connectors import FeedSettings

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the connector commands to the ``newswatch`` parser."""
    feeds = subparsers.add_parser("feeds", help="check one feed, or import an OPML subscription list")
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="fetch a feed and print what would be produced (nothing is sent)"
    )
    check.add_argument("url")
    check.add_argument("--allow-private", action="store_true", help="allow private/loopback addresses")
    check.add_argument("--full-text", action="store_true", help="also fetch and extract each article page")
    check.add_argument("--text-chars", type=int, default=160, help="characters of text to show per article")
    check.add_argument(
        "--json", action="store_true", help="print the report as one JSON document (docs/connectors.md)"
    )
    check.set_defaults(func=cmd_check)
    imp = actions.add_parser("import", help="merge the feeds of an OPML file into the feeds file")
    imp.add_argument("file", help="OPML file")
    imp.add_argument(
        "--feeds-file", help=f"feeds file to write (default: connectors.feeds_file or {IMPORT_TARGET})"
    )
    imp.add_argument("--interval", type=float, help="poll interval in seconds for the imported feeds")
    imp.set_defaults(func=cmd_import)
    run = subparsers.add_parser("connectors", help="run the spool and feed connectors until Ctrl-C/SIGTERM")
    run.set_defaults(func=cmd_connectors)


def _configure_logging(settings: Settings) -> None:
    try:
        from streams.logging_setup import configure_logging

        configure_logging(settings.worker.log_level, settings.worker.log_json)
    except ImportError:  # pragma: no cover - the lead's module is optional here
        logging.basicConfig(level=logging.INFO)


def print_report(report: PollReport, out: TextIO, text_chars: int = 160) -> None:
    """The human-readable account of a dry-run poll."""
    print(f"feed:    {report.feed}", file=out)
    if report.final_url and report.final_url != report.feed:
        print(f"final:   {report.final_url}", file=out)
    print(f"status:  {report.status}  format: {report.format or '-'}  bytes: {report.bytes}", file=out)
    if report.error:
        print(f"error:   {report.error}", file=out)
    for problem in report.problems:
        print(f"problem: {problem}", file=out)
    print(f"\n{len(report.articles)} article(s) would be produced:", file=out)
    for article in report.articles:
        flag = " (fallback: fetch time)" if article.published_is_fallback else ""
        print(f"- [{article.id}] {article.title or '(no title)'}", file=out)
        print(f"    url: {article.url}", file=out)
        print(f"    published: {article.published.isoformat()}{flag}  language: {article.language}", file=out)
        if article.authors:
            print(f"    authors: {', '.join(article.authors)}", file=out)
        snippet = " ".join(article.text.split())[:text_chars]
        print(f"    text ({len(article.text)} chars): {snippet}", file=out)
    if report.skipped:
        print(f"\n{len(report.skipped)} entr(y/ies) skipped:", file=out)
        for what, why in report.skipped:
            print(f"- {what}: {why}", file=out)


async def check_feed(settings: Settings, feed: FeedSettings) -> PollReport:
    """A dry-run poll: no state read or written, nothing produced."""
    async with HttpClient(settings.connectors) as client:
        poller = FeedPoller(settings, client, sink=None, state=None)
        return await poller.poll(feed, FeedState(), dry_run=True)


def report_document(report: PollReport) -> dict[str, Any]:
    """The machine form of a dry-run poll (``feeds check --json``, format in docs/connectors.md)."""
    return {
        "format": "newswatch.feeds-check/1",
        "feed": report.feed,
        "final_url": report.final_url or report.feed,
        "status": report.status,
        "feed_format": report.format or None,
        "bytes": report.bytes,
        "error": report.error,
        "problems": list(report.problems),
        "articles": [article.to_dict() for article in report.articles],
        "skipped": [{"entry": what, "reason": why} for what, why in report.skipped],
    }


def _quiet_closed_pipe() -> None:
    """The reader of our output went away (``| head``): send the rest nowhere, say nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def cmd_check(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    feed = FeedSettings(url=args.url, allow_private=args.allow_private, full_text=args.full_text)
    report = asyncio.run(check_feed(settings, feed))
    code = 1 if report.error else 0
    try:
        if args.json:
            document = orjson.dumps(report_document(report), option=orjson.OPT_INDENT_2).decode()
            sys.stdout.write(document + "\n")
        else:
            print_report(report, sys.stdout, args.text_chars)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_closed_pipe()
    return code


def cmd_import(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    target = args.feeds_file or settings.connectors.feeds_file or IMPORT_TARGET
    imported = read_opml(args.file)
    if args.interval:
        imported = [f.model_copy(update={"interval_seconds": args.interval}) for f in imported]
    existing = read_feeds_file(target)
    merged = merge_feeds(existing, imported)
    write_feeds_file(target, merged)
    added = len(merged) - len(existing)
    print(f"{len(imported)} feed(s) in {args.file}; {added} new; {len(merged)} in {target}")
    if not settings.connectors.feeds_file and not args.feeds_file:
        print(f"set connectors.feeds_file: {target} so the connector polls them")
    return 0


async def _run_until_signal(settings: Settings) -> None:
    from connectors.runner import run_connectors

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await run_connectors(settings, stop)


def cmd_connectors(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    _configure_logging(settings)
    asyncio.run(_run_until_signal(settings))
    return 0
