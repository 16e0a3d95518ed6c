"""The store stage of the worker: Faust agents writing events, alerts and delivery outcomes to the store.

Sources: ``events.merged`` (every merged version of an event: upsert), ``alerts`` (alert -> event mapping),
``alerts.deliveries`` (``alert_id|sink`` of each accepted delivery) and ``alerts.dlq`` (dead letters: the
failed outcome with its error and attempts). Every write is idempotent, so Kafka's at-least-once replays
and restarts never duplicate rows. An undecodable record is logged and skipped; an unreachable database is
retried with backoff, holding the partition, so nothing is lost while it is down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import faust
import orjson

from streams.errors import RecordError
from streams.records import Alert, Event, parse_time, utcnow
from streams.store import EventStore, StoreError, open_store
from streams.store.server import start_site, store_settings

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0
DELIVERED = "delivered"
DEAD_LETTER = "dead_letter"


class StoreWriter:
    """Turns raw topic records into store writes; migrates the store before the first one."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._migrated = False
        self._lock = asyncio.Lock()

    async def ready(self) -> None:
        """Apply migrations once (retrying while the database is unreachable)."""
        if self._migrated:
            return
        async with self._lock:
            if not self._migrated:
                await self._retrying("migrate", self.store.migrate)
                self._migrated = True

    async def _retrying(self, what: str, write: Callable[[], Awaitable[None]]) -> None:
        delay = 0.5
        while True:
            try:
                await write()
                return
            except StoreError as exc:
                _stage_error()
                log.warning(
                    "store %s failed, retrying in %.1fs: %s", what, delay, exc, extra={"stage": "store"}
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    async def event(self, raw: bytes) -> None:
        """Upsert one merged event."""
        event = Event.from_json(raw)
        await self.ready()
        await self._retrying("event upsert", lambda: self.store.upsert_event(event))

    async def alert(self, raw: bytes) -> None:
        """Remember which event an alert is about."""
        alert = Alert.from_json(raw)
        await self.ready()
        await self._retrying(
            "alert record",
            lambda: self.store.record_alert(
                alert_id=alert.id, event_id=alert.event.id, reason=alert.reason, created_at=alert.created_at
            ),
        )

    async def delivered(self, raw: bytes, timestamp: float | None = None) -> None:
        """Record an accepted delivery from an ``alert_id|sink`` record (attempts unknown: 0)."""
        alert_id, sep, sink = bytes(raw).decode("utf-8", "replace").partition("|")
        if not sep or not alert_id or not sink:
            raise RecordError(f"not an alert_id|sink delivery record: {bytes(raw)[:80]!r}")
        at = datetime.fromtimestamp(timestamp, UTC) if timestamp else utcnow()
        await self.ready()
        await self._retrying(
            "delivery record",
            lambda: self.store.record_delivery(
                alert_id=alert_id, event_id="", sink=sink, outcome=DELIVERED, attempts=0, error=None, at=at
            ),
        )

    async def dead_letter(self, raw: bytes) -> None:
        """Record a failed delivery from a dead letter (alert, sink, error, attempts, time)."""
        try:
            data = orjson.loads(raw)
            alert = Alert.from_dict(data["alert"])
            sink = str(data["sink"])
            attempts = int(data.get("attempts") or 0)
            error = str(data.get("error") or "") or None
            at = parse_time(data.get("time")) or utcnow()
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise RecordError(f"not a dead letter: {exc}") from exc
        alert_id = str(data.get("alert_id") or alert.id)
        await self.ready()
        await self._retrying(
            "alert record",
            lambda: self.store.record_alert(
                alert_id=alert_id, event_id=alert.event.id, reason=alert.reason, created_at=alert.created_at
            ),
        )
        await self._retrying(
            "delivery record",
            lambda: self.store.record_delivery(
                alert_id=alert_id, event_id=alert.event.id, sink=sink, outcome=DEAD_LETTER, attempts=attempts,
                error=error, at=at,
            ),
        )  # fmt: skip


def _stage_error() -> None:
    try:
        from streams.worker import metrics

        metrics.STAGE_ERRORS.labels(stage="store").inc()
    except ImportError:  # pragma: no cover - the worker package is the lead's
        pass


async def _consume(
    stream: faust.StreamT[bytes], handle: Callable[[Any], Awaitable[None]], what: str
) -> AsyncIterator[None]:
    async for event in stream.events():
        try:
            await handle(event)
        except RecordError as exc:
            _stage_error()
            log.warning("undecodable %s skipped: %s", what, exc, extra={"stage": "store"})
        yield None


def register(app: faust.App, topics: Any, settings: Any) -> None:
    """Attach the store agents (and, if configured, the API server) to the worker's app."""
    section = store_settings(settings)
    if not section.enabled:
        log.info("event store disabled (store.enabled: false)", extra={"stage": "store"})
        return
    store = open_store(section)
    writer = StoreWriter(store)
    runners: list[Any] = []

    async def close_store(sender: Any, *_: Any, **__: Any) -> None:
        for runner in runners:
            await runner.cleanup()
        await store.close()

    app.on_before_shutdown.connect(close_store)  # type: ignore[arg-type]  # mode's stub wants a plain callable

    if section.serve_api_in_worker:

        @app.task
        async def serve_api() -> None:
            await writer.ready()
            runners.append(await start_site(store, section))

    @app.agent(topics.events_merged, name="newswatch.store-events")
    async def store_events(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for item in _consume(stream, lambda e: writer.event(e.value), "event"):
            yield item

    @app.agent(topics.alerts, name="newswatch.store-alerts")
    async def store_alerts(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for item in _consume(stream, lambda e: writer.alert(e.value), "alert"):
            yield item

    @app.agent(topics.alert_deliveries, name="newswatch.store-deliveries")
    async def store_deliveries(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for item in _consume(
            stream, lambda e: writer.delivered(e.value, getattr(e.message, "timestamp", None)), "delivery"
        ):
            yield item

    @app.agent(topics.alerts_dlq, name="newswatch.store-dead-letters")
    async def store_dead_letters(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for item in _consume(stream, lambda e: writer.dead_letter(e.value), "dead letter"):
            yield item
