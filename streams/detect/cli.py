"""The ``newswatch explain`` command: events in files, folders, JSON lines or a URL, and why they fired.

Kept apart from the main CLI so the lead wires it in with ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from streams.detect.engine import DetectionEngine
from streams.detect.explain import explain
from streams.errors import NewswatchError


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from exc


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``explain`` to the main subparsers; the handler is the ``func`` (and ``handler``) default."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "explain",
        help="show the events detected in articles, with evidence, the rule that fired, and near-misses",
        description="Run event detection on FILE_OR_URL (a .txt/.html file, a folder, a .jsonl of articles, "
        "or "
        "an http(s) URL) and explain every event and near-miss.",
    )
    parser.add_argument("inputs", nargs="+", metavar="FILE_OR_URL")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document per input (docs/detection.md)"
    )
    parser.add_argument(
        "--published",
        type=_day,
        default=None,
        help="publication date for inputs that carry none (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--allow-private",
        action="store_true",
        help="let a URL input reach private and loopback addresses (never cloud metadata)",
    )
    parser.set_defaults(func=handler, handler=handler)
    return parser


def _engine(config: str | None) -> DetectionEngine:
    from streams.settings import load_settings

    return DetectionEngine.from_settings(load_settings(config).detect)


def handler(args: argparse.Namespace) -> int:
    """Print the explanation; 0 on success, 2 on a bad setting, rule file or input."""
    try:
        engine = _engine(getattr(args, "config", None))
        for block in explain(
            engine,
            list(args.inputs),
            as_json=args.json,
            published=args.published,
            allow_private=args.allow_private,
        ):
            print(block, flush=True)
            if not args.json:
                print()
    except (NewswatchError, OSError) as exc:
        print(f"newswatch explain: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m streams.detect.cli explain ...``) until the main CLI wires it in."""
    parser = argparse.ArgumentParser(prog="newswatch")
    parser.add_argument("--config", default=None, help="settings file")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
