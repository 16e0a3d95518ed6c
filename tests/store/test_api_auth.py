"""The API's bearer token and long URLs, over real HTTP on 127.0.0.1 (issue 14 items 12 and 13)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

from streams.errors import ConfigError
from streams.records import Event
from streams.settings.store import StoreSettings
from streams.store import EventStore, open_store
from streams.store.api import MAX_URL_BYTES
from streams.store.server import start_site

TOKEN = "nw-test-token-0123456789abcdef"


@pytest.fixture
async def sqlite_store(tmp_path: Path, events: list[Event]) -> AsyncIterator[EventStore]:
    store = open_store(StoreSettings(url=f"sqlite:///{tmp_path}/auth.db"))
    await store.migrate()
    for event in events:
        await store.upsert_event(event)
    yield store
    await store.close()


async def _serve(store: EventStore, **settings: Any) -> tuple[web.AppRunner, str]:
    config = StoreSettings(url="sqlite:///unused.db", api_host="127.0.0.1", api_port=0, **settings)
    runner = await start_site(store, config)
    host, port = runner.addresses[0][:2]
    assert host == "127.0.0.1"
    return runner, f"http://127.0.0.1:{port}"


async def _get(base: str, path: str, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with aiohttp.ClientSession() as session, session.get(base + path, headers=headers) as response:
        return response.status, dict(response.headers), await response.read()


async def test_token_required_for_the_api(sqlite_store: EventStore, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    runner, base = await _serve(sqlite_store, api_token=TOKEN)
    try:
        status, headers, body = await _get(base, "/api/events")
        assert status == 401 and headers["WWW-Authenticate"] == 'Bearer realm="newswatch"'
        assert headers["Content-Type"].startswith("application/json")
        assert orjson.loads(body)["error"]["code"] == "unauthorized"

        status, headers, body = await _get(base, "/api/events", token=TOKEN[:-1] + "X")
        assert status == 401 and 'error="invalid_token"' in headers["WWW-Authenticate"]
        assert orjson.loads(body)["error"]["status"] == 401

        status, _, body = await _get(base, "/api/events", token=TOKEN)
        assert status == 200 and orjson.loads(body)["total"] == 7
        status, _, _ = await _get(base, "/api/events?limit=1", token="")  # "Bearer " with nothing after
        assert status == 401
        for path in ("/api/openapi.json", "/api/stream"):
            assert (await _get(base, path))[0] == 401
        # No event data outside /api/: the page, its files and the probes stay open.
        for path in ("/", "/static/app.js", "/healthz", "/readyz", "/metrics"):
            assert (await _get(base, path))[0] == 200, path
    finally:
        await runner.cleanup()
    assert TOKEN not in caplog.text and TOKEN[:-1] not in caplog.text


async def test_token_from_file(sqlite_store: EventStore, tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text(TOKEN + "\n", encoding="utf-8")
    runner, base = await _serve(sqlite_store, api_token_file=str(secret))
    try:
        assert (await _get(base, "/api/events"))[0] == 401
        assert (await _get(base, "/api/events", token=TOKEN))[0] == 200
    finally:
        await runner.cleanup()


async def test_unusable_token_file_fails_at_start(sqlite_store: EventStore, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"store\.api_token_file: cannot read"):
        await _serve(sqlite_store, api_token_file=str(tmp_path / "missing"))
    short = tmp_path / "short"
    short.write_text("hunter2hunter2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="at least 16 characters") as caught:
        await _serve(sqlite_store, api_token_file=str(short))
    assert "hunter2" not in str(caught.value)


async def test_without_a_token_the_api_is_open(sqlite_store: EventStore) -> None:
    runner, base = await _serve(sqlite_store)
    try:
        assert (await _get(base, "/api/events"))[0] == 200
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("length", [MAX_URL_BYTES + 1, 20_000])
async def test_overlong_url_gets_the_json_error(sqlite_store: EventStore, length: int) -> None:
    runner, base = await _serve(sqlite_store)
    try:
        path = "/api/events?q=" + "a" * (length - len("/api/events?q="))
        status, headers, body = await _get(base, path)
        assert status == 414 and headers["Content-Type"].startswith("application/json")
        assert orjson.loads(body)["error"]["code"] == "uri_too_long"
        status, _, _ = await _get(base, "/api/events?q=" + "a" * 100)
        assert status == 200
    finally:
        await runner.cleanup()


def test_openapi_documents_the_token_and_the_new_errors() -> None:
    from streams.store.api import load_openapi

    spec = load_openapi()
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearer"]["description"],
    }
    for path, item in spec["paths"].items():
        if path.startswith("/api/"):
            assert "401" in item["get"]["responses"], path
    assert "414" in spec["paths"]["/api/events"]["get"]["responses"]
