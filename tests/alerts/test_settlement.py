"""Per-sink settlement: a dead sink delays only itself, a full queue waits or spills visibly, nothing lost."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from prometheus_client import REGISTRY

from alerts.deadletter import DeadLetter, MemoryDeadLetters
from alerts.delivery import Deliverer
from alerts.delivery_log import InMemoryDeliveryLog
from alerts.dispatch import Dispatcher
from alerts.sinks import SinkContext, build_sink
from streams.settings.alerts import active_sinks


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _two_sinks(make_settings, live_url: str, dead_url: str, *, queue_size: int = 1000, **extra):
    return make_settings(
        sinks=[
            {"name": "live", "type": "webhook", "url": live_url},
            {"name": "dead", "type": "webhook", "url": dead_url, "queue_size": queue_size},
        ],
        shutdown_timeout_seconds=0.5,
        **extra,
    )


async def test_dead_sink_does_not_hold_the_live_one(make_settings, receiver, dead_port, alert_factory):
    """The live sink gets and settles every alert at once while the dead one is still retrying."""
    settings = _two_sinks(
        make_settings,
        receiver.url,
        f"http://127.0.0.1:{dead_port}/hook",
        retry={"max_attempts": 1000, "initial_backoff_seconds": 0.05, "max_elapsed_seconds": 60},
    )
    log = InMemoryDeliveryLog()
    dispatcher = Dispatcher.from_settings(settings, delivery_log=log, dead_letter=MemoryDeadLetters())
    await dispatcher.start()
    try:
        alerts = [alert_factory(f"Call {n}", date=f"2026-10-{1 + n:02d}") for n in range(20)]
        started = time.monotonic()
        submissions = [await dispatcher.submit(a) for a in alerts]
        assert time.monotonic() - started < 2.0, "submit waited for deliveries"
        await receiver.wait_for(len(alerts), timeout=10)
        deadline = time.monotonic() + 5
        while not all(log.was_delivered(a.id, "live") for a in alerts):
            assert time.monotonic() < deadline, "the live sink's deliveries were not recorded"
            await asyncio.sleep(0.02)
        assert not any(log.was_delivered(a.id, "dead") for a in alerts)
        settling = asyncio.gather(*(dispatcher.settled(s) for s in submissions))
        await asyncio.sleep(0.3)
        assert not settling.done(), "settled before the dead sink delivered or dead-lettered"
    finally:
        await dispatcher.close()
    assert await settling == [False] * len(alerts), "closed before the dead sink settled: not acknowledged"


async def test_settled_once_every_sink_delivered_or_dead_lettered(
    make_settings, receiver, dead_port, alert_factory
):
    settings = _two_sinks(
        make_settings,
        receiver.url,
        f"http://127.0.0.1:{dead_port}/hook",
        retry={"max_attempts": 2, "initial_backoff_seconds": 0.01, "max_elapsed_seconds": 5},
    )
    dlq = MemoryDeadLetters()
    dispatcher = Dispatcher.from_settings(settings, delivery_log=InMemoryDeliveryLog(), dead_letter=dlq)
    await dispatcher.start()
    try:
        alert = alert_factory()
        submission = await dispatcher.submit(alert)
        assert submission.sinks == ("live", "dead")
        assert await asyncio.wait_for(dispatcher.settled(submission), 10) is True
        assert [letter.sink for letter in dlq.letters] == ["dead"]
        again = await dispatcher.submit(alert)  # already sent: suppressed, nothing to wait for
        assert not again.sent and await asyncio.wait_for(dispatcher.settled(again), 1) is True
    finally:
        await dispatcher.close()


async def test_full_queue_of_a_down_sink_spills_to_the_dead_letter_topic(
    make_settings, receiver, dead_port, alert_factory
):
    """The dead sink's circuit opens; its queue (2) fills; later alerts go to the DLQ at once, counted,
    while the live sink keeps receiving and submit() never waits."""
    settings = _two_sinks(
        make_settings,
        receiver.url,
        f"http://127.0.0.1:{dead_port}/hook",
        queue_size=2,
        retry={"max_attempts": 1000, "initial_backoff_seconds": 0.05, "max_elapsed_seconds": 60},
        circuit={"failure_threshold": 1, "reset_seconds": 30},
    )
    dlq = MemoryDeadLetters()
    before = _sample("newswatch_alert_queue_overflows_total", sink="dead")
    dispatcher = Dispatcher.from_settings(settings, delivery_log=InMemoryDeliveryLog(), dead_letter=dlq)
    await dispatcher.start()
    try:
        first = alert_factory("Call first", date="2026-09-01")
        await dispatcher.submit(first)
        deadline = time.monotonic() + 10
        while dispatcher.deliverer.breaker("dead").state.name != "OPEN":
            assert time.monotonic() < deadline, "the dead sink's circuit never opened"
            await asyncio.sleep(0.02)
        alerts = [alert_factory(f"Call {n}", date=f"2026-10-{1 + n:02d}") for n in range(12)]
        started = time.monotonic()
        submissions = [await dispatcher.submit(a) for a in alerts]
        assert time.monotonic() - started < 5.0
        await receiver.wait_for(len(alerts) + 1, timeout=10)
        # At most 4 workers hold a job each (waiting for the circuit) and 2 wait in the queue.
        spilled = {letter.alert_id for letter in dlq.letters}
        assert len(spilled) >= len(alerts) + 1 - 4 - 2, len(spilled)
        assert all(letter.sink == "dead" and "queue full" in letter.error for letter in dlq.letters)
        overflowed = [s for s in submissions if s.alert_id in spilled]
        settled = await asyncio.wait_for(asyncio.gather(*(dispatcher.settled(s) for s in overflowed)), 1)
        assert settled == [True] * len(overflowed)
    finally:
        await dispatcher.close()
    assert _sample("newswatch_alert_queue_overflows_total", sink="dead") - before == len(spilled)


async def test_full_queue_of_a_live_sink_waits_and_loses_nothing(make_settings, receiver, alert_factory):
    """Closed circuit, slow sink (10/s): a full queue holds submit() (back-pressure); no dead letters."""
    sink = {"name": "slow", "type": "webhook", "url": receiver.url, "queue_size": 1, "concurrency": 1}
    sink["rate_per_second"] = 10
    settings = make_settings(sinks=[sink])
    dlq = MemoryDeadLetters()
    before = _sample("newswatch_alert_queue_full_waits_total", sink="slow")
    dispatcher = Dispatcher.from_settings(settings, delivery_log=InMemoryDeliveryLog(), dead_letter=dlq)
    await dispatcher.start()
    try:
        alerts = [alert_factory(f"Call {n}", date=f"2026-08-{1 + n:02d}") for n in range(10)]
        started = time.monotonic()
        submissions = [await dispatcher.submit(a) for a in alerts]
        assert time.monotonic() - started > 0.5, "submit() did not wait for the full queue"
        assert all(await asyncio.wait_for(asyncio.gather(*(dispatcher.settled(s) for s in submissions)), 10))
    finally:
        await dispatcher.close()
    assert not dlq.letters
    assert {r.json()["id"] for r in receiver.requests} == {a.id for a in alerts}
    assert _sample("newswatch_alert_queue_full_waits_total", sink="slow") > before


async def test_unpublishable_dead_letter_leaves_the_alert_unsettled(make_settings, dead_port, alert_factory):
    """A dead letter that cannot be published must not let the caller acknowledge the alert."""
    settings = make_settings(
        sinks=[{"name": "dead", "type": "webhook", "url": f"http://127.0.0.1:{dead_port}/hook"}],
        retry={"max_attempts": 1, "max_elapsed_seconds": 5},
    )
    attempts: list[DeadLetter] = []

    async def broken_publisher(letter: DeadLetter) -> None:
        attempts.append(letter)
        raise ConnectionError("broker away")

    async def no_sleep(_seconds: float) -> None:
        return None

    sinks = [
        build_sink(cfg, SinkContext(state_dir=Path(settings.state_dir))) for cfg in active_sinks(settings)
    ]
    deliverer = Deliverer(
        delivery_log=InMemoryDeliveryLog(), dead_letter=broken_publisher, retry=settings.retry, sleep=no_sleep
    )
    dispatcher = Dispatcher(settings, sinks, deliverer=deliverer, silences=None)
    await dispatcher.start()
    try:
        alert = alert_factory()
        submission = await dispatcher.submit(alert)
        assert await asyncio.wait_for(dispatcher.settled(submission), 10) is False
        assert len(attempts) == 5
        again = await dispatcher.submit(alert)  # the unacknowledged record, read again
        assert again.sent, "an alert left unsettled was suppressed as a duplicate when read again"
        assert await asyncio.wait_for(dispatcher.settled(again), 10) is False
    finally:
        await dispatcher.close()
    assert len(attempts) == 10
