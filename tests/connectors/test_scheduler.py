"""Scheduling arithmetic and limits: jittered start, error/idle back-off, Retry-After, per-host limit."""

from __future__ import annotations

import asyncio
import random
import time

from connectors.scheduler import ERROR, NEW, UNCHANGED, Job, Outcome, Scheduler, first_due, plan_next
from connectors.state import FeedState
from streams.settings.connectors import ConnectorSettings

CFG = ConnectorSettings(
    jitter_fraction=0.0, max_backoff_seconds=3600, idle_backoff_factor=2, max_idle_interval_factor=4
)


def job(interval: float = 100.0, host: str = "h") -> Job:
    return Job(key=f"http://{host}/{random.random()}", host=host, interval=interval)


def test_error_backoff_doubles_and_caps() -> None:
    j = job()
    delays = [plan_next(j, Outcome(ERROR), CFG, random.Random(1), 0.0) for _ in range(8)]
    assert delays[:4] == [200.0, 400.0, 800.0, 1600.0]
    assert delays[-1] == 3600.0 and j.state.backoff_seconds == 3500.0
    assert plan_next(j, Outcome(NEW), CFG, random.Random(1), 0.0) == 100.0
    assert j.state.error_count == 0 and j.state.backoff_seconds == 0


def test_idle_backoff_for_rarely_changing_feeds() -> None:
    j = job()
    delays = [plan_next(j, Outcome(UNCHANGED), CFG, random.Random(1), 0.0) for _ in range(4)]
    assert delays == [200.0, 400.0, 400.0, 400.0]
    assert plan_next(j, Outcome(NEW), CFG, random.Random(1), 0.0) == 100.0


def test_retry_after_honoured() -> None:
    j = job(interval=10)
    assert plan_next(j, Outcome(ERROR, retry_after=120), CFG, random.Random(1), 1000.0) == 1120.0
    assert plan_next(j, Outcome(ERROR, retry_after=1), CFG, random.Random(1), 0.0) == 10.0
    assert plan_next(j, Outcome(ERROR, retry_after=10**9), CFG, random.Random(1), 0.0) == 3600.0


def test_jitter_stays_within_fraction() -> None:
    cfg = ConnectorSettings(jitter_fraction=0.1)
    rng = random.Random(7)
    delays = [plan_next(job(), Outcome(NEW), cfg, rng, 0.0) for _ in range(200)]
    assert min(delays) >= 90 and max(delays) <= 110 and len(set(delays)) > 100


def test_first_due_spreads_and_keeps_restored_backoff() -> None:
    rng = random.Random(3)
    starts = [first_due(job(300), CFG, rng, 0.0, 60.0) for _ in range(500)]
    assert 0 <= min(starts) < 5 and 55 < max(starts) <= 60
    restored = Job(key="k", host="h", interval=300, state=FeedState(next_poll_at=500.0, error_count=3))
    assert first_due(restored, CFG, rng, 0.0, 60.0) == 500.0


async def test_per_host_and_global_limits() -> None:
    active: dict[str, int] = {}
    peak: dict[str, int] = {}
    total_peak = [0]
    polled: list[str] = []

    async def poll(j: Job) -> Outcome:
        active[j.host] = active.get(j.host, 0) + 1
        peak[j.host] = max(peak.get(j.host, 0), active[j.host])
        total_peak[0] = max(total_peak[0], sum(active.values()))
        await asyncio.sleep(0.05)
        active[j.host] -= 1
        polled.append(j.key)
        return Outcome(NEW)

    cfg = ConnectorSettings(per_host_concurrency=2, max_concurrent_fetches=5)
    jobs = [job(interval=60, host="busy") for _ in range(20)] + [
        job(interval=60, host=f"h{i}") for i in range(6)
    ]
    scheduler = Scheduler(jobs, poll, cfg, start_spread=0.0)
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stop))
    started = time.monotonic()
    while len(polled) < len(jobs) and time.monotonic() - started < 10:
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert len(set(polled)) == len(jobs)  # every feed polled once (interval 60 s: no second round)
    assert peak["busy"] == 2 and total_peak[0] <= 5
    # The busy host did not hold up the others: they all finished early.
    other_positions = [polled.index(j.key) for j in jobs if j.host != "busy"]
    assert max(other_positions) < 15


async def test_crashing_poll_is_an_error_not_a_crash() -> None:
    calls: list[float] = []

    async def poll(j: Job) -> Outcome:
        calls.append(time.monotonic())
        raise RuntimeError("boom")

    j = job(interval=0.05)
    scheduler = Scheduler([j], poll, ConnectorSettings(jitter_fraction=0), start_spread=0.0)
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stop))
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert 2 <= len(calls) <= 5 and j.state.error_count == len(calls)
