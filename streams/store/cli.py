"""``newswatch api`` (serve the events API and live page) and ``newswatch store migrate``."""

from __future__ import annotations

import argparse
import asyncio

from streams.settings import load_settings
from streams.settings.store import StoreSettings
from streams.store import open_store
from streams.store.schema import load_migrations
from streams.store.server import serve_api, store_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the store commands to the ``newswatch`` parser."""
    api = subparsers.add_parser("api", help="serve the events API and live page from the configured database")
    api.add_argument("--host", help="listen address (default: store.api_host)")
    api.add_argument("--port", type=int, help="listen port (default: store.api_port)")
    api.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations at start")
    api.set_defaults(func=cmd_api)
    store = subparsers.add_parser("store", help="event store maintenance")
    actions = store.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    migrate = actions.add_parser("migrate", help="apply pending schema migrations to the configured database")
    migrate.set_defaults(func=cmd_migrate)


def _settings(args: argparse.Namespace) -> StoreSettings:
    settings = load_settings(getattr(args, "config", None))
    try:
        from streams.logging_setup import configure_logging

        configure_logging(settings.worker.log_level, settings.worker.log_json)
    except ImportError:  # pragma: no cover - the lead's module
        pass
    return store_settings(settings)


def cmd_api(args: argparse.Namespace) -> int:
    """Serve the API and page until SIGINT/SIGTERM."""
    settings = _settings(args)
    changes: dict[str, object] = {}
    if args.host:
        changes["api_host"] = args.host
    if args.port is not None:
        changes["api_port"] = args.port
    if changes:
        settings = StoreSettings.model_validate({**settings.model_dump(), **changes})
    return asyncio.run(serve_api(settings, migrate=not args.no_migrate))


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply pending migrations and report the schema version."""
    settings = _settings(args)

    async def run() -> None:
        store = open_store(settings)
        try:
            await store.migrate()
            await store.ping()
        finally:
            await store.close()

    asyncio.run(run())
    version = len(load_migrations("sqlite" if settings.safe_url.startswith("sqlite") else "postgres"))
    print(f"store schema at version {version} ({settings.safe_url})")
    return 0
