"""The events HTTP API on both backends: every filter, paging, detail, bad parameters (400, never 500)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import REGISTRY

from streams.records import Event
from streams.settings.store import StoreSettings
from streams.store import EventStore, open_store
from streams.store.api import create_api_app, load_openapi

HOSTILE = "<script>window.__pwned = 1</script> & <b>bold</b> headline"


@pytest.fixture
async def client(store: EventStore, store_url: str, events: list[Event]) -> AsyncIterator[TestClient]:
    for event in events:
        await store.upsert_event(event)
    settings = StoreSettings(url=store_url, stream_poll_seconds=0.1, page_size=50, max_page_size=100)
    async with TestClient(TestServer(create_api_app(store, settings))) as test_client:
        yield test_client


async def _get(client: TestClient, path: str, status: int = 200) -> Any:
    response = await client.get(path)
    body = await response.read()
    assert response.status == status, body
    assert response.headers["Content-Type"].startswith("application/json")
    return orjson.loads(body)


async def _dates(client: TestClient, query: str) -> list[str]:
    page = await _get(client, f"/api/events?{query}")
    assert page["total"] == len(page["items"])
    return [item["date"] for item in page["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            [
                "2020-11-07",
                "2020-11-07",
                "2020-10-20",
                "2020-10-18",
                "2020-10-10",
                "2020-10-02",
                "2020-09-30",
            ],
        ),
        ("type=ceasefire_violated", ["2020-10-18", "2020-10-10"]),
        ("type=ceasefire_violated&type=leader_call", None),
        ("type=ceasefire_violated,LEADER_CALL", None),
        ("type=official_contact", []),
        ("participant=pashinyan-nikol", ["2020-10-02"]),
        ("participant=Macron", ["2020-11-07", "2020-10-20", "2020-09-30"]),
        ("participant=erdog", ["2020-11-07"]),
        ("country=fra", ["2020-11-07", "2020-10-20", "2020-09-30"]),
        ("country=TUR", ["2020-11-07"]),
        ("since=2020-10-18", ["2020-11-07", "2020-11-07", "2020-10-20", "2020-10-18"]),
        ("until=2020-10-02", ["2020-10-02", "2020-09-30"]),
        ("since=2020-10-10&until=2020-10-18", ["2020-10-18", "2020-10-10"]),
        ("since=2020-11-07T00:00:00Z", ["2020-11-07", "2020-11-07"]),
        ("q=telephone", ["2020-11-07"]),
        ("q=Putin%20Macron", ["2020-11-07", "2020-10-20", "2020-09-30"]),
        ("q=nagorno-karabakh&type=ceasefire_violated", ["2020-10-18", "2020-10-10"]),
        ("q=100%25", []),
        ("q=%5C", []),
        ("participant=putin&country=arm&since=2020-10-01&q=third", ["2020-10-02"]),
    ],
)
async def test_each_filter(client: TestClient, query: str, expected: list[str] | None) -> None:
    dates = await _dates(client, query)
    assert dates == (expected if expected is not None else sorted(dates, reverse=True))
    if expected is None:
        assert len(dates) == 7


async def test_paging(client: TestClient) -> None:
    first = await _get(client, "/api/events?limit=3")
    assert (first["total"], first["limit"], first["offset"], first["next_offset"]) == (7, 3, 0, 3)
    last = await _get(client, "/api/events?limit=3&offset=6")
    assert len(last["items"]) == 1 and last["next_offset"] is None
    beyond = await _get(client, "/api/events?offset=50")
    assert beyond["items"] == [] and beyond["total"] == 7


async def test_polling_cursor(client: TestClient, store: EventStore, events: list[Event]) -> None:
    page = await _get(client, "/api/events")
    assert (await _get(client, f"/api/events?after={page['cursor']}"))["items"] == []
    changed = events[2].replace(headline="Putin and Macron held a phone call (second report)")
    await store.upsert_event(changed)
    after = await _get(client, f"/api/events?after={page['cursor']}")
    assert [item["id"] for item in after["items"]] == [changed.id]
    everything = await _get(client, "/api/events?after=0")
    seqs = [item["seq"] for item in everything["items"]]
    assert seqs == sorted(seqs) and len(seqs) == 7


async def test_event_detail(client: TestClient, store: EventStore, events: list[Event]) -> None:
    event = events[1]
    at = datetime(2020, 10, 2, 15, tzinfo=UTC)
    await store.record_delivery(
        alert_id="al-1",
        event_id=event.id,
        sink="webhook",
        outcome="failed",
        attempts=2,
        error="HTTP 500",
        at=at,
    )
    detail = await _get(client, f"/api/events/{event.id}")
    assert detail["id"] == event.id
    assert detail["participants"][0]["person_id"] == "pashinyan-nikol"
    assert detail["reports"][0]["sentence"] == event.evidence[0].sentence
    assert detail["reports"][0]["url"] == event.evidence[0].url
    assert detail["deliveries"] == [
        {"alert_id": "al-1", "event_id": event.id, "sink": "webhook", "outcome": "failed", "attempts": 2,
         "error": "HTTP 500", "at": "2020-10-02T15:00:00+00:00"}
    ]  # fmt: skip
    missing = await _get(client, "/api/events/0000000000000000", 404)
    assert missing["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=101", "limit"),
        ("limit=99999999999999999999", "limit"),
        ("limit=1&limit=2", "limit"),
        ("offset=-5", "offset"),
        ("offset=1.5", "offset"),
        ("since=2020-13-01", "since"),
        ("since=yesterday", "since"),
        ("until=2020-02-30", "until"),
        ("since=2020-11-01&until=2020-10-01", "since"),
        ("country=FRANCE", "country"),
        ("country=12", "country"),
        ("type=%3Cscript%3E", "type"),
        ("q=" + "x" * 201, "q"),
        ("q=a%00b", "q"),
        ("participant=" + "p" * 101, "participant"),
        ("after=-1", "after"),
        ("after=next", "after"),
        ("sort=date", "sort"),
        ("Type=leader_call", "Type"),
    ],
)
async def test_bad_parameters_are_clear_400s(client: TestClient, query: str, parameter: str) -> None:
    body = await _get(client, f"/api/events?{query}", 400)
    assert body["error"]["status"] == 400
    assert body["error"]["code"] == "bad_parameter"
    assert body["error"]["parameter"] == parameter
    assert body["error"]["message"]


@pytest.mark.parametrize(
    "query",
    [
        "q=%FF", "q=%ED%A0%80", "participant=%ED%A0%80", "type=%ED%A0%80", "country=%C3%A9%C3%A9%C3%A9",
        "q=%F0%9F%98%80", "q=a%20%20%20b", "q=" + "%25" * 150, "since=9999-12-31T23:59:59-23:59",
        "since=0001-01-01T00:00:00%2B23:59", "since=2020-10-10T25:00", "since=+002020-10-10",
        "until=2020-W10-1",
        "limit=%EF%BC%91", "offset=%D9%A1", "after=99999999999", "q=%27%3B%20DROP%20TABLE%20events%3B--",
    ],
)  # fmt: skip
async def test_odd_input_is_never_500(client: TestClient, query: str) -> None:
    response = await client.get(f"/api/events?{query}")
    assert response.status in (200, 400), await response.text()
    assert (await client.get("/api/events?limit=1")).status == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/events/bad%20id!", 400),
        ("/api/events/" + "a" * 65, 400),
        ("/api/events/abc?x=1", 400),
        ("/api/stream?limit=5", 400),
        ("/api/stream?since=never", 400),
        ("/api/nothing", 404),
        ("/static/..%2Fapi.py", 404),
        ("/static/secrets.txt", 404),
    ],
)
async def test_bad_paths_are_never_500(client: TestClient, path: str, status: int) -> None:
    body = await _get(client, path, status)
    assert body["error"]["status"] == status


async def test_wrong_method_is_405(client: TestClient) -> None:
    response = await client.post("/api/events", data=b"{}")
    assert response.status == 405
    assert (await response.json())["error"]["status"] == 405


async def test_unreachable_store_is_503_and_not_ready(store_url: str, events: list[Event]) -> None:
    broken = open_store(StoreSettings(url=store_url))
    await broken.migrate()
    await broken.close()
    async with TestClient(TestServer(create_api_app(broken, StoreSettings(url=store_url)))) as test_client:
        body = await _get(test_client, "/api/events", 503)
        assert body["error"]["code"] == "store_unavailable"
        assert (await _get(test_client, "/readyz", 503))["status"] == "unavailable"
        assert (await _get(test_client, "/healthz"))["status"] == "ok"


async def test_readiness_needs_migrations(store_url: str) -> None:
    fresh = open_store(StoreSettings(url=store_url))
    try:
        async with TestClient(TestServer(create_api_app(fresh, StoreSettings(url=store_url)))) as test_client:
            assert (await _get(test_client, "/readyz", 503))["status"] == "unavailable"
            await fresh.migrate()
            assert (await _get(test_client, "/readyz"))["status"] == "ready"
    finally:
        await fresh.close()


async def test_hostile_text_is_escaped_in_json(
    client: TestClient, store: EventStore, events: list[Event]
) -> None:
    hostile = events[0].replace(headline=HOSTILE, date="2021-02-02")
    await store.upsert_event(hostile)
    response = await client.get("/api/events?limit=1")
    raw = await response.read()
    assert b"<" not in raw and b">" not in raw and b"&" not in raw
    assert orjson.loads(raw)["items"][0]["headline"] == HOSTILE
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    detail = await (await client.get(f"/api/events/{hostile.id}")).read()
    assert b"<script" not in detail


async def test_openapi_documents_every_route_and_shape(client: TestClient, events: list[Event]) -> None:
    spec = await _get(client, "/api/openapi.json")
    assert spec == orjson.loads(orjson.dumps(load_openapi()))
    routes = {r.resource.canonical for r in client.app.router.routes() if r.resource is not None}
    documented = {path.replace("{id}", "{event_id}") for path in spec["paths"]}
    assert routes - {"/static/{name}"} == documented
    schemas = spec["components"]["schemas"]
    page = await _get(client, "/api/events")
    assert set(schemas["EventPage"]["required"]) <= set(page)
    assert set(schemas["EventSummary"]["required"]) == set(page["items"][0])
    detail = await _get(client, f"/api/events/{events[0].id}")
    assert set(schemas["EventSummary"]["required"]) | {"reports", "deliveries"} == set(detail)
    assert set(schemas["Report"]["required"]) == set(detail["reports"][0])
    bad = await _get(client, "/api/events?limit=x", 400)
    assert set(schemas["Error"]["properties"]["error"]["required"]) <= set(bad["error"])


async def test_health_and_metrics(client: TestClient) -> None:
    assert (await _get(client, "/healthz"))["status"] == "ok"
    assert (await _get(client, "/readyz"))["status"] == "ready"
    labels = {"route": "/api/events", "status": "400"}
    before = REGISTRY.get_sample_value("newswatch_api_requests_total", labels) or 0.0
    await _get(client, "/api/events?limit=x", 400)
    assert REGISTRY.get_sample_value("newswatch_api_requests_total", labels) == before + 1
    metrics = await (await client.get("/metrics")).text()
    assert "newswatch_store_writes_total" in metrics and "newswatch_api_requests_total" in metrics


async def test_page_and_static_files(client: TestClient) -> None:
    response = await client.get("/")
    assert response.status == 200
    html = await response.text()
    assert "<title>newswatch events</title>" in html and 'src="/static/app.js"' in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        static = await client.get(f"/static/{name}")
        assert static.status == 200 and static.headers["Content-Type"].startswith(kind)
    script = await (await client.get("/static/app.js")).text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


async def test_page_title_is_escaped(store: EventStore, store_url: str) -> None:
    settings = StoreSettings(url=store_url, page_title="<b>ops</b> & co")
    async with TestClient(TestServer(create_api_app(store, settings))) as test_client:
        html = await (await test_client.get("/")).text()
    assert "<title>&lt;b&gt;ops&lt;/b&gt; &amp; co</title>" in html


async def _next_message(stream: Any, timeout: float = 10.0) -> dict[str, str]:
    fields: dict[str, str] = {}
    while True:
        line = (await asyncio.wait_for(stream.readline(), timeout)).decode().rstrip("\n")
        if not line:
            if fields:
                return fields
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(": ")
        fields[name] = value


async def test_stream_sends_new_and_changed_events(
    client: TestClient, store: EventStore, events: list[Event]
) -> None:
    response = await client.get("/api/stream?type=leader_call")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    ready = await _next_message(response.content)
    assert ready["event"] == "ready"
    await store.upsert_event(events[5].replace(headline="ceasefire story, filtered out", date="2020-12-01"))
    fresh = events[0].replace(date="2020-12-24", headline=HOSTILE)
    await store.upsert_event(fresh)
    message = await _next_message(response.content)
    assert message["event"] == "events"
    items = orjson.loads(message["data"])
    assert [item["id"] for item in items] == [fresh.id]
    assert items[0]["headline"] == HOSTILE and "<" not in message["data"]
    assert int(message["id"]) == items[0]["seq"] > int(ready["id"])
    response.close()


async def test_stream_resumes_from_last_event_id(client: TestClient) -> None:
    response = await client.get("/api/stream", headers={"Last-Event-ID": "0"})
    message = await _next_message(response.content)
    assert message["event"] == "ready" and message["id"] == "0"
    message = await _next_message(response.content)
    assert len(orjson.loads(message["data"])) == 7
    response.close()
