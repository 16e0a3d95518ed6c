"""Metrics of a delivery, and bounded queues that push back on submit() instead of dropping."""

from __future__ import annotations

import asyncio
import time

from prometheus_client import REGISTRY

from alerts.deadletter import MemoryDeadLetters
from alerts.delivery_log import InMemoryDeliveryLog
from alerts.dispatch import Dispatcher


def value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_delivery_metrics(make_settings, receiver, alert_factory):
    receiver.script = [(500, {}, "")]
    sink = "metrics-hook"
    names = [
        ("newswatch_alert_delivery_attempts_total", {"sink": sink, "result": "retry"}),
        ("newswatch_alert_delivery_attempts_total", {"sink": sink, "result": "delivered"}),
        ("newswatch_alert_deliveries_total", {"sink": sink, "outcome": "delivered"}),
        ("newswatch_alert_delivery_latency_seconds_count", {"sink": sink}),
        ("newswatch_alert_attempt_seconds_count", {"sink": sink}),
    ]
    before = [value(n, **labels) for n, labels in names]
    settings = make_settings(sinks=[{"name": sink, "type": "webhook", "url": receiver.url}])
    dispatcher = Dispatcher.from_settings(
        settings, delivery_log=InMemoryDeliveryLog(), dead_letter=MemoryDeadLetters()
    )
    await dispatcher.start()
    await dispatcher.submit(alert_factory())
    await dispatcher.flush(10)
    await dispatcher.close()
    after = [value(n, **labels) for n, labels in names]
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1, 1, 2]
    assert value("newswatch_alert_queue_depth", sink=sink) == 0
    assert value("newswatch_alert_circuit_state", sink=sink) == 0


async def test_full_queue_makes_submit_wait_and_drops_nothing(make_settings, alert_factory):
    from aiohttp import web

    got: list[float] = []

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.2)
        got.append(time.monotonic())
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    sink = {
        "name": "slow",
        "type": "webhook",
        "url": f"http://127.0.0.1:{port}/slow",
        "queue_size": 1,
        "concurrency": 1,
    }
    dispatcher = Dispatcher.from_settings(
        make_settings(sinks=[sink]), delivery_log=InMemoryDeliveryLog(), dead_letter=MemoryDeadLetters()
    )
    await dispatcher.start()
    try:
        t0 = time.monotonic()
        for day in range(1, 5):
            await dispatcher.submit(alert_factory(date=f"2026-11-0{day}"))
        waited = time.monotonic() - t0
        await dispatcher.flush(10)
    finally:
        await dispatcher.close()
        await runner.cleanup()
    assert waited >= 0.15  # back-pressure: the fourth submit waited for a free slot
    assert len(got) == 4
