"""The Faust adapter of the alert stage: consume ``alerts``, hand each alert to its sinks, ack when settled.

The agent does not wait for deliveries: it submits an alert (each sink has its own queue, retries and
budget, so a dead sink delays only itself) and acknowledges the alert's record, through Faust's manual
acks (``stream.noack()``, ``stream.ack(event)``), only once every sink it was routed to has delivered,
dead-lettered or skipped it. Faust commits offsets up to the first unacknowledged record, so a killed
worker reads again whatever was not settled. The delivery log (``alerts.kafka_delivery_log``) is read
whole before the first alert is submitted, so the restarted worker skips every delivery recorded before
the crash. In a rebalance, the deliveries under way finish and are recorded before the partitions are
handed over, and the log is read to its end again before the next alert, so the worker that takes an
alert over knows what the one before it delivered (issue 19: repeated webhook-ids after a rebalance).
The bound on repeats is in docs/alerts.md ("Effectively once"). Like every agent of the worker it
relies on ``streams.worker.app.hold_records_during_seek`` (docs/alerts.md, "Restarts and rebalances").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any, cast

import faust

from alerts.deadletter import DeadLetter
from alerts.dispatch import Dispatcher, Submission
from alerts.dlq import dlq_size
from alerts.kafka_delivery_log import KafkaDeliveryLog
from alerts.metrics import UNDECODABLE
from streams.errors import BrokerError, RecordError
from streams.records import Alert

log = logging.getLogger(__name__)

DLQ_SIZE_INTERVAL_SECONDS = 60.0
HANDOVER_SECONDS = 5.0  # longest wait in a rebalance for this worker's deliveries under way


def register(app: faust.App, topics: Any, settings: Any) -> None:
    """Attach the alert agent to the worker's app."""
    delivery_log = KafkaDeliveryLog(
        settings.kafka.bootstrap_servers, topics.alert_deliveries.get_topic_name()
    )

    async def publish_dead_letter(letter: DeadLetter) -> None:
        sent = await topics.alerts_dlq.send(key=letter.key.encode(), value=letter.to_json())
        await sent  # on the broker before the alert may be acknowledged

    dispatcher = Dispatcher.from_settings(
        settings.alerts, delivery_log=delivery_log, dead_letter=publish_dead_letter
    )
    acking: set[asyncio.Task[None]] = set()

    async def stop_dispatcher(app: faust.App, *_: Any, **__: Any) -> None:
        await dispatcher.close()
        await delivery_log.stop()

    app.on_before_shutdown.connect(stop_dispatcher)  # type: ignore[arg-type]  # mode's stub wants a plain callable

    async def finish_before_handover(app: faust.App, *_: Any, **__: Any) -> None:
        """Deliveries under way finish and are recorded before the partitions go to another worker, which
        reads the alerts not yet acknowledged again (bounded: a sink that is down delays it no longer)."""
        await dispatcher.flush(HANDOVER_SECONDS)

    async def deliveries_may_be_unseen(app: faust.App, *_: Any, **__: Any) -> None:
        """Alerts another worker delivered may come to this one now: read their records before the next."""
        delivery_log.mark_stale()

    # Both signals are awaited inside the rebalance, so the order holds: every worker's deliveries are
    # recorded (revoked) before any worker takes an alert of the new assignment (assigned).
    app.on_partitions_revoked.connect(finish_before_handover)  # type: ignore[arg-type]  # as above
    app.on_partitions_assigned.connect(deliveries_may_be_unseen)  # type: ignore[arg-type]  # as above

    async def ack_when_settled(stream: faust.StreamT[bytes], event: Any, submission: Submission) -> None:
        if await dispatcher.settled(submission):
            await stream.ack(event)
        else:
            log.warning(
                "alert %s not settled by every sink; left unacknowledged, so a restart reads it again",
                submission.alert_id,
                extra={"alert_id": submission.alert_id},
            )

    @app.task
    async def read_delivery_log() -> None:
        """Read the log at boot rather than at the first alert (the agent waits for it either way)."""
        await delivery_log.start()

    @app.agent(topics.alerts, name="newswatch.alerts", concurrency=settings.alerts.agent_concurrency)
    async def alert_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        manual: faust.StreamT[bytes] = cast("faust.Stream[bytes]", stream).noack()  # StreamT lacks it
        async for event in manual.events():
            await delivery_log.start()  # at once after the first time, unless a rebalance came since
            await dispatcher.start()
            try:
                alert = Alert.from_json(event.value)
            except RecordError as exc:
                UNDECODABLE.inc()
                log.warning("undecodable alert skipped: %s", exc, extra={"stage": "alert"})
                await manual.ack(event)
                continue
            try:
                submission = await dispatcher.submit(alert)  # waits only while a live sink's queue is full
            except Exception:  # a bug must not stop the agent; unacknowledged, the alert is read again
                log.exception("alert %s could not be submitted", alert.id, extra={"alert_id": alert.id})
                continue
            task = asyncio.create_task(ack_when_settled(manual, event, submission))
            acking.add(task)
            task.add_done_callback(acking.discard)
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
