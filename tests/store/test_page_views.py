"""The page's timeline, map and contact graph in headless Chromium, over the seeds and 5,000 generated events.

What each chart holds is read back from ECharts in the page and compared with counts made here from the
events themselves: events per day, points per country (a participant's country, or the conflict's country
for ceasefire news), and one edge per pair of participants weighted by its events. Clicks are real mouse
clicks on the drawn edge and point. ``NEWSWATCH_PAGE_SCREENSHOTS=docs/img`` writes the screenshots shown in
docs/store.md (otherwise they go to the test's temporary folder). Skipped without Chromium or Selenium,
unless ``NEWSWATCH_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from streams.records import Event
from tests.store.page_harness import chromium, require_browser, served_store, until
from tests.store.synthetic import generated_events

pytestmark = pytest.mark.slow

CONFLICT_COUNTRIES = json.loads(
    (Path(__file__).parents[2] / "streams/store/page/conflict_countries.json").read_text(encoding="utf-8")
)
TIMELINE_PER_DAY = """
const chart = window.newswatchViews.charts.timeline; const option = chart.getOption();
const days = option.xAxis[0].data; const out = {};
for (const series of option.series)
  series.data.forEach((v, i) => { if (v) out[days[i]] = (out[days[i]] || 0) + v; });
return out;"""
MAP_PER_COUNTRY = """
const out = {};
for (const series of window.newswatchViews.charts.map.getOption().series)
  for (const point of series.data) out[point.country] = (out[point.country] || 0) + 1;
return out;"""
GRAPH_EDGES = """
const series = window.newswatchViews.charts.graph.getOption().series[0];
return series.links.map((l) => [l.source, l.target, l.value]);"""
RENDERS = "return Number(document.getElementById('views').dataset.renders || 0);"
HEADLINES = (
    "return Array.from(document.querySelectorAll(arguments[0] + ' .headline')).map(n => n.textContent);"
)


@pytest.fixture(autouse=True)
def _needs_browser() -> None:
    require_browser()


def per_day(events: Iterable[Event]) -> dict[str, int]:
    return dict(Counter(e.date for e in events))


def per_country(events: Iterable[Event]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for event in events:
        codes = {p.country for p in event.participants if p.country}
        if not codes and event.conflict in CONFLICT_COUNTRIES:
            codes = {CONFLICT_COUNTRIES[event.conflict]}
        counts.update(codes)
    return dict(counts)


def edges(events: Iterable[Event]) -> dict[tuple[str, str], int]:
    counts: Counter[tuple[str, str]] = Counter()
    for event in events:
        people = sorted({p.person_id or p.name.lower() for p in event.participants})
        counts.update((a, b) for i, a in enumerate(people) for b in people[i + 1 :])
    return dict(counts)


def shown_edges(driver: Any) -> dict[tuple[str, str], int]:
    return {(a, b): n for a, b, n in driver.execute_script(GRAPH_EDGES)}


def screenshot_dir(tmp_path: Path) -> Path:
    target = Path(os.environ.get("NEWSWATCH_PAGE_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


async def click_at(driver: Any, element_id: str, x: float, y: float) -> None:
    """A real mouse click at (x, y) pixels inside the element (from its top-left corner)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    def run() -> None:
        element = driver.find_element(By.ID, element_id)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        size = element.size
        ActionChains(driver).move_to_element_with_offset(
            element, int(x - size["width"] / 2), int(y - size["height"] / 2)
        ).click().perform()

    await asyncio.to_thread(run)


async def test_views_show_the_seeds_and_follow_clicks_brush_and_live_events(
    sqlite_url: str, events: list[Event], tmp_path: Path
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    async with served_store(sqlite_url, events) as (url, store):
        with chromium(downloads=str(downloads)) as browser:
            await asyncio.to_thread(browser.get, url)
            await until(lambda: browser.execute_script(RENDERS) >= 1)
            assert browser.execute_script(TIMELINE_PER_DAY) == per_day(events)
            assert browser.execute_script(MAP_PER_COUNTRY) == per_country(events)
            assert per_country(events) == {"RUS": 5, "FRA": 3, "ARM": 1, "TUR": 1, "AZE": 2}
            assert shown_edges(browser) == edges(events)

            # A click on the Putin-Macron edge lists its three events.
            middle = """
            const chart = window.newswatchViews.charts.graph;
            const data = chart.getModel().getSeriesByIndex(0).getData();
            const at = (id) => data.getItemLayout(data.mapArray((i) => i).find((i) => data.getId(i) === id));
            const a = at('macron-emmanuel'), b = at('putin-vladimir');
            return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];"""
            x, y = browser.execute_script(middle)
            await click_at(browser, "view-graph", x, y)
            putin_macron = {
                e.headline
                for e in events
                if {p.person_id for p in e.participants} == {"putin-vladimir", "macron-emmanuel"}
            }
            await until(lambda: len(browser.execute_script(HEADLINES, "#picked-events")) == 3)
            assert set(browser.execute_script(HEADLINES, "#picked-events")) == putin_macron
            assert (
                "Vladimir Putin – Emmanuel Macron" in browser.find_element("id", "picked-title").text
                or "Emmanuel Macron – Vladimir Putin" in browser.find_element("id", "picked-title").text
            )

            # A click on the Armenian point opens Pashinyan's call with its evidence.
            point = """
            const option = window.newswatchViews.charts.map.getOption();
            for (const series of option.series) for (const p of series.data)
              if (p.country === 'ARM')
                return window.newswatchViews.charts.map.convertToPixel({geoIndex: 0}, p.value);
            return null;"""
            px, py = browser.execute_script(point)
            await click_at(browser, "view-map", px, py)
            pashinyan = events[1]
            await until(lambda: browser.execute_script(HEADLINES, "#picked-events") == [pashinyan.headline])
            quote = "return (document.querySelector('#picked-events details[open] blockquote') || {})"
            quote += ".textContent;"
            assert await until(lambda: browser.execute_script(quote)) == pashinyan.evidence[0].sentence

            # Brushing 2020-10-01..2020-10-19 on the timeline narrows the list; clearing restores it.
            brush = """
            const chart = window.newswatchViews.charts.timeline; const days = chart.getOption().xAxis[0].data;
            chart.dispatchAction({type: 'brush', areas: [{brushType: 'lineX', xAxisIndex: 0,
              coordRange: [days.indexOf('2020-10-01'), days.indexOf('2020-10-19')]}]});"""
            browser.execute_script(brush)
            inside = {e.headline for e in events if "2020-10-01" <= e.date <= "2020-10-19"}
            await until(lambda: set(browser.execute_script(HEADLINES, "#events")) == inside)
            assert len(inside) == 3
            assert browser.execute_script(TIMELINE_PER_DAY) == per_day(events)  # the views keep every day
            browser.find_element("id", "clear-range").click()
            await until(lambda: len(browser.execute_script(HEADLINES, "#events")) == 7)

            # PNG export: the button downloads a PNG of the view.
            browser.find_element("css selector", "button[data-export=graph]").click()
            png = downloads / "newswatch-graph.png"
            await until(lambda: png.exists() and png.stat().st_size > 1000)
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

            # A new event shows up in the timeline and the graph without a reload; the reader's zoom stays.
            browser.execute_script("window.__marker = 'kept';")
            zoom_to = (
                "window.newswatchViews.charts.timeline.dispatchAction("
                "{type: 'dataZoom', startValue: '2020-10-02', endValue: '2020-10-20'});"
            )
            browser.execute_script(zoom_to)
            zoomed = (
                "const c = window.newswatchViews.charts.timeline; const o = c.getOption();"
                "return [o.xAxis[0].data[o.dataZoom[0].startValue], o.xAxis[0].data[o.dataZoom[0].endValue]];"
            )
            assert browser.execute_script(zoomed) == ["2020-10-02", "2020-10-20"]
            fresh = events[3].replace(date="2020-12-01", headline="Putin and Macron spoke again")
            await store.upsert_event(fresh)
            await until(lambda: browser.execute_script(TIMELINE_PER_DAY).get("2020-12-01") == 1)
            assert shown_edges(browser)[("macron-emmanuel", "putin-vladimir")] == 4
            assert browser.execute_script("return window.__marker;") == "kept"
            assert browser.execute_script(zoomed) == ["2020-10-02", "2020-10-20"]


async def test_views_with_5000_events_and_at_phone_width(
    sqlite_url: str, events: list[Event], tmp_path: Path
) -> None:
    stored = events + generated_events(5000)
    shots = screenshot_dir(tmp_path)
    async with served_store(sqlite_url, stored) as (url, _store):
        with chromium(1200, 1000) as browser:
            await asyncio.to_thread(browser.get, url)
            await until(lambda: browser.execute_script(RENDERS) >= 1, timeout=60.0)
            note = browser.find_element("id", "views-note").text
            assert note == f"{len(stored)} events in the views"
            assert browser.execute_script(TIMELINE_PER_DAY) == per_day(stored)
            assert browser.execute_script(MAP_PER_COUNTRY) == per_country(stored)
            assert shown_edges(browser) == edges(stored)
            zoom = (
                "window.newswatchViews.charts.timeline"
                ".dispatchAction({type: 'dataZoom', startValue: '2024-01-01'});"
            )
            browser.execute_script(zoom)  # the seeds sit in 2020: show the generated year in the picture
            for name in ("timeline", "map", "graph"):
                section = browser.find_element("id", f"view-{name}").find_element("xpath", "..")
                browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", section)
                await asyncio.sleep(0.3)
                await asyncio.to_thread(section.screenshot, str(shots / f"page-{name}.png"))

            await asyncio.to_thread(browser.set_window_size, 390, 844)
            await asyncio.sleep(0.5)
            width = "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];"
            scroll, client = browser.execute_script(width)
            assert scroll <= client, "the page scrolls sideways at phone width"
            canvases = (
                "return Array.from(document.querySelectorAll('.chart canvas'))"
                ".map(c => c.getBoundingClientRect().right);"
            )
            assert max(browser.execute_script(canvases)) <= client
            browser.execute_script("window.scrollTo(0, 0);")
            await asyncio.to_thread(browser.save_screenshot, str(shots / "page-phone.png"))


async def test_leaving_the_page_closes_its_live_stream(sqlite_url: str, events: list[Event]) -> None:
    """Regression: each visit's event stream stayed open after navigating away, so after six visits (the
    browser's connection limit per host) the seventh page waited about 50 s for a free connection."""
    async with served_store(sqlite_url, events) as (url, _store):
        with chromium() as browser:
            shown = "return document.getElementById('status').textContent;"
            for visit in range(8):
                await asyncio.to_thread(browser.get, "about:blank")
                started = time.monotonic()
                await asyncio.to_thread(browser.get, url)
                await until(lambda: browser.execute_script(shown) == "Live", timeout=20.0)
                took = time.monotonic() - started
                assert took < 20.0, f"visit {visit + 1} took {took:.0f} s"
