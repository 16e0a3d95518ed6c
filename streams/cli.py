"""The ``newswatch`` command line.

Core commands live here (``worker``, ``run``, ``topics``); each other capability adds its own
subcommands through a module with ``register(subparsers)``, imported by name so that ``streams``
never imports ``connectors`` or ``alerts`` statically.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

from streams.errors import NewswatchError
from streams.settings import Settings, load_settings

log = logging.getLogger("newswatch")

COMMAND_MODULES: tuple[str, ...] = (
    "streams.dedupe.cli",
    "streams.detect.cli",
    "streams.gazetteer_update.cli",
    "streams.store.cli",
    "streams.replay.cli",
    "connectors.cli",
    "connectors.backfill_cli",
    "alerts.cli",
)


def checked_settings(config: str | None) -> Settings:
    """The settings, loaded and put through the start check: what ``config check`` reports on."""
    from streams.settings.startcheck import check_start

    settings = load_settings(config)
    check_start(settings)
    return settings


def _cmd_worker(args: argparse.Namespace) -> int:
    from streams.worker.run import run_worker

    return run_worker(checked_settings(args.config))


def _cmd_topics(args: argparse.Namespace) -> int:
    from streams.admin import ensure_topics

    settings = load_settings(args.config)
    created = ensure_topics(settings)
    print(f"topics ready on {settings.kafka.bootstrap_servers}; created: {', '.join(created) or 'none'}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    """Run the connectors and the worker as two supervised child processes until Ctrl-C."""
    from streams.admin import ensure_topics

    settings = checked_settings(args.config)
    ensure_topics(settings)
    base = [sys.executable, "-m", "streams.cli"] + (["--config", args.config] if args.config else [])
    children = {
        "worker": subprocess.Popen([*base, "worker"]),
        "connectors": subprocess.Popen([*base, "connectors"]),
    }
    print(
        f"newswatch running: worker metrics http://127.0.0.1:{settings.worker.metrics_port}/metrics, "
        f"connector metrics http://127.0.0.1:{settings.connectors.metrics_port}/metrics; Ctrl-C stops",
        flush=True,
    )
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, child in children.items():
            code = child.poll()
            if code is not None:
                print(f"newswatch: {name} exited with {code}; stopping", file=sys.stderr)
                exit_code = code or 1
                stopping = True
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children.values():
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code


def _cmd_config(args: argparse.Namespace) -> int:
    from streams.settings.reference import render_reference

    if args.action == "docs":
        print(render_reference(), end="")
        return 0
    if args.action == "show":
        print(load_settings(args.config).model_dump_json(indent=2))
    else:
        checked_settings(args.config)
        print(f"settings OK ({args.config or 'defaults'})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newswatch", description="Streaming news monitor.")
    parser.add_argument(
        "--config",
        default=os.environ.get("NEWSWATCH_CONFIG"),
        help="settings YAML file (default: $NEWSWATCH_CONFIG, else built-in defaults)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("worker", help="run the Faust worker (dedupe, detection, merge, alerts)").set_defaults(
        func=_cmd_worker
    )
    sub.add_parser("run", help="run connectors and worker together until Ctrl-C").set_defaults(func=_cmd_run)
    sub.add_parser("topics", help="create the pipeline's Kafka topics").set_defaults(func=_cmd_topics)
    config = sub.add_parser("config", help="check, show (secrets redacted) or document the settings")
    config.add_argument("action", choices=("check", "show", "docs"))
    config.set_defaults(func=_cmd_config)
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except NewswatchError as exc:
        print(f"newswatch: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a folder or file from the settings is unusable (not a folder, full, read-only)
        print(f"newswatch: error: {exc}; check the folders and files in the settings", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
