"""Fixtures for connector tests: a real aiohttp server on 127.0.0.1, settings, and a recording sink."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from streams.records import Article
from streams.settings import Settings, settings_from_mapping

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class FeedServer:
    """A local HTTP server whose routes tests add while it runs; counts requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[web.Request] = []
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        self.requests.append(request)
        handler = self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404)
        return await handler(request)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def static(
        self, path: str, body: bytes | str, content_type: str = "application/rss+xml", **headers: str
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(body=data, headers={"Content-Type": content_type, **headers})

        return self.add(path, handler)


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class RecordingSink:
    """Stands in for the Kafka producer: keeps every delivered article in order."""

    def __init__(self, fail_times: int = 0) -> None:
        self.articles: list[Article] = []
        self.fail_times = fail_times
        self.flushed = 0

    async def deliver(self, article: Article) -> None:
        await asyncio.sleep(0)
        self.articles.append(article)

    def flush(self, timeout: float | None = None) -> None:
        self.flushed += 1

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.articles]


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


def make_settings(tmp_path: Path, **connectors: Any) -> Settings:
    """Settings with state and spool under tmp_path, metrics off, plus connector overrides."""
    base: dict[str, Any] = {
        "state_dir": str(tmp_path / "state"),
        "spool_dir": str(tmp_path / "spool"),
        "metrics_port": 0,
        "spool_settle_seconds": 0,
    }
    base.update(connectors)
    kafka = base.pop("kafka", {})
    return settings_from_mapping({"connectors": base, "kafka": kafka})


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., Settings]:
    """``settings_for(**connectors)``: settings rooted in tmp_path (see make_settings)."""

    def build(**connectors: Any) -> Settings:
        return make_settings(tmp_path, **connectors)

    return build
