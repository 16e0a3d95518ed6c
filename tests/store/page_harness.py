"""Headless Chromium and a served store for the page's browser tests and bench/page_bench.py."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aiohttp import web

from streams.records import Event
from streams.settings.store import StoreSettings
from streams.store import EventStore, open_store
from streams.store.api import create_api_app

CHROMIUM = os.environ.get("NEWSWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NEWSWATCH_CHROMEDRIVER", "/usr/bin/chromedriver")


def require_browser() -> None:
    """Skip the calling test when no browser can start here; fail it when ``NEWSWATCH_REQUIRE_BROWSER=1``."""
    import pytest

    reason = browser_missing()
    if reason and os.environ.get("NEWSWATCH_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)


def browser_missing() -> str | None:
    """Why a browser cannot be started here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        return "chromium/chromedriver not installed (apt-get install chromium chromium-driver)"
    return None


@contextmanager
def chromium(width: int = 1200, height: int = 900, downloads: str | None = None) -> Iterator[Any]:
    """A headless Chromium session with a fresh profile and the given window size (and download folder)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="newswatch-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", f"--window-size={width},{height}",
        "--hide-scrollbars", "--force-device-scale-factor=1",
    ):  # fmt: skip
        options.add_argument(flag)
    if downloads:
        options.add_experimental_option(
            "prefs", {"download.default_directory": downloads, "download.prompt_for_download": False}
        )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def fill(store: EventStore, events: Sequence[Event]) -> None:
    """Store every event (one upsert each, as the worker does)."""
    for event in events:
        await store.upsert_event(event)


@asynccontextmanager
async def served_store(
    url: str, events: Sequence[Event] = (), **settings: Any
) -> AsyncIterator[tuple[str, EventStore]]:
    """The API and page on a free 127.0.0.1 port over a migrated store at ``url`` holding ``events``."""
    config = StoreSettings(url=url, stream_poll_seconds=0.2, api_port=free_port(), **settings)
    store = open_store(config)
    await store.migrate()
    await fill(store, events)
    runner = web.AppRunner(create_api_app(store, config), shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", config.api_port).start()
    try:
        yield f"http://127.0.0.1:{config.api_port}/", store
    finally:
        await runner.cleanup()
        await store.close()


async def until(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll a blocking browser check in a thread until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = await asyncio.to_thread(check)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await asyncio.sleep(0.1)


VIEWS_DRAWN = "return performance.getEntriesByName('newswatch-views-drawn').map(e => e.startTime)[0] || null;"
