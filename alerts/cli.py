"""``newswatch silence add|list|expire`` and ``newswatch dlq list|replay``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from alerts.dlq import StoredLetter, read_dead_letters, replay, select
from alerts.silences import SilenceStore, parse_duration, parse_matcher
from streams.errors import NewswatchError
from streams.settings import Settings, load_settings
from streams.topics import ALERTS_DLQ


def silence_store(settings: Settings) -> SilenceStore:
    """The silences file the worker reads."""
    alerts = settings.alerts
    return SilenceStore(alerts.silences_path or Path(alerts.state_dir) / "silences.json")


def _silence_add(args: argparse.Namespace) -> int:
    store = silence_store(load_settings(args.config))
    matchers = dict(parse_matcher(m) for m in args.matcher)
    silence = store.add(matchers, parse_duration(args.duration), args.comment, args.author)
    print(silence.id)
    return 0


def _silence_list(args: argparse.Namespace) -> int:
    store = silence_store(load_settings(args.config))
    now = time.time()
    rows = store.silences(include_expired=args.all)
    if args.json:
        print(orjson.dumps([s.to_dict() for s in rows]).decode())
        return 0
    for silence in rows:
        print(silence.describe(now))
    if not rows:
        print("no silences", file=sys.stderr)
    return 0


def _silence_expire(args: argparse.Namespace) -> int:
    store = silence_store(load_settings(args.config))
    if store.expire(args.id):
        print(f"expired {args.id}")
        return 0
    print(f"no active silence {args.id}", file=sys.stderr)
    return 1


def _dlq_letters(args: argparse.Namespace) -> tuple[Settings, list[StoredLetter]]:
    settings = load_settings(args.config)
    topic = settings.topic(ALERTS_DLQ)
    stored = read_dead_letters(settings.kafka.bootstrap_servers, topic, timeout=args.timeout)
    return settings, select(stored, args.id or (), args.sink)


def _dlq_list(args: argparse.Namespace) -> int:
    _, stored = _dlq_letters(args)
    for item in stored:
        letter = item.letter
        if args.json:
            print(
                orjson.dumps(
                    {"partition": item.partition, "offset": item.offset, **letter.to_dict()}
                ).decode()
            )
        else:
            headline = str(letter.alert.get("event", {}).get("headline", ""))[:60]
            print(
                f"{letter.key}  {letter.time.isoformat(timespec='seconds')}  attempts={letter.attempts}  "
                f"{letter.error[:80]}  | {headline}"
            )
    print(f"{len(stored)} dead letter(s)", file=sys.stderr)
    return 0


def _dlq_replay(args: argparse.Namespace) -> int:
    settings, stored = _dlq_letters(args)
    alerts = settings.alerts
    retry = alerts.retry.model_copy(update={"max_attempts": args.attempts})
    alerts = alerts.model_copy(update={"retry": retry})
    # one replay per (alert, sink): the topic may hold the same letter twice
    unique = list({s.letter.key: s.letter for s in stored}.values())
    results = asyncio.run(replay(alerts, unique))
    failed = 0
    for letter, result in results:
        print(f"{letter.key}  {result.status}  attempts={result.attempts}  {result.error}".rstrip())
        failed += result.status not in ("delivered", "duplicate")
    print(f"replayed {len(results)}, failed {failed}", file=sys.stderr)
    return 1 if failed else 0


Handler = Callable[[argparse.Namespace], int]


def _wrap(handler: Handler) -> Handler:
    """Project errors become one line on stderr and exit code 2."""

    def run(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except NewswatchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return run


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``silence`` and ``dlq`` commands to the newswatch CLI."""
    silence = subparsers.add_parser("silence", help="suppress matching alerts for a while")
    silence_sub = silence.add_subparsers(dest="silence_command", metavar="ACTION", required=True)
    add = silence_sub.add_parser("add", help="add a silence; prints its id")
    add.add_argument(
        "--matcher",
        "-m",
        action="append",
        required=True,
        help="key=value (type, participant, country, severity, rule, reason, id, event, date); repeatable",
    )
    add.add_argument("--duration", "-d", required=True, help="how long: 30m, 2h, 1d")
    add.add_argument("--comment", "-c", default="", help="why")
    add.add_argument("--author", default=getpass.getuser(), help="who (default: login name)")
    add.set_defaults(func=_wrap(_silence_add))
    listing = silence_sub.add_parser("list", help="list active silences")
    listing.add_argument("--all", action="store_true", help="include expired silences")
    listing.add_argument("--json", action="store_true", help="JSON output")
    listing.set_defaults(func=_wrap(_silence_list))
    expire = silence_sub.add_parser("expire", help="end a silence now")
    expire.add_argument("id")
    expire.set_defaults(func=_wrap(_silence_expire))

    dlq = subparsers.add_parser("dlq", help="inspect and replay the alert dead-letter topic")
    dlq_sub = dlq.add_subparsers(dest="dlq_command", metavar="ACTION", required=True)
    for name, handler, text in (
        ("list", _dlq_list, "list dead letters (oldest first)"),
        ("replay", _dlq_replay, "deliver dead letters again (skips ones already replayed)"),
    ):
        cmd = dlq_sub.add_parser(name, help=text)
        cmd.add_argument("--id", action="append", help="alert id or alert_id:sink; repeatable (default: all)")
        cmd.add_argument("--sink", help="only dead letters of this sink")
        cmd.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for Kafka")
        if name == "list":
            cmd.add_argument("--json", action="store_true", help="JSON lines output")
        else:
            cmd.add_argument("--attempts", type=int, default=3, help="attempts per letter (default 3)")
        cmd.set_defaults(func=_wrap(handler))
