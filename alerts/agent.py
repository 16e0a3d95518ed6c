"""The Faust adapter of the alert stage: consume ``alerts``, deliver through the dispatcher, log deliveries.

At-least-once with an idempotent effect: an alert's offset is acknowledged only after every sink it
was routed to has either accepted it (2xx) or dead-lettered it, so a killed worker re-reads what was in
flight. What was delivered is recorded in the ``alert-deliveries`` table (keyed ``alert_id|sink``,
written by the delivery-log agent from the ``alerts.deliveries`` topic, because the sink workers run
outside any stream event), and the dispatcher skips pairs found there. The remaining window (a kill
between the receiver's 2xx and the delivery record reaching Kafka) is documented in docs/alerts.md.
It also relies on Faust handing every record after a rebalance to the agent, which Faust 0.15.3 does
only with ``streams.worker.app.hold_records_during_seek`` (docs/alerts.md, "Restarts and rebalances").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import faust

from alerts.deadletter import DeadLetter
from alerts.dispatch import Dispatcher
from alerts.dlq import dlq_size
from streams.errors import BrokerError, RecordError
from streams.records import Alert

log = logging.getLogger(__name__)

SETTLE_TIMEOUT_SECONDS = 3600.0
DLQ_SIZE_INTERVAL_SECONDS = 60.0


class TableDeliveryLog:
    """The delivery log over a Faust table, plus completion signals for the agent awaiting them."""

    def __init__(self, table: Any, deliveries_topic: faust.TopicT) -> None:
        self._table = table
        self._topic = deliveries_topic
        self._recent: set[tuple[str, str]] = set()
        self._waiting: dict[tuple[str, str], asyncio.Future[str]] = {}

    def was_delivered(self, alert_id: str, sink: str) -> bool:
        pair = (alert_id, sink)
        return pair in self._recent or self._table.get(f"{alert_id}|{sink}".encode()) is not None

    def mark_delivered(self, alert_id: str, sink: str) -> None:
        self._recent.add((alert_id, sink))
        key = f"{alert_id}|{sink}".encode()
        self._topic.send_soon(key=alert_id.encode(), value=key)
        self.settle(alert_id, sink, "delivered")

    def expect(self, alert_id: str, sink: str) -> asyncio.Future[str]:
        """A future that resolves when (alert, sink) is delivered or dead-lettered."""
        future = self._waiting.get((alert_id, sink))
        if future is None or future.done():
            future = asyncio.get_running_loop().create_future()
            self._waiting[(alert_id, sink)] = future
        if self.was_delivered(alert_id, sink):
            future.set_result("delivered")
        return future

    def settle(self, alert_id: str, sink: str, outcome: str) -> None:
        future = self._waiting.pop((alert_id, sink), None)
        if future is not None and not future.done():
            future.set_result(outcome)

    def forget_recent(self, limit: int = 100_000) -> None:
        if len(self._recent) > limit:
            self._recent.clear()


def register(app: faust.App, topics: Any, settings: Any) -> None:
    """Attach the alert and delivery-log agents to the worker's app."""
    deliveries = app.Table(
        "alert-deliveries",
        key_type=bytes,
        value_type=bytes,
        partitions=settings.kafka.partitions,
    )
    delivery_log = TableDeliveryLog(deliveries, topics.alert_deliveries)

    async def publish_dead_letter(letter: DeadLetter) -> None:
        await topics.alerts_dlq.send(key=letter.key.encode(), value=letter.to_json())
        delivery_log.settle(letter.alert_id, letter.sink, "dead_letter")

    dispatcher = Dispatcher.from_settings(
        settings.alerts, delivery_log=delivery_log, dead_letter=publish_dead_letter
    )

    async def stop_dispatcher(app: faust.App, *_: Any, **__: Any) -> None:
        await dispatcher.close()

    app.on_before_shutdown.connect(stop_dispatcher)  # type: ignore[arg-type]  # mode's stub wants a plain callable

    @app.agent(
        topics.alerts, name="newswatch.alerts", concurrency=getattr(settings.alerts, "agent_concurrency", 16)
    )
    async def alert_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for raw in stream:
            try:
                alert = Alert.from_json(raw)
            except RecordError as exc:
                log.warning("undecodable alert skipped: %s", exc, extra={"stage": "alert"})
                continue
            await dispatcher.start()
            pending = [delivery_log.expect(alert.id, sink) for sink in dispatcher.sinks]
            submission = await dispatcher.submit(alert)
            waiting = [
                f for sink, f in zip(dispatcher.sinks, pending, strict=True) if sink in submission.sinks
            ]
            for sink, future in zip(dispatcher.sinks, pending, strict=True):
                if sink not in submission.sinks:
                    delivery_log.settle(alert.id, sink, submission.reason)
                    future.cancel()
            if waiting:
                done, _ = await asyncio.wait(waiting, timeout=SETTLE_TIMEOUT_SECONDS)
                if len(done) != len(waiting):
                    log.error("alert %s not settled in time", alert.id, extra={"alert_id": alert.id})
            delivery_log.forget_recent()
            yield None

    @app.timer(interval=DLQ_SIZE_INTERVAL_SECONDS)
    async def measure_dlq() -> None:
        """Keep newswatch_alert_dlq_size current (kafka-python is blocking: off the event loop)."""
        try:
            await asyncio.to_thread(
                dlq_size, settings.kafka.bootstrap_servers, topics.alerts_dlq.get_topic_name()
            )
        except BrokerError as exc:
            log.warning("could not measure the alert DLQ: %s", exc, extra={"stage": "alert"})

    @app.agent(topics.alert_deliveries, name="newswatch.delivery-log")
    async def delivery_log_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for value in stream:
            deliveries[bytes(value)] = b"1"
            yield None
