"""The ``newswatch dedupe-check`` command: the streaming dedupe decision, run offline, to tune thresholds.

Kept apart from the main CLI so the lead wires it in with ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from streams.dedupe.offline import load_articles, report_to_json, report_to_text, run
from streams.errors import NewswatchError
from streams.settings.dedupe import DedupeSettings


def _unit_interval(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from exc
    if not 0.0 < number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in (0, 1]: {value}")
    return number


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``dedupe-check`` to the main subparsers; the handler is the ``func`` default."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "dedupe-check",
        help="group duplicate articles in a folder or JSONL file, with similarities (for threshold tuning)",
        description="Run the dedupe decision offline over PATH (a folder of .txt/.html/.json article files, "
        "or a .jsonl file of articles) in published order, and print the duplicate groups.",
    )
    parser.add_argument("path", metavar="FOLDER_OR_JSONL", type=Path)
    parser.add_argument("--json", action="store_true", help="print the machine format (docs/dedupe.md)")
    parser.add_argument(
        "--threshold",
        type=_unit_interval,
        default=None,
        help="near-duplicate containment threshold for text-verified candidates (default: settings)",
    )
    parser.add_argument(
        "--estimate-threshold",
        type=_unit_interval,
        default=None,
        help="threshold for candidates decided on signatures alone (default: settings)",
    )
    parser.add_argument(
        "--sentence-threshold",
        type=_unit_interval,
        default=None,
        help="shared-sentence share at which a candidate is a copy (syndication; default: settings)",
    )
    sentences = parser.add_mutually_exclusive_group()
    sentences.add_argument(
        "--sentences",
        action="store_true",
        help="the shared-sentence check for edited agency copies even where the settings turn it off",
    )
    sentences.add_argument(
        "--no-sentences",
        action="store_true",
        help="without the shared-sentence check (the shingle check alone)",
    )
    parser.set_defaults(func=handler)
    return parser


# Articles whose texts the offline check keeps when --sentences turns the check on.
SENTENCE_CHECK_ARTICLES = 20_000


def _settings(args: argparse.Namespace) -> DedupeSettings:
    from streams.settings import load_settings

    base = load_settings(getattr(args, "config", None)).dedupe
    changes = {}
    if args.threshold is not None:
        changes["near_threshold"] = args.threshold
    if args.estimate_threshold is not None:
        changes["near_estimate_threshold"] = args.estimate_threshold
    if getattr(args, "sentence_threshold", None) is not None:
        changes["sentence_threshold"] = args.sentence_threshold
    if getattr(args, "sentences", False) and base.passage_cache_size == 0:
        changes["passage_cache_size"] = SENTENCE_CHECK_ARTICLES
    if getattr(args, "no_sentences", False):
        changes["passage_cache_size"] = 0
    return base.model_copy(update=changes) if changes else base


def handler(args: argparse.Namespace) -> int:
    """Print the groups; 0 on success, 2 on a bad setting or input."""
    try:
        settings = _settings(args)
        report = run(load_articles(args.path), settings)
    except (NewswatchError, OSError, orjson.JSONDecodeError) as exc:
        print(f"newswatch dedupe-check: {exc}", file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(
            orjson.dumps(report_to_json(report, settings), option=orjson.OPT_INDENT_2).decode() + "\n"
        )
    else:
        print(report_to_text(report))
    return 0
