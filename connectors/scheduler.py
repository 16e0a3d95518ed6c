"""Many feeds in one asyncio process: a due-time heap, a global fetch limit and a per-host limit.

Each feed starts at a random point of a start window, then is re-polled after its interval (with
jitter), stretched by error back-off (doubling, capped) or idle back-off (feeds that rarely change) or a
server's Retry-After. A busy host's due feeds queue behind it without holding up other hosts.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from connectors.state import FeedState
from streams.errors import StateError
from streams.settings.connectors import ConnectorSettings

log = logging.getLogger(__name__)

NEW = "new"  # the poll produced something
UNCHANGED = "unchanged"  # 304 or nothing new
ERROR = "error"


@dataclass(slots=True)
class Outcome:
    """What a poll tells the scheduler: its kind and, for 429/503, how long the server asked us to wait."""

    kind: str
    retry_after: float | None = None


@dataclass(slots=True)
class Job:
    """One scheduled feed: its key (URL), host, base interval and remembered state."""

    key: str
    host: str
    interval: float
    state: FeedState = field(default_factory=FeedState)


def plan_next(job: Job, outcome: Outcome, cfg: ConnectorSettings, rng: random.Random, now: float) -> float:
    """Update the job's counters for this outcome and return the absolute time of its next poll."""
    state = job.state
    if outcome.kind == ERROR:
        state.error_count += 1
        delay = min(job.interval * 2 ** min(state.error_count, 30), cfg.max_backoff_seconds)
        if outcome.retry_after is not None:
            delay = min(max(outcome.retry_after, job.interval), cfg.max_backoff_seconds)
    elif outcome.kind == UNCHANGED:
        state.error_count = 0
        state.idle_count += 1
        factor = min(cfg.idle_backoff_factor ** min(state.idle_count, 60), cfg.max_idle_interval_factor)
        delay = job.interval * factor
    else:
        state.error_count = 0
        state.idle_count = 0
        delay = job.interval
    if outcome.retry_after is None or outcome.kind != ERROR:
        delay *= 1.0 + rng.uniform(-cfg.jitter_fraction, cfg.jitter_fraction)
    state.backoff_seconds = max(0.0, delay - job.interval)
    state.next_poll_at = now + delay
    return state.next_poll_at


def first_due(job: Job, cfg: ConnectorSettings, rng: random.Random, now: float, spread: float) -> float:
    """A restored back-off is kept (capped); otherwise a random start within the spread window."""
    saved = job.state.next_poll_at
    if saved > now:
        return min(saved, now + cfg.max_backoff_seconds)
    return now + rng.uniform(0.0, min(spread, job.interval))


PollFn = Callable[[Job], Awaitable[Outcome]]


class Scheduler:
    """Runs ``poll(job)`` for every job when due, within the global and per-host limits."""

    def __init__(
        self,
        jobs: Iterable[Job],
        poll: PollFn,
        cfg: ConnectorSettings,
        *,
        start_spread: float = 60.0,
        rng: random.Random | None = None,
        on_done: Callable[[Job], None] | None = None,
    ) -> None:
        self.cfg = cfg
        self._poll = poll
        self._on_done = on_done
        self._rng = rng or random.Random()
        self._heap: list[tuple[float, int, Job]] = []
        self._seq = 0
        self._slots = asyncio.Semaphore(cfg.max_concurrent_fetches)
        self._host_active: dict[str, int] = {}
        self._host_waiting: dict[str, deque[tuple[float, Job]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._wakeup = asyncio.Event()
        self.fatal: StateError | None = None  # set by a poll that could not save state: stops the scheduler
        self._stopping = False
        self.polls = 0
        self.lag_total = 0.0
        self.lag_max = 0.0
        self.recent_lags: deque[tuple[float, float]] = deque(maxlen=100_000)  # (start, seconds late)
        now = time.time()
        for job in jobs:
            self._push(first_due(job, cfg, self._rng, now, start_spread), job)

    def __len__(self) -> int:
        return len(self._heap) + sum(len(q) for q in self._host_waiting.values()) + len(self._tasks)

    def _push(self, due: float, job: Job) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (due, self._seq, job))
        self._wakeup.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until ``stop`` is set, then wait for polls in progress (the runner bounds that wait)."""
        try:
            while not stop.is_set() and self.fatal is None:
                if not self._heap or self._heap[0][0] > time.time():
                    timeout = self._heap[0][0] - time.time() if self._heap else 3600.0
                    self._wakeup.clear()
                    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wakeup.wait())]
                    await asyncio.wait(
                        waiters, timeout=max(0.0, timeout), return_when=asyncio.FIRST_COMPLETED
                    )
                    for waiter in waiters:
                        waiter.cancel()
                    continue
                due, _, job = heapq.heappop(self._heap)
                if self._host_active.get(job.host, 0) >= self.cfg.per_host_concurrency:
                    self._host_waiting.setdefault(job.host, deque()).append((due, job))
                    continue
                await self._slots.acquire()
                self._start(due, job)
            self._stopping = True
            if self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
            if self.fatal is not None:
                raise self.fatal
        finally:
            for task in list(self._tasks):
                task.cancel()

    def _start(self, due: float, job: Job) -> None:
        self._host_active[job.host] = self._host_active.get(job.host, 0) + 1
        task = asyncio.create_task(self._run_one(due, job), name=f"poll:{job.key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_one(self, due: float, job: Job) -> None:
        while True:
            started = time.time()
            lag = max(0.0, started - due)
            self.polls += 1
            self.lag_total += lag
            self.lag_max = max(self.lag_max, lag)
            self.recent_lags.append((started, lag))
            try:
                outcome = await self._poll(job)
            except asyncio.CancelledError:
                self._release(job)
                raise
            except StateError as exc:
                self._release(job)
                self.fatal = exc
                self._wakeup.set()
                return
            except Exception:
                log.exception("poll of %s crashed", job.key)
                outcome = Outcome(ERROR)
            self._push(plan_next(job, outcome, self.cfg, self._rng, time.time()), job)
            if self._on_done is not None:
                self._on_done(job)
            waiting = self._host_waiting.get(job.host)
            if waiting and not self._stopping:
                # Hand this slot straight to the next due feed of the same host.
                due, job = waiting.popleft()
                if not waiting:
                    del self._host_waiting[job.host]
                continue
            self._release(job)
            return

    def _release(self, job: Job) -> None:
        self._host_active[job.host] -= 1
        if not self._host_active[job.host]:
            del self._host_active[job.host]
        self._slots.release()
