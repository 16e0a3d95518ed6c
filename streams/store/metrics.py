"""Prometheus metrics of the event store and its HTTP API (all in one place)."""

from __future__ import annotations

import time
from collections.abc import Awaitable

from prometheus_client import Counter, Histogram

from streams.store.base import Outcome

STORE_WRITES = Counter(
    "newswatch_store_writes_total",
    "Rows written to the event store, by table and outcome (inserted, updated, unchanged, stale, error).",
    ["table", "outcome"],
)
STORE_WRITE_SECONDS = Histogram(
    "newswatch_store_write_seconds",
    "Time taken by one store write (an event upsert or a delivery record), by table.",
    ["table"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
API_REQUESTS = Counter(
    "newswatch_api_requests_total",
    "HTTP requests served by the events API and page, by route pattern and status code.",
    ["route", "status"],
)


async def measured_write(table: str, write: Awaitable[str]) -> str:
    """Await one store write and count its outcome (or its error) and its time under ``table``."""
    started = time.perf_counter()
    try:
        outcome = await write
    except BaseException:
        STORE_WRITES.labels(table, Outcome.ERROR).inc()
        raise
    STORE_WRITES.labels(table, outcome).inc()
    STORE_WRITE_SECONDS.labels(table).observe(time.perf_counter() - started)
    return outcome
