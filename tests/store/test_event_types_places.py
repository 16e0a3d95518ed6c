"""The store, API and page know every built-in type and carry an event's place end to end (issue 20)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer

from streams.records import Event, EventType, Place
from streams.settings.store import StoreSettings
from streams.store import EventQuery, EventStore
from streams.store.api import create_api_app
from streams.store.views import TYPE_COLORS

STEPANAKERT = Place("Stepanakert", "AZ", 39.8153, 46.7519, "lexicon:stepanakert", "city")
KHARKIV = Place("Kharkiv", "UA", 49.98177, 36.25475, "706483", "city")


def _attack(day: str, place: Place) -> Event:
    return Event(
        type=EventType.ARMED_ATTACK,
        date=day,
        conflict="Nagorno-Karabakh" if place.country == "AZ" else None,
        place=place,
        headline=f"Shelling of {place.name}",
        sources=("example.org",),
    )


@pytest.fixture
async def client(store: EventStore, store_url: str, events: list[Event]) -> AsyncIterator[TestClient]:
    for event in (*events, _attack("2020-10-04", STEPANAKERT), _attack("2022-05-01", KHARKIV)):
        await store.upsert_event(event)
    settings = StoreSettings(url=store_url, stream_poll_seconds=0.1, page_size=50, max_page_size=100)
    async with TestClient(TestServer(create_api_app(store, settings))) as test_client:
        yield test_client


async def _get(client: TestClient, path: str, status: int = 200) -> Any:
    response = await client.get(path)
    body = await response.read()
    assert response.status == status, body
    return orjson.loads(body)


async def test_the_place_is_stored_returned_and_filtered(client: TestClient, store: EventStore) -> None:
    page = await _get(client, "/api/events?type=armed_attack")
    assert [item["place"]["name"] for item in page["items"]] == ["Kharkiv", "Stepanakert"]
    assert page["items"][1]["place"] == STEPANAKERT.to_dict()
    for query, names in (("place=az", ["Stepanakert"]), ("place=kharK", ["Kharkiv"])):
        found = await _get(client, f"/api/events?{query}")
        assert [item["place"]["name"] for item in found["items"]] == names
    assert (await _get(client, "/api/events?q=stepanakert"))["total"] == 1
    calls = await _get(client, "/api/events?type=leader_call")
    assert calls["total"] == 5 and all(item["place"] is None for item in calls["items"])
    stored = await store.query_events(EventQuery(place="UA"))
    assert [summary.event for summary in stored.items] == [_attack("2022-05-01", KHARKIV)]


async def test_the_map_places_an_event_at_its_coordinates(client: TestClient) -> None:
    views = await _get(client, "/api/views?type=armed_attack")
    assert {(p["place"], p["lat"], p["lon"], p["country"]) for p in views["places"]} == {
        ("Stepanakert", 39.8153, 46.7519, "AZ"),
        ("Kharkiv", 49.98177, 36.25475, "UA"),
    }


async def test_every_builtin_type_is_served_filterable_and_coloured(client: TestClient) -> None:
    served = (await _get(client, "/api/types"))["types"]
    assert [t["type"] for t in served] == list(EventType.ALL)
    assert set(TYPE_COLORS) == set(EventType.ALL) and len(set(TYPE_COLORS.values())) == len(TYPE_COLORS)
    for name in EventType.ALL:
        await _get(client, f"/api/events?type={name}")
    await _get(client, "/api/events?type=rule:riots")
    error = await _get(client, "/api/events?type=armed_attacks", status=400)
    assert error["error"]["parameter"] == "type" and "armed_attack" in error["error"]["message"]


async def test_the_page_offers_every_type_with_its_colour(client: TestClient) -> None:
    response = await client.get("/")
    page = await response.text()
    options = re.findall(r'<option value="([a-z_]+)">([^<]+)</option>', page)
    assert options == [(name, label.lower()) for name, label in EventType.LABELS.items()]
    colors = re.search(r'data-colors="([^"]+)"', page)
    assert colors is not None and json.loads(html.unescape(colors.group(1))) == TYPE_COLORS
