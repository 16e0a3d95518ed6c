"""The events dashboard's timeline, geomap and node-graph queries on a real PostgreSQL store.

They must show what the live page shows for the same events: the seven seeds plus 300 generated ones,
counted here from the events themselves. Grafana's ``$__timeFilter(col)`` is expanded as Grafana does,
with a range covering every event date.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from streams.records import Event
from streams.settings.store import StoreSettings
from streams.store import open_store
from tests.store.helpers import run_sql
from tests.store.synthetic import generated_events

BOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "dashboards" / "newswatch-events.json"
CONFLICTS = json.loads(
    (Path(__file__).resolve().parents[2] / "streams/store/page/conflict_countries.json").read_text("utf-8")
)


def _targets(title: str) -> dict[str, str]:
    board = json.loads(BOARD.read_text(encoding="utf-8"))
    panel = next(p for p in board["panels"] if p.get("title") == title)
    return {
        t["refId"]: re.sub(
            r"\$__timeFilter\(([^)]+)\)", r"\1 BETWEEN '2000-01-01' AND '2100-01-01'", t["rawSql"]
        )
        for t in panel["targets"]
    }


async def _seed(url: str, events: list[Event]) -> None:
    store = open_store(StoreSettings(url=url))
    await store.migrate()
    try:
        for event in events:
            await store.upsert_event(event)
    finally:
        await store.close()


async def test_grafana_views_match_the_page(postgres_url: str, events: list[Event]) -> None:
    stored = events + generated_events(300, seed=5)
    await _seed(postgres_url, stored)

    per_day_type = Counter((e.date, e.type) for e in stored)
    rows = run_sql(postgres_url, _targets("Events per day by type")["A"])
    assert {(t.date().isoformat(), kind): n for t, kind, n in rows} == dict(per_day_type)

    placed: Counter[tuple[str, str]] = Counter()
    for event in stored:
        codes = {p.country for p in event.participants if p.country}
        if not codes and event.conflict in CONFLICTS:
            codes = {CONFLICTS[event.conflict]}
        placed.update((code, event.type) for code in codes)
    rows = run_sql(postgres_url, _targets("Where events happen")["A"])
    assert {(country, kind): n for country, kind, n in rows} == dict(placed)
    assert ("AZE", "ceasefire_violated") in placed  # the Karabakh seeds, placed by their conflict

    graph = _targets("Who called or met whom")
    pairs: Counter[tuple[str, str]] = Counter()
    people: Counter[str] = Counter()
    for event in stored:
        keys = sorted({p.person_id or p.name for p in event.participants})
        people.update(keys)
        pairs.update((a, b) for i, a in enumerate(keys) for b in keys[i + 1 :])
    edges = run_sql(postgres_url, graph["edges"])
    assert {(source, target): n for _, source, target, n in edges} == dict(pairs)
    assert all(edge_id == f"{s} -- {t}" for edge_id, s, t, _ in edges)
    nodes = run_sql(postgres_url, graph["nodes"])
    assert {node_id: n for node_id, _, _, n in nodes} == dict(people)
    assert {node_id for node_id, *_ in nodes} >= {p for pair in pairs for p in pair}
