"""The events HTTP API and live page as an aiohttp application (mountable on any aiohttp server).

Routes: ``/api/events``, ``/api/events/{id}``, ``/api/views`` (timeline, map and contact-graph aggregates),
``/api/stream`` (server-sent events), ``/api/openapi.json``,
``/healthz``, ``/readyz``, ``/metrics``, ``/`` (the page) and ``/static/{name}``. Bad parameters answer 400
with ``{"error": {...}}``, an unreachable database 503; JSON escapes ``<``, ``>`` and ``&``. With
``store.api_token`` (or ``api_token_file``) set, ``/api/`` needs ``Authorization: Bearer`` (see auth.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from streams.settings.store import StoreSettings
from streams.store.auth import PROTECTED_PREFIX, challenge, is_authorized, load_api_token
from streams.store.base import EventQuery, EventStore, QueryError, StoreError
from streams.store.metrics import API_REQUESTS
from streams.store.params import STREAM_PARAMS, parse_cursor, parse_event_id, parse_event_query
from streams.store.views import ViewsCache, builtin_type_list, dump_json

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
PAGE_DIR = HERE / "page"
OPENAPI_FILE = HERE / "openapi.yaml"
# Served name -> (file under page/, content type, seconds a browser may cache it).
STATIC_FILES = {
    "app.js": ("app.js", "text/javascript", 0),
    "views.js": ("views.js", "text/javascript", 0),
    "style.css": ("style.css", "text/css", 0),
    "echarts.min.js": ("vendor/echarts.min.js", "text/javascript", 86400),
    "world.json": ("vendor/world.json", "application/json", 86400),
}
VIEW_PARAMS = STREAM_PARAMS - {"after"}
STREAM_BATCH = 100
# Longest request target answered; longer ones get a JSON 414. The HTTP parser's own line limit is set
# higher (server.MAX_REQUEST_LINE_BYTES) so such requests reach the middleware instead of a plain-text 400.
MAX_URL_BYTES = 8192
KEEPALIVE_SECONDS = 15.0
READY_TIMEOUT_SECONDS = 3.0
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
STORE_KEY: web.AppKey[EventStore] = web.AppKey("newswatch_store", EventStore)
SETTINGS_KEY = web.AppKey("newswatch_store_settings", StoreSettings)
CLOSING_KEY = web.AppKey("newswatch_closing", asyncio.Event)
OPENAPI_KEY = web.AppKey("newswatch_openapi", bytes)
TOKEN_KEY = web.AppKey("newswatch_api_token", bytes)
VIEWS_CACHE_KEY = web.AppKey("newswatch_views_cache", ViewsCache)
WARM_KEY = web.AppKey("newswatch_views_warm", asyncio.Task[None])
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(data: Any, status: int = 200) -> web.Response:
    """A JSON response from plain data."""
    return web.Response(body=dump_json(data), status=status, content_type="application/json")


def error_response(status: int, code: str, message: str, parameter: str | None = None) -> web.Response:
    """The API's error shape: ``{"error": {"status", "code", "message", "parameter"}}``."""
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if parameter is not None:
        body["parameter"] = parameter
    return json_response({"error": body}, status)


def _route_name(request: web.Request) -> str:
    route = request.match_info.route
    resource = route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count every request, turn errors into JSON (400/404/503, never a stack trace) and set headers."""
    response: web.StreamResponse
    try:
        if len(request.raw_path) > MAX_URL_BYTES:
            response = error_response(414, "uri_too_long", f"the URL is longer than {MAX_URL_BYTES} bytes")
        else:
            response = await handler(request)
    except QueryError as exc:
        response = error_response(400, "bad_parameter", exc.message, exc.parameter)
    except StoreError as exc:
        log.warning("store unavailable for %s: %s", request.path, exc)
        response = error_response(503, "store_unavailable", "the event store is unavailable; try again")
    except web.HTTPException as exc:
        if exc.status < 400:
            API_REQUESTS.labels(_route_name(request), str(exc.status)).inc()
            raise
        response = error_response(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)
    except Exception:
        log.exception("unexpected error serving %s", request.path)
        response = error_response(500, "internal_error", "internal error")
    API_REQUESTS.labels(_route_name(request), str(response.status)).inc()
    if not response.prepared:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response


@web.middleware
async def _authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """With a token configured, every /api/ request must carry it (401 JSON with a Bearer challenge)."""
    token = request.app.get(TOKEN_KEY)
    if token is None or not request.path.startswith(PROTECTED_PREFIX):
        return await handler(request)
    header = request.headers.get("Authorization")
    if is_authorized(token, header):
        return await handler(request)
    message, www_authenticate = challenge(header)
    response = error_response(401, "unauthorized", message)
    response.headers["WWW-Authenticate"] = www_authenticate
    response.headers["Cache-Control"] = "no-store"
    return response


async def _events(request: web.Request) -> web.Response:
    query = parse_event_query(_params(request), request.app[SETTINGS_KEY])
    page = await request.app[STORE_KEY].query_events(query)
    return json_response(page.to_dict())


async def _event(request: web.Request) -> web.Response:
    if request.query:
        raise QueryError(sorted(request.query)[0], "this endpoint takes no query parameters")
    event_id = parse_event_id(request.match_info["event_id"])
    detail = await request.app[STORE_KEY].get_event(event_id)
    if detail is None:
        return error_response(404, "not_found", f"no event with id {event_id}")
    return json_response(detail.to_dict())


async def _views(request: web.Request) -> web.Response:
    """Events per day, map places and the contact graph of the events matching the filters (cached)."""
    query = parse_event_query(_params(request), request.app[SETTINGS_KEY], allowed=VIEW_PARAMS)
    body = await request.app[VIEWS_CACHE_KEY].answer(request.app[STORE_KEY], query)
    return web.Response(body=body, content_type="application/json")


async def _stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: each ``events`` message carries the events changed since the last one."""
    store, settings = request.app[STORE_KEY], request.app[SETTINGS_KEY]
    params = _params(request)
    query = parse_event_query(params, settings, allowed=STREAM_PARAMS).replace(limit=STREAM_BATCH, offset=0)
    cursor = (
        query.after_seq if query.after_seq is not None else parse_cursor(request.headers.get("Last-Event-ID"))
    )
    if cursor is None:
        cursor = (await store.query_events(query.replace(after_seq=None, limit=1))).cursor
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache, no-transform",
            "X-Accel-Buffering": "no",
            "X-Content-Type-Options": "nosniff",
        }
    )
    await response.prepare(request)
    closing = request.app[CLOSING_KEY]
    await response.write(f"retry: 3000\nid: {cursor}\nevent: ready\ndata: {cursor}\n\n".encode())
    quiet_since = time.monotonic()
    try:
        while not closing.is_set():
            try:
                page = await store.query_events(query.replace(after_seq=cursor))
            except StoreError as exc:
                log.warning("live stream cannot read the store: %s", exc)
                page = None
            if page is not None and page.items:
                cursor = max(item.seq for item in page.items)
                data = dump_json([item.to_dict() for item in page.items]).decode()
                await response.write(f"id: {cursor}\nevent: events\ndata: {data}\n\n".encode())
                quiet_since = time.monotonic()
                if len(page.items) == STREAM_BATCH:
                    continue
            elif time.monotonic() - quiet_since >= KEEPALIVE_SECONDS:
                await response.write(b": keepalive\n\n")
                quiet_since = time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(closing.wait(), settings.stream_poll_seconds)
    except (ConnectionResetError, ConnectionError):
        log.debug("live stream client went away")
    return response


async def _types(request: web.Request) -> web.Response:
    """Every built-in event type with its label and the page's colour (user rule types: ``rule:<name>``)."""
    return web.Response(body=dump_json({"types": builtin_type_list()}), content_type="application/json")


async def _openapi(request: web.Request) -> web.Response:
    return web.Response(body=request.app[OPENAPI_KEY], content_type="application/json")


async def _healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def _readyz(request: web.Request) -> web.Response:
    try:
        await asyncio.wait_for(request.app[STORE_KEY].ping(), READY_TIMEOUT_SECONDS)
    except (StoreError, TimeoutError) as exc:
        log.info("not ready: %s", exc)
        return json_response({"status": "unavailable", "reason": str(exc) or "timeout"}, 503)
    return json_response({"status": "ready"})


async def _metrics(request: web.Request) -> web.Response:
    response = web.Response(body=generate_latest())
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def _page_html(settings: StoreSettings) -> bytes:
    """The page with its title and the type filter's options and colours from the list of built-in types."""
    template = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
    types = builtin_type_list()
    options = "\n".join(
        f'        <option value="{html.escape(t["type"])}">{html.escape(t["label"].lower())}</option>'
        for t in types
    )
    colors = html.escape(json.dumps({t["type"]: t["color"] for t in types}), quote=True)
    return (
        template.replace("{{title}}", html.escape(settings.page_title))
        .replace("{{type_options}}", options)
        .replace("{{type_colors}}", colors)
        .encode("utf-8")
    )


async def _page(request: web.Request) -> web.Response:
    response = web.Response(
        body=_page_html(request.app[SETTINGS_KEY]), content_type="text/html", charset="utf-8"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


async def _static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC_FILES:
        return error_response(404, "not_found", "no such file")
    path, content_type, max_age = STATIC_FILES[name]
    body = (PAGE_DIR / path).read_bytes()
    response = web.Response(body=body, content_type=content_type, charset="utf-8")
    response.headers["Cache-Control"] = f"max-age={max_age}" if max_age else "no-cache"
    return response


def _params(request: web.Request) -> dict[str, list[str]]:
    return {name: request.query.getall(name) for name in request.query}


def load_openapi() -> dict[str, Any]:
    """The OpenAPI document shipped next to this module."""
    loaded: dict[str, Any] = yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))
    return loaded


async def _on_shutdown(app: web.Application) -> None:
    app[CLOSING_KEY].set()


async def _warm_views(app: web.Application) -> None:
    """Compute the unfiltered views in the background at start, so the first page load finds them ready."""

    async def warm() -> None:
        try:
            await app[VIEWS_CACHE_KEY].answer(app[STORE_KEY], EventQuery(limit=0))
        except Exception as exc:  # a store not reachable yet: the first request computes them instead
            log.info("views not computed at start: %s", exc)

    app[WARM_KEY] = asyncio.create_task(warm())


async def _stop_warming(app: web.Application) -> None:
    task = app.get(WARM_KEY)
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_api_app(store: EventStore, settings: StoreSettings) -> web.Application:
    """The API + page application; the caller owns the store (open, migrate, close).

    Reads the API token (ConfigError if its file is unusable), so a bad token setting fails at start.
    """
    app = web.Application(middlewares=[_guard, _authenticate], client_max_size=64 * 1024)
    app[STORE_KEY] = store
    app[SETTINGS_KEY] = settings
    token = load_api_token(settings)
    if token is not None:
        app[TOKEN_KEY] = token
    app[CLOSING_KEY] = asyncio.Event()
    app[VIEWS_CACHE_KEY] = ViewsCache()
    app[OPENAPI_KEY] = dump_json(load_openapi())
    app.on_shutdown.append(_on_shutdown)
    app.on_startup.append(_warm_views)
    app.on_cleanup.append(_stop_warming)
    app.router.add_get("/api/events", _events, allow_head=False)
    app.router.add_get("/api/events/{event_id}", _event, allow_head=False)
    app.router.add_get("/api/views", _views, allow_head=False)
    app.router.add_get("/api/types", _types, allow_head=False)
    app.router.add_get("/api/stream", _stream, allow_head=False)
    app.router.add_get("/api/openapi.json", _openapi)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get("/metrics", _metrics)
    app.router.add_get("/", _page)
    app.router.add_get("/static/{name}", _static)
    return app
