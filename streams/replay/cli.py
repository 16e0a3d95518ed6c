"""``newswatch replay --from DATE --to DATE``: re-run detection over the stored articles (docs/replay.md).

Reads ``articles.unique`` from its beginning to its current end, selects articles published in the
range, detects with the current settings (``detect.rules_path``, ``detect.gazetteer_path``) and sends
the reports to ``events`` like the worker's article agent; the worker's merge agent folds them in, so only
events new to its event table alert. ``--dry-run`` prints the reports instead of sending them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TextIO

from streams.detect.engine import DetectionEngine
from streams.errors import NewswatchError
from streams.progress import Progress
from streams.records import Event, parse_time
from streams.replay.core import Replayer, ReplayStats, TimeRange, report_record
from streams.settings import Settings, load_settings
from streams.settings.replay import ReplaySettings


def replay_settings(settings: Settings) -> ReplaySettings:
    """The ``replay`` section (defaults until the root settings carry it)."""
    section = getattr(settings, "replay", None)
    return section if isinstance(section, ReplaySettings) else ReplaySettings()


def parse_when(value: str) -> date | datetime:
    """``YYYY-MM-DD`` (a whole UTC day) or an ISO 8601 time (naive = UTC)."""
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        moment = parse_time(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date or ISO 8601 time: {value!r}") from exc
    if moment is None:
        raise argparse.ArgumentTypeError("empty date")
    return moment


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``replay`` to the main subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "replay",
        help="re-run detection over stored articles (new rules on old news) without re-alerting",
        description="Re-run event detection with the current settings over the articles stored in "
        "articles.unique that were published in [--from, --to], and send the reports to the events topic; "
        "the worker alerts only events it did not know. Progress goes to stderr.",
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=parse_when,
        metavar="DATE",
        help="first publication day (YYYY-MM-DD, UTC) or time; default: no lower bound",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=parse_when,
        metavar="DATE",
        help="last publication day (inclusive) or time; default: no upper bound",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the reports that would be sent (one line each) and send nothing",
    )
    parser.add_argument("--json", action="store_true", help="with --dry-run: print each report as Event JSON")
    parser.add_argument(
        "--context-days",
        type=float,
        default=None,
        metavar="DAYS",
        help="also detect originals published this close to the range, for duplicates inside "
        "it (default: replay.context_days, else dedupe.window_days)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress line (the summary is still printed)"
    )
    parser.set_defaults(func=handler, handler=handler)
    return parser


@dataclass
class ReplaySummary:
    """What a replay read, selected and sent."""

    stats: ReplayStats
    sent: int
    send_errors: int
    dry_run: bool
    total: int
    deleted_by_retention: bool

    def lines(self) -> list[str]:
        s = self.stats
        verb = "would send" if self.dry_run else "sent"
        types = ", ".join(f"{t}={n}" for t, n in sorted(s.by_type.items())) or "none"
        lines = [
            f"replay: read {s.read} stored record(s); selected {s.selected} article(s) "
            f"({s.duplicates} duplicate(s)); detected {s.detected}",
            f"replay: {verb} {self.sent} report(s) ({types}); skipped {s.skipped}; "
            f"errors {s.errors + self.send_errors} "
            f"({s.errors} bad record(s), {self.send_errors} send failure(s))",
        ]
        if self.deleted_by_retention:
            lines.append(
                "replay: warning: the oldest stored articles were deleted by retention; "
                "set retention.ms=-1 on articles.unique to keep them"
            )
        return lines


def _describe(report: Event) -> str:
    who = ", ".join(p.name for p in report.participants) or report.conflict or "-"
    evidence = report.evidence[0] if report.evidence else None
    article = evidence.article_id if evidence else "-"
    return (
        f"{report.id}  {report.type}  {report.date}  {who}  (article {article}, {report.sources[:1] or ''})"
    )


def run_replay(
    settings: Settings,
    selected: TimeRange,
    *,
    records: Iterable[bytes | None],
    total: int | None,
    send: Callable[[bytes, bytes], None] | None,
    engine: DetectionEngine | None = None,
    context: timedelta | None = None,
    out: TextIO | None = None,
    as_json: bool = False,
    progress: Progress | None = None,
) -> ReplayStats:
    """Feed ``records`` through a Replayer; ``send`` each report, or print it when ``send`` is None."""
    out = out if out is not None else sys.stdout
    if engine is None:
        engine = DetectionEngine.from_settings(settings.detect)
    if context is None:
        days = replay_settings(settings).context_days
        context = timedelta(days=settings.dedupe.window_days if days is None else days)
    replayer = Replayer(engine, selected, context)
    if progress is None:
        progress = Progress("replay", total, unit="records", enabled=False)
    with progress:
        for raw in records:
            step = replayer.feed_raw(raw)
            for report in step.reports:
                key, value = report_record(report)
                if send is None:
                    print(value.decode() if as_json else _describe(report), file=out, flush=False)
                else:
                    send(key, value)
            stats = replayer.stats
            progress.note(selected=stats.selected, reports=stats.reports, errors=stats.errors)
            progress.advance()
    out.flush()
    return replayer.stats


def handler(args: argparse.Namespace) -> int:
    """Run the replay: 0 when done (bad records are counted, not fatal), 1: send failures, 2: bad input."""
    from streams.replay.broker import ReportSender, StoredArticles

    try:
        settings = load_settings(getattr(args, "config", None))
        selected = TimeRange.of(args.start, args.end)
        engine = DetectionEngine.from_settings(settings.detect)
    except (NewswatchError, ValueError) as exc:
        print(f"newswatch replay: {exc}", file=sys.stderr)
        return 2
    context = None if args.context_days is None else timedelta(days=args.context_days)
    section = replay_settings(settings)
    stored = StoredArticles(settings)
    sender = None if args.dry_run else ReportSender(settings)
    try:
        print(
            f"replay: {stored.total} stored record(s) in {stored.topic}; published {selected.describe()}; "
            f"rules: {settings.detect.rules_path or 'none'}",
            file=sys.stderr,
        )
        progress = Progress(
            "replay",
            stored.total,
            unit="records",
            enabled=not args.quiet,
            interval=section.progress_interval_seconds,
        )
        stats = run_replay(
            settings,
            selected,
            records=stored.records(),
            total=stored.total,
            send=None if sender is None else sender.send,
            engine=engine,
            context=context,
            as_json=args.json,
            progress=progress,
        )
        if sender is not None:
            sender.flush()
    finally:
        stored.close()
        if sender is not None:
            sender.close()
    summary = ReplaySummary(
        stats=stats,
        sent=stats.reports if sender is None else sender.acked,
        send_errors=0 if sender is None else sender.failed,
        dry_run=sender is None,
        total=stored.total,
        deleted_by_retention=stored.deleted_by_retention,
    )
    for line in summary.lines():
        print(line, file=sys.stderr)
    return 1 if summary.send_errors else 0
