"""Prometheus metrics of the event store and its HTTP API (all in one place)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

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
