"""``GET /api/views`` (the page's timeline, map and graph data) on both backends, and the vendored assets."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer

from streams.records import Event
from streams.settings.store import StoreSettings
from streams.store import EventStore
from streams.store.api import PAGE_DIR, create_api_app
from streams.store.views import conflict_countries


@pytest.fixture
async def client(store: EventStore, store_url: str, events: list[Event]) -> AsyncIterator[TestClient]:
    for event in events:
        await store.upsert_event(event)
    settings = StoreSettings(url=store_url, stream_poll_seconds=0.1)
    async with TestClient(TestServer(create_api_app(store, settings))) as test_client:
        yield test_client


async def _get(client: TestClient, path: str, status: int = 200) -> Any:
    response = await client.get(path)
    body = await response.read()
    assert response.status == status, body
    return orjson.loads(body)


async def test_views_of_the_seven_seed_events(client: TestClient, events: list[Event]) -> None:
    body = await _get(client, "/api/views")
    assert (body["total"], body["included"]) == (7, 7)
    assert body["timeline"] == [
        {"date": "2020-09-30", "type": "leader_call", "conflict": None, "count": 1},
        {"date": "2020-10-02", "type": "leader_call", "conflict": None, "count": 1},
        {"date": "2020-10-10", "type": "ceasefire_violated", "conflict": "Nagorno-Karabakh", "count": 1},
        {"date": "2020-10-18", "type": "ceasefire_violated", "conflict": "Nagorno-Karabakh", "count": 1},
        {"date": "2020-10-20", "type": "leader_call", "conflict": None, "count": 1},
        {"date": "2020-11-07", "type": "leader_call", "conflict": None, "count": 2},
    ]
    by_country: dict[str, set[str]] = {}
    for place in body["places"]:
        by_country.setdefault(place["country"], set()).add(place["id"])
    assert {code: len(ids) for code, ids in by_country.items()} == {
        "RUS": 5, "FRA": 3, "ARM": 1, "TUR": 1, "AZE": 2,
    }  # fmt: skip
    assert by_country["AZE"] == {events[5].id, events[6].id}  # Karabakh ceasefires, placed by conflict
    assert len(body["places"]) == 12
    edges = {(e["source"], e["target"]): (e["count"], set(e["events"])) for e in body["edges"]}
    assert edges == {
        ("macron-emmanuel", "putin-vladimir"): (3, {events[0].id, events[2].id, events[3].id}),
        ("pashinyan-nikol", "putin-vladimir"): (1, {events[1].id}),
        ("erdogan-recep-tayyip", "putin-vladimir"): (1, {events[4].id}),
    }
    nodes = {n["id"]: n["count"] for n in body["nodes"]}
    assert nodes == {
        "putin-vladimir": 5, "macron-emmanuel": 3, "pashinyan-nikol": 1, "erdogan-recep-tayyip": 1,
    }  # fmt: skip


async def test_views_take_the_list_filters_and_refuse_paging(client: TestClient) -> None:
    body = await _get(client, "/api/views?type=ceasefire_violated")
    assert [row["count"] for row in body["timeline"]] == [1, 1]
    assert body["edges"] == [] and body["nodes"] == []
    france = await _get(client, "/api/views?country=FRA&since=2020-10-01")
    assert sum(row["count"] for row in france["timeline"]) == 2
    for bad in ("limit=5", "offset=1", "after=3", "country=France", "since=tomorrow"):
        error = await _get(client, f"/api/views?{bad}", 400)
        assert error["error"]["parameter"] == bad.split("=")[0]


async def test_views_follow_new_and_changed_events(
    client: TestClient, store: EventStore, events: list[Event]
) -> None:
    """A filter set's answer is kept only while the store is unchanged: new and updated events show."""
    before = await _get(client, "/api/views")
    assert before == await _get(client, "/api/views")
    fresh = events[3].replace(date="2020-12-01", headline="Putin and Macron spoke again")
    await store.upsert_event(fresh)
    after = await _get(client, "/api/views")
    assert after["total"] == 8
    assert {"date": "2020-12-01", "type": "leader_call", "conflict": None, "count": 1} in after["timeline"]
    assert after["edges"][0]["count"] == 4
    # An update of a stored event (same id, later report, another participant country) moves its point.
    moved = events[1]
    armenia = moved.participants[0]
    updated = moved.replace(
        participants=(armenia.__class__(armenia.name, "GEO", armenia.office, armenia.person_id, True),
                      moved.participants[1]),
        last_reported=moved.last_reported + timedelta(hours=1) if moved.last_reported else None,
    )  # fmt: skip
    assert updated.id == moved.id
    await store.upsert_event(updated)
    places = {p["country"] for p in (await _get(client, "/api/views"))["places"] if p["id"] == moved.id}
    assert places == {"GEO", "RUS"}


async def test_vendored_assets_are_served_locally(client: TestClient) -> None:
    page = await (await client.get("/")).text()
    for name in ("app.js", "echarts.min.js", "views.js"):
        assert f'src="/static/{name}"' in page
    library = await client.get("/static/echarts.min.js")
    assert library.status == 200 and library.headers["Content-Type"].startswith("text/javascript")
    assert "max-age" in library.headers["Cache-Control"]
    assert len(await library.read()) > 500_000
    world = await _get(client, "/static/world.json")
    codes = {feature["properties"]["iso_a3"] for feature in world["features"]}
    assert len(codes) > 170 and {"RUS", "FRA", "ARM", "AZE", "TUR", "USA", "UKR"} <= codes
    assert set(conflict_countries().values()) <= codes  # every conflict the map places has a shape
    for feature in world["features"]:
        lon, lat = feature["properties"]["label"]
        assert -180 <= lon <= 200 and -90 <= lat <= 90, feature["properties"]["name"]
    script = (PAGE_DIR / "views.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert (PAGE_DIR / "vendor" / "ECHARTS-LICENSE").exists() and (
        PAGE_DIR / "vendor" / "WORLD-ATLAS-LICENSE"
    ).exists()
    assert json.loads((PAGE_DIR / "conflict_countries.json").read_text(encoding="utf-8"))


async def test_views_brought_up_to_date_equal_a_fresh_read(
    client: TestClient, store: EventStore, store_url: str, events: list[Event]
) -> None:
    """The unfiltered answer folds in changed events only; it must equal an answer read from scratch."""
    from tests.store.synthetic import generated_events

    await _get(client, "/api/views")
    extra = generated_events(40, seed=3)
    for event in extra[:25]:
        await store.upsert_event(event)
    await _get(client, "/api/views")  # folds in 25 new events
    moved = events[4]
    turkey = moved.participants[0]
    later = moved.last_reported + timedelta(hours=2) if moved.last_reported else None
    await store.upsert_event(
        moved.replace(
            participants=(turkey.__class__(turkey.name, "CYP", turkey.office, turkey.person_id, True),
                          moved.participants[1]),
            headline="Erdogan spoke to Putin (updated)", last_reported=later,
        )
    )  # fmt: skip
    for event in extra[25:]:
        await store.upsert_event(event)
    kept = await _get(client, "/api/views")
    settings = StoreSettings(url=store_url)
    async with TestClient(TestServer(create_api_app(store, settings))) as fresh_client:
        fresh = await _get(fresh_client, "/api/views")
    assert kept == fresh
    assert kept["total"] == 7 + 40
    assert {p["country"] for p in kept["places"] if p["id"] == moved.id} == {"CYP", "RUS"}
