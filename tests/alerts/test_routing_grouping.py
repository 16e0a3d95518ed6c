"""Routes, grouping (group_wait / group_interval / repeat_interval), silences and the circuit breaker."""

from __future__ import annotations

import asyncio
import time

from prometheus_client import REGISTRY

from alerts.circuit import CircuitBreaker, State
from alerts.deadletter import MemoryDeadLetters
from alerts.delivery_log import InMemoryDeliveryLog
from alerts.dispatch import Dispatcher
from alerts.silences import SilenceStore


def metric(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def hook(name, url):
    return {"name": name, "type": "webhook", "url": url}


async def started(settings, silences=None):
    dispatcher = Dispatcher.from_settings(
        settings, delivery_log=InMemoryDeliveryLog(), dead_letter=MemoryDeadLetters(), silences=silences
    )
    await dispatcher.start()
    return dispatcher


async def test_routes_pick_sinks_by_country_type_and_rule(make_settings, receiver, alert_factory):
    settings = make_settings(
        sinks=[
            hook("russia", receiver.url + "/ru"),
            hook("calls", receiver.url + "/calls"),
            hook("rest", receiver.url + "/rest"),
        ],
        routes=[
            {"name": "ru", "match": {"countries": ["RUS"]}, "sinks": ["russia"], "continue_matching": True},
            {
                "name": "calls",
                "match": {"types": ["leader_call"], "severities": ["warning"]},
                "sinks": ["calls"],
            },
            {"name": "rules", "match": {"rules": ["watchlist"]}, "sinks": ["rest"]},
        ],
    )
    dispatcher = await started(settings)
    try:
        both = await dispatcher.submit(alert_factory())
        ruled = await dispatcher.submit(
            alert_factory(type="rule:watchlist", people=(("Olaf Scholz", "DEU"),), rule="watchlist")
        )
        nothing = await dispatcher.submit(alert_factory(type="ceasefire_declared", people=(("A B", "FRA"),)))
        await dispatcher.flush(10)
    finally:
        await dispatcher.close()
    assert both.sent and both.routes == ("ru", "calls") and both.sinks == ("russia", "calls")
    assert ruled.sinks == ("rest",)
    assert not nothing.sent and nothing.reason == "no_route"
    paths = sorted(r.path.rsplit("/", 1)[-1] for r in receiver.requests)
    assert paths == ["calls", "rest", "ru"]


async def test_group_wait_collects_then_group_interval_spaces(
    make_settings, receiver, alert_factory, tmp_path
):
    path = tmp_path / "batched.jsonl"
    settings = make_settings(
        sinks=[hook("hook", receiver.url), {"name": "file", "type": "jsonl", "path": str(path)}],
        group_by=["type"],
        group_wait_seconds=0.5,
        group_interval_seconds=0.8,
    )
    dispatcher = await started(settings)
    try:
        t0 = time.monotonic()
        for day in (1, 2, 3):
            sub = await dispatcher.submit(alert_factory(date=f"2026-11-0{day}"))
            assert sub.sent
        await receiver.wait_for(3)
        first_batch = [r.at - t0 for r in receiver.requests]
        for _ in range(100):  # the file sink runs on its own worker
            if path.exists() and path.read_bytes().count(b"\n") >= 3:
                break
            await asyncio.sleep(0.02)
        lines_after_first = len(path.read_bytes().splitlines())
        await dispatcher.submit(alert_factory(date="2026-11-04"))
        await receiver.wait_for(4)
        await dispatcher.flush(10)
    finally:
        await dispatcher.close()
    assert min(first_batch) >= 0.45  # group_wait
    assert lines_after_first == 3  # one batch write for the group
    assert receiver.requests[3].at - t0 >= 0.5 + 0.8 - 0.05  # group_wait, then group_interval after that send


async def test_repeat_interval_and_duplicate_are_suppressed_and_counted(
    make_settings, receiver, alert_factory
):
    settings = make_settings(sinks=[hook("hook", receiver.url)], repeat_interval_seconds=60)
    before_repeat = metric("newswatch_alert_decisions_total", reason="repeat_interval", sent="false")
    before_dup = metric("newswatch_alert_decisions_total", reason="duplicate", sent="false")
    dispatcher = await started(settings)
    try:
        first = await dispatcher.submit(alert_factory())
        again = await dispatcher.submit(alert_factory())
        update = await dispatcher.submit(alert_factory(sources=3, reason="new_source"))
        other = await dispatcher.submit(alert_factory(date="2026-11-21"))
        await dispatcher.flush(10)
    finally:
        await dispatcher.close()
    assert first.sent and other.sent
    assert (again.sent, again.reason) == (False, "duplicate")
    assert (update.sent, update.reason) == (False, "repeat_interval")
    assert len(receiver.requests) == 2
    assert (
        metric("newswatch_alert_decisions_total", reason="repeat_interval", sent="false") == before_repeat + 1
    )
    assert metric("newswatch_alert_decisions_total", reason="duplicate", sent="false") == before_dup + 1


async def test_silence_suppresses_counts_and_expires(make_settings, receiver, alert_factory, tmp_path):
    store = SilenceStore(tmp_path / "silences.json", reload_seconds=0.05)
    writer = SilenceStore(tmp_path / "silences.json")  # the CLI's copy: another process in real life
    silence = writer.add({"type": "leader_call", "country": "rus"}, 3600, comment="noisy")
    await asyncio.sleep(0.1)
    before = metric("newswatch_alert_decisions_total", reason="silenced", sent="false")
    dispatcher = await started(make_settings(sinks=[hook("hook", receiver.url)]), silences=store)
    try:
        hushed = await dispatcher.submit(alert_factory())
        loud = await dispatcher.submit(alert_factory(people=(("Joe Biden", "USA"),)))
        assert writer.expire(silence.id)
        await asyncio.sleep(0.1)
        after = await dispatcher.submit(alert_factory())
        await dispatcher.flush(10)
    finally:
        await dispatcher.close()
    assert (hushed.sent, hushed.reason, hushed.silence_id) == (False, "silenced", silence.id)
    assert loud.sent and after.sent
    assert len(receiver.requests) == 2
    assert metric("newswatch_alert_decisions_total", reason="silenced", sent="false") == before + 1


def test_circuit_breaker_opens_half_opens_and_closes():
    now = [0.0]
    breaker = CircuitBreaker("cb-test", failure_threshold=2, reset_seconds=10, clock=lambda: now[0])
    breaker.record_failure()
    assert breaker.state is State.CLOSED and breaker.wait_time() == 0
    breaker.record_failure()
    assert breaker.state is State.OPEN and breaker.wait_time() == 10
    assert metric("newswatch_alert_circuit_state", sink="cb-test") == 2
    now[0] = 10.0
    assert breaker.wait_time() == 0  # the one trial
    assert breaker.state is State.HALF_OPEN and breaker.wait_time() > 0  # others wait
    breaker.record_failure()
    assert breaker.state is State.OPEN
    now[0] = 20.0
    assert breaker.wait_time() == 0
    breaker.record_success()
    assert breaker.state is State.CLOSED and metric("newswatch_alert_circuit_state", sink="cb-test") == 0


async def test_open_circuit_spaces_attempts_and_dead_letters(make_settings, receiver, alert_factory):
    receiver.default = (503, {}, "down")
    settings = make_settings(
        sinks=[hook("flaky", receiver.url)],
        circuit={"failure_threshold": 2, "reset_seconds": 0.4},
        retry={"max_attempts": 3, "initial_backoff_seconds": 0.01, "max_backoff_seconds": 0.01},
    )
    dlq = MemoryDeadLetters()
    dispatcher = Dispatcher.from_settings(settings, delivery_log=InMemoryDeliveryLog(), dead_letter=dlq)
    await dispatcher.start()
    try:
        await dispatcher.submit(alert_factory())
        await dispatcher.flush(10)
    finally:
        await dispatcher.close()
    assert len(receiver.requests) == 3 and len(dlq.letters) == 1
    assert receiver.requests[2].at - receiver.requests[1].at >= 0.35  # waited for half-open
    assert "HTTP 503" in dlq.letters[0].error


async def test_two_routes_one_sink_send_once(make_settings, receiver, alert_factory):
    settings = make_settings(
        sinks=[hook("hook", receiver.url)],
        routes=[
            {"name": "a", "match": {"countries": ["RUS"]}, "sinks": ["hook"], "continue_matching": True},
            {"name": "b", "match": {"types": ["leader_call"]}, "sinks": ["hook"]},
        ],
    )
    dispatcher = await started(settings)
    try:
        sub = await dispatcher.submit(alert_factory())
        await dispatcher.flush(10)
    finally:
        await dispatcher.close()
    assert sub.routes == ("a", "b") and sub.sinks == ("hook",)
    assert len(receiver.requests) == 1


async def test_duplicate_in_flight_names_its_sinks(make_settings, receiver, alert_factory):
    dispatcher = await started(make_settings(sinks=[hook("hook", receiver.url)], group_wait_seconds=0.3))
    try:
        first = await dispatcher.submit(alert_factory())
        again = await dispatcher.submit(alert_factory())  # e.g. re-read after a rebalance
        await dispatcher.flush(10)
        later = await dispatcher.submit(alert_factory())
    finally:
        await dispatcher.close()
    assert first.sent and (again.sent, again.reason, again.sinks) == (False, "duplicate", ("hook",))
    assert (later.sent, later.reason, later.sinks) == (False, "duplicate", ())
    assert len(receiver.requests) == 1
