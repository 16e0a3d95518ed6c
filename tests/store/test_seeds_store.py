"""The seed articles through detection and merging into the store (no broker): exactly the listed events.

The through-the-broker version is tests/integration; this one pins the store's side on both backends.
001 is left out because dedupe drops it before detection (it is 000 without the page chrome).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.records import Article, Event
from streams.store import EventQuery, EventStore
from tests.seed_events import SEED_EVENTS
from tests.store.helpers import row_counts

SEEDS = {
    "000_6be6fbbbb802f048.txt": ("2020-11-07", "opednews.example"),
    "002_80ed9d53a21f13b4.txt": ("2020-10-02", "rferl.example"),
    "003_916328e3991dc88e.txt": ("2020-10-01", "es.translated.example"),
    "004_a4b85e159159ef82.txt": ("2020-10-21", "news.example"),
}
EXPECTED = SEED_EVENTS


def _articles(seeds_dir: Path) -> list[Article]:
    found = []
    for name, (day, site) in SEEDS.items():
        text = (seeds_dir / name).read_text(encoding="utf-8")
        published = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
        found.append(
            Article(
                id=name[4:20], url=f"https://{site}/news/{name[4:20]}", title="", text=text,
                published=published, source_site=site, connector="spool",
            )
        )  # fmt: skip
    return found


def _detected(seeds_dir: Path) -> list[Event]:
    engine_module = pytest.importorskip("streams.detect.engine")
    merge_module = pytest.importorskip("streams.events.merge")
    engine = engine_module.DetectionEngine()
    known: dict[str, Event] = {}
    versions: list[Event] = []
    for article in _articles(seeds_dir):
        for report in engine.detect(article).events:
            if report.type not in {t for t, _, _ in EXPECTED}:
                continue
            outcome = merge_module.merge_report(known.get(report.id), report)
            known[report.id] = outcome.event
            versions.append(outcome.event)  # what the merge agent sends to events.merged
    return versions


def _identity(event: Event) -> tuple[str, str, tuple[str, ...]]:
    return event.type, event.date, tuple(sorted(p.country or "" for p in event.participants))


async def test_seeds_give_exactly_the_listed_events_and_replays_change_nothing(
    store: EventStore, store_url: str, seeds_dir: Path
) -> None:
    versions = _detected(seeds_dir)
    for event in versions:
        await store.upsert_event(event)
    page = await store.query_events(EventQuery(limit=100))
    assert {_identity(s.event) for s in page.items} == EXPECTED
    assert page.total == len(EXPECTED)
    counts = row_counts(store_url)
    for event in versions + versions[::-1]:  # a replay, in order and reversed
        await store.upsert_event(event)
    assert row_counts(store_url) == counts
    putin_macron = [
        s for s in page.items if _identity(s.event) == ("leader_call", "2020-11-07", ("FRA", "RUS"))
    ]
    detail = await store.get_event(putin_macron[0].event.id)
    assert detail is not None and detail.reports and all(r.sentence for r in detail.reports)
