"""The live events page in headless Chromium (Debian's chromium + chromedriver, driven by Selenium).

The page must list the seed events, show a new event without a reload, expand an event to its evidence and
links, and render a headline holding ``<script>`` as text. Skipped when Chromium or Selenium is missing,
unless ``NEWSWATCH_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from streams.records import Event, EventType, Place
from streams.store import EventStore
from tests.store.page_harness import chromium, require_browser, served_store, until

pytestmark = pytest.mark.slow

HOSTILE = '<script>window.__pwned = 1;</script><img src=x onerror="window.__pwned = 2"> Hostile headline'


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium session with a fresh profile."""
    require_browser()
    with chromium() as driver:
        yield driver


@pytest.fixture
async def served(sqlite_url: str, events: list[Event]) -> AsyncIterator[tuple[str, EventStore]]:
    """The API and page on a free port, over a SQLite store holding the seven events and a hostile one."""
    hostile = events[0].replace(headline=HOSTILE, date="2020-08-01")
    async with served_store(sqlite_url, [*events, hostile]) as served_at:
        yield served_at


def _headlines(driver: Any) -> list[str]:
    return list(driver.execute_script(
        "return Array.from(document.querySelectorAll('#events .headline')).map(n => n.textContent);"
    ))  # fmt: skip


async def test_page_lists_updates_and_escapes(
    browser: Any, served: tuple[str, EventStore], events: list[Event]
) -> None:
    url, store = served
    await asyncio.to_thread(browser.get, url)
    await until(lambda: len(_headlines(browser)) == 8)
    shown = _headlines(browser)
    assert set(shown) == {e.headline for e in events} | {HOSTILE}
    assert shown[0] == events[4].headline  # newest first: Erdogan-Putin, 2020-11-07, reported later that day
    assert shown[-1] == HOSTILE

    # The hostile headline is text: no script ran, no element was created from it.
    assert await asyncio.to_thread(browser.execute_script, "return window.__pwned === undefined;")
    injected = "return document.querySelectorAll('#events script, #events img').length;"
    assert await asyncio.to_thread(browser.execute_script, injected) == 0

    # A new event appears without a reload (the marker survives), at the top, flagged as new.
    await asyncio.to_thread(browser.execute_script, "window.__marker = 'still here';")
    fresh = events[3].replace(date="2020-12-01", headline="Putin and Macron spoke again <b>by video</b>")
    await store.upsert_event(fresh)
    await until(lambda: fresh.headline in _headlines(browser))
    assert _headlines(browser)[0] == fresh.headline
    assert await asyncio.to_thread(browser.execute_script, "return window.__marker;") == "still here"
    first_class = "return document.querySelector('#events li').className;"
    assert "is-new" in await asyncio.to_thread(browser.execute_script, first_class)
    status = "return document.getElementById('summary').textContent;"
    assert (await asyncio.to_thread(browser.execute_script, status)).startswith("9 of 9")

    # Expanding an event shows its evidence sentence and an http(s) link to the report.
    target = events[5]
    expand = (
        "const item = document.querySelector('#events li[data-id=\"' + arguments[0] + '\"] summary');"
        "item.click(); return true;"
    )
    await asyncio.to_thread(browser.execute_script, expand, target.id)
    evidence = (
        "const body = document.querySelector('#events li[data-id=\"' + arguments[0] + '\"] .body');"
        "const quote = body.querySelector('blockquote'); const link = body.querySelector('a');"
        "return quote && link ? [quote.textContent, link.href] : null;"
    )
    sentence, href = await until(lambda: browser.execute_script(evidence, target.id))
    assert sentence == target.evidence[0].sentence
    assert href == target.evidence[0].url


async def test_filter_box_narrows_the_list(
    browser: Any, served: tuple[str, EventStore], events: list[Event]
) -> None:
    url, _ = served
    await asyncio.to_thread(browser.get, url)
    await until(lambda: len(_headlines(browser)) == 8)
    from selenium.webdriver.common.by import By

    box = await asyncio.to_thread(browser.find_element, By.ID, "q")
    await asyncio.to_thread(box.send_keys, "hostilities")
    await until(lambda: _headlines(browser) == [events[6].headline])
    label = "return document.querySelector('label[for=q]').textContent;"
    assert await asyncio.to_thread(browser.execute_script, label) == "Filter"


PAGE_TOKEN = "page-test-token-0123456789"


@pytest.fixture
async def served_with_token(sqlite_url: str, events: list[Event]) -> AsyncIterator[tuple[str, EventStore]]:
    """The API and page with a bearer token configured, over the seven events."""
    async with served_store(sqlite_url, events, api_token=PAGE_TOKEN) as served_at:
        yield served_at


async def test_page_asks_for_the_token_and_follows_by_polling(
    browser: Any, served_with_token: tuple[str, EventStore], events: list[Event]
) -> None:
    """With store.api_token set the page asks once, sends the header, and still shows new events."""
    from selenium.webdriver.common.by import By

    url, store = served_with_token
    await asyncio.to_thread(browser.get, url)
    await asyncio.to_thread(browser.execute_script, "window.sessionStorage.clear();")
    await asyncio.to_thread(browser.get, url)
    form_shown = "return !document.getElementById('token-form').hidden;"
    await until(lambda: browser.execute_script(form_shown))
    assert _headlines(browser) == []

    async def submit(token: str) -> None:
        box = await asyncio.to_thread(browser.find_element, By.ID, "token")
        await asyncio.to_thread(box.send_keys, token)
        await asyncio.to_thread(
            browser.execute_script, "document.getElementById('token-form').requestSubmit();"
        )

    await submit("wrong-token-0123456789")
    await until(lambda: browser.execute_script(form_shown))
    await submit(PAGE_TOKEN)
    await until(lambda: len(_headlines(browser)) == 7)
    assert not await asyncio.to_thread(browser.execute_script, form_shown)
    fresh = events[3].replace(date="2020-12-01", headline="Putin and Macron spoke again, seen by polling")
    await store.upsert_event(fresh)
    await until(lambda: fresh.headline in _headlines(browser), timeout=20.0)


async def test_type_selector_offers_every_type_and_a_placed_event_shows_its_place(
    browser: Any, served: tuple[str, EventStore], events: list[Event]
) -> None:
    url, store = served
    place = Place("Stepanakert", "AZ", 39.8153, 46.7519, "lexicon:stepanakert", "city")
    attack = Event(
        type=EventType.ARMED_ATTACK, date="2020-10-04", place=place, headline="Shelling of Stepanakert",
        conflict="Nagorno-Karabakh", sources=("example.org",),
    )  # fmt: skip
    await store.upsert_event(attack)
    await asyncio.to_thread(browser.get, url)
    await until(lambda: len(_headlines(browser)) == 9)
    options = "return Array.from(document.querySelectorAll('#type option')).map(o => o.value).filter(v => v);"
    assert await asyncio.to_thread(browser.execute_script, options) == list(EventType.ALL)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    select = Select(await asyncio.to_thread(browser.find_element, By.ID, "type"))
    await asyncio.to_thread(select.select_by_value, "armed_attack")
    await until(lambda: _headlines(browser) == [attack.headline])
    shown = "return document.querySelector('#events li .place').textContent;"
    assert await asyncio.to_thread(browser.execute_script, shown) == " · Stepanakert (AZ)"
