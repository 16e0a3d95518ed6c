"""``newswatch gazetteer update --endpoint URL --out FILE``: refresh the leaders data into a user file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from streams.errors import ConfigError, FetchError, NewswatchError, ParseError

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
QUERY_TIMEOUT_SECONDS = 180.0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``gazetteer update`` to the main subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "gazetteer", help="refresh the leaders gazetteer from a SPARQL endpoint (docs/gazetteer.md)"
    )
    actions = parser.add_subparsers(dest="gazetteer_command", metavar="ACTION", required=True)
    update = actions.add_parser(
        "update",
        help="query heads of state and government, print the diff, write a user gazetteer file",
        description="Query a Wikidata-style SPARQL endpoint for heads of state (P35), of government (P6) "
        "and positions held (P39) with their dates, print what changed against the data in use, and write "
        "FILE (never the shipped data). Point detect.gazetteer_path at FILE and restart the workers.",
    )
    update.add_argument(
        "--endpoint", default=DEFAULT_ENDPOINT, help=f"SPARQL endpoint (default {DEFAULT_ENDPOINT})"
    )
    update.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="user gazetteer file to write"
    )
    update.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    update.add_argument(
        "--allow-private",
        action="store_true",
        help="let the endpoint be a private or loopback address (a local mirror; never cloud metadata)",
    )
    update.set_defaults(func=handler)
    return parser


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def handler(args: argparse.Namespace) -> int:
    """0 when written (or dry run), 1 when the endpoint failed or answered badly, 2 on a bad setting."""
    from streams.gazetteer_update.sparql import Endpoint
    from streams.gazetteer_update.update import run_update
    from streams.settings import load_settings

    try:
        settings = load_settings(args.config)
        user = settings.detect.gazetteer_path
        # A whole-world SPARQL query takes far longer than a feed: allow it minutes, not seconds.
        limits = settings.connectors
        http = limits.model_copy(
            update={
                "total_timeout_seconds": max(limits.total_timeout_seconds, QUERY_TIMEOUT_SECONDS),
                "read_timeout_seconds": max(limits.read_timeout_seconds, QUERY_TIMEOUT_SECONDS),
            }
        )
        endpoint = Endpoint(args.endpoint, http, allow_private=args.allow_private)
        run_update(
            endpoint,
            args.out,
            Path(user).expanduser() if user else None,
            dry_run=args.dry_run,
            progress=_progress,
        )
    except (FetchError, ParseError) as exc:
        kind = "could not be reached" if isinstance(exc, FetchError) else "answered with a malformed result"
        print(
            f"gazetteer update: the endpoint {kind}: {exc}\n"
            "nothing was written; the data in use is unchanged",
            file=sys.stderr,
        )
        return 1
    except ConfigError as exc:
        print(f"gazetteer update: {exc}\nnothing was written", file=sys.stderr)
        return 2
    except NewswatchError as exc:
        print(f"gazetteer update: {exc}\nnothing was written", file=sys.stderr)
        return 1
    return 0
