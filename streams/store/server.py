"""Serve the events API and page: standalone (``newswatch api``) or beside the worker's agents."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web

from streams.settings import Settings
from streams.settings.store import StoreSettings
from streams.store import EventStore, open_store
from streams.store.api import TOKEN_KEY, create_api_app

log = logging.getLogger(__name__)

# aiohttp answers a request line over its limit itself, in plain text; a larger limit lets the API's
# middleware answer URLs over api.MAX_URL_BYTES with its JSON 414 instead.
MAX_REQUEST_LINE_BYTES = 64 * 1024


def store_settings(settings: Settings) -> StoreSettings:
    """The ``store`` section (defaults while the root model does not carry one yet)."""
    section = getattr(settings, "store", None)
    return section if isinstance(section, StoreSettings) else StoreSettings.model_validate({})


async def start_site(store: EventStore, settings: StoreSettings) -> web.AppRunner:
    """Start serving the API on ``api_host:api_port``; clean up with ``await runner.cleanup()``."""
    runner = web.AppRunner(
        create_api_app(store, settings),
        access_log=None,
        shutdown_timeout=5.0,
        max_line_size=MAX_REQUEST_LINE_BYTES,
    )
    await runner.setup()
    site = web.TCPSite(runner, settings.api_host, settings.api_port)
    await site.start()
    log.info(
        "events API and page on http://%s:%d/ (store %s; %s)",
        settings.api_host,
        settings.api_port,
        settings.safe_url,
        "bearer token required" if TOKEN_KEY in runner.app else "no authentication",
        extra={"stage": "store"},
    )
    return runner


async def serve_api(
    settings: StoreSettings, *, migrate: bool = True, stop: asyncio.Event | None = None
) -> int:
    """Open the store, serve until SIGINT/SIGTERM (or ``stop`` is set), then close everything."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    handled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    store = open_store(settings)
    try:
        if migrate:
            await store.migrate()
        runner = await start_site(store, settings)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
    finally:
        await store.close()
        for signum in handled:
            loop.remove_signal_handler(signum)
    return 0
