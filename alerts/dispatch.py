"""The dispatcher: route, silence, group, then queue per sink behind a rate limit; delivery via Deliverer.

Each sink has its own bounded queue and workers, so a dead sink delays only its own deliveries;
``settled()`` tells the caller when every sink an alert went to has delivered or dead-lettered it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from alerts.circuit import State
from alerts.deadletter import DeadLetter, DeadLetterPublisher
from alerts.delivery import Deliverer, DeliveryResult
from alerts.delivery_log import DeliveryLog
from alerts.metrics import (
    DECISIONS,
    PENDING_GROUPS,
    QUEUE_DEPTH,
    QUEUE_FULL_WAITS,
    QUEUE_OVERFLOWS,
)
from alerts.ratelimit import TokenBucket
from alerts.routing import Route, build_routes, select_routes
from alerts.settlement import UNSETTLED_OUTCOME, Settlements
from alerts.silences import SilenceStore
from alerts.sinks import BaseSink, SinkContext, build_sink
from streams.errors import ConfigError
from streams.records import Alert
from streams.settings.alerts import AlertSettings, active_sinks, route_sink_problem

log = logging.getLogger("newswatch.alerts.dispatch")
SENT_ALERT_MEMORY_SECONDS = 3600.0  # how long a sent alert id counts as a duplicate without the delivery log
QUEUE_RECHECK_SECONDS = 1.0  # while a full queue holds the caller, how often the sink's circuit is looked at


@dataclass(frozen=True, slots=True)
class Submission:
    """The decision for one alert: ``sent`` (queued or grouped) or suppressed, and the reason."""

    alert_id: str
    sent: bool
    reason: str  # the alert's own reason when sent; silenced | repeat_interval | duplicate | no_route
    routes: tuple[str, ...] = ()
    sinks: tuple[str, ...] = ()  # sent: the routed sinks; duplicate: sinks it is still queued or in flight to
    silence_id: str | None = None


@dataclass
class _Group:
    route: Route
    key: str
    pending: dict[str, Alert] = field(default_factory=dict)  # alert id -> alert, in arrival order
    last_flush: float | None = None
    timer: asyncio.Task[None] | None = None
    sent_events: OrderedDict[str, float] = field(
        default_factory=OrderedDict
    )  # event id -> last send, oldest first
    sent_alerts: OrderedDict[str, float] = field(default_factory=OrderedDict)  # alert id -> send time


def _expire(times: OrderedDict[str, float], before: float) -> None:
    """Drop entries stamped before ``before`` (they are kept oldest first)."""
    while times and next(iter(times.values())) < before:
        times.popitem(last=False)


class _SinkRunner:
    """A sink with its bounded queue, rate limiter and worker tasks."""

    def __init__(self, sink: BaseSink, bucket: TokenBucket) -> None:
        self.sink = sink
        self.bucket = bucket
        self.queue: asyncio.Queue[tuple[tuple[Alert, ...], float]] = asyncio.Queue(
            maxsize=sink.config.queue_size
        )
        self.workers: list[asyncio.Task[None]] = []
        self.in_flight = 0

    def depth(self) -> int:
        return self.queue.qsize() + self.in_flight


class Dispatcher:
    """Takes alerts from the agent (``submit``) and gets them to every routed sink exactly once if it can."""

    def __init__(
        self,
        settings: AlertSettings,
        sinks: Sequence[BaseSink],
        *,
        deliverer: Deliverer,
        silences: SilenceStore | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.deliverer = deliverer
        self.silences = silences
        self._clock = clock
        self.sinks = {s.name: s for s in sinks}
        self.routes = build_routes(settings, self.sinks)
        problem = route_sink_problem(((r.name, r.sinks) for r in self.routes), self.sinks)
        if problem:
            raise ConfigError(problem)
        self._runners: dict[str, _SinkRunner] = {}
        self._groups: dict[tuple[str, str], _Group] = {}
        self._session: aiohttp.ClientSession | None = None
        self._prune_at = 10000
        self._claimed: set[tuple[str, str]] = set()  # (alert id, sink) queued or in flight
        self._settlements = Settlements()  # (alert id, sink) routed and not final yet
        self._outstanding = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._started = False

    @classmethod
    def from_settings(
        cls,
        settings: AlertSettings,
        *,
        delivery_log: DeliveryLog,
        dead_letter: DeadLetterPublisher,
        silences: SilenceStore | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> Dispatcher:
        """Build sinks, routes and the delivery wrapper; silences default to the configured file."""
        context = SinkContext(source=settings.source, state_dir=Path(settings.state_dir))
        sinks = [build_sink(cfg, context) for cfg in active_sinks(settings)]
        if silences is None:
            path = settings.silences_path or str(Path(settings.state_dir) / "silences.json")
            silences = SilenceStore(path, reload_seconds=settings.silence_reload_seconds)
        deliverer = Deliverer(
            delivery_log=delivery_log,
            dead_letter=dead_letter,
            retry=settings.retry,
            circuit=settings.circuit,
            clock=clock,
        )
        return cls(settings, sinks, deliverer=deliverer, silences=silences, clock=clock)

    async def start(self) -> None:
        """Open the HTTP session and start each sink's workers."""
        if self._started:
            return
        self._started = True
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": "newswatch-alerts/1"}, connector=aiohttp.TCPConnector(limit=64)
        )
        for name, sink in self.sinks.items():
            await sink.start(self._session)
            bucket = TokenBucket(sink.rate_per_second, sink.config.burst, self._clock)
            runner = _SinkRunner(sink, bucket)
            concurrency = 1 if sink.rate_per_second and sink.rate_per_second <= 1 else sink.config.concurrency
            runner.workers = [
                asyncio.create_task(self._work(runner), name=f"alerts-sink-{name}-{i}")
                for i in range(concurrency)
            ]
            self._runners[name] = runner
            QUEUE_DEPTH.labels(name).set(0)

    async def submit(self, alert: Alert) -> Submission:
        """Decide (silence, routes, grouping) and queue; waits only when a sink queue is full."""
        if not self._started:
            raise RuntimeError("Dispatcher.submit() before start()")
        silence = self.silences.matching(alert) if self.silences else None
        if silence is not None:
            return self._decided(Submission(alert.id, False, "silenced", silence_id=silence.id))
        routes = select_routes(self.routes, alert)
        if not routes:
            return self._decided(Submission(alert.id, False, "no_route"))
        now = self._clock()
        used: list[Route] = []
        reasons: list[str] = []
        busy: list[str] = []  # sinks a duplicate is still queued or in flight to
        for route in routes:
            group = self._group(route, alert)
            verdict = self._suppression(group, alert, now)
            if verdict:
                reasons.append(verdict)
                pending = alert.id in group.pending
                busy.extend(s for s in route.sinks if pending or (alert.id, s) in self._claimed)
                continue
            used.append(route)
            group.pending[alert.id] = alert
            for sink in route.sinks:
                self._settlements.expect(alert.id, sink)
            self._busy(+1)
            await self._schedule(group, now)
        if not used:
            names = tuple(r.name for r in routes)
            return self._decided(Submission(alert.id, False, reasons[0], names, tuple(dict.fromkeys(busy))))
        sinks = tuple(dict.fromkeys(s for r in used for s in r.sinks))
        return self._decided(Submission(alert.id, True, alert.reason, tuple(r.name for r in used), sinks))

    async def settled(self, submission: Submission) -> bool:
        """Wait until every sink of ``submission`` delivered, dead-lettered or skipped the alert.

        False when one of them could not (its dead letter could not be published, or its worker
        crashed): the caller must not acknowledge the alert, so a restart delivers it again.
        """
        return await self._settlements.wait(submission.alert_id, submission.sinks)

    def _decided(self, submission: Submission) -> Submission:
        DECISIONS.labels(submission.reason, str(submission.sent).lower()).inc()
        level = logging.INFO if submission.sent else logging.DEBUG
        log.log(
            level,
            "alert %s: %s (%s)",
            submission.alert_id,
            "sent" if submission.sent else "suppressed",
            submission.reason,
        )
        return submission

    def _group(self, route: Route, alert: Alert) -> _Group:
        key = (route.name, route.group_key(alert))
        group = self._groups.get(key)
        if group is None:
            if len(self._groups) > self._prune_at:
                self._prune()
                self._prune_at = len(self._groups) + 10000
            group = self._groups[key] = _Group(route, key[1])
        return group

    def _prune(self) -> None:
        now = self._clock()
        for key, group in list(self._groups.items()):
            horizon = max(group.route.repeat_interval, group.route.group_interval)
            if not group.pending and group.timer is None and (group.last_flush or 0) + horizon < now:
                del self._groups[key]

    def _suppression(self, group: _Group, alert: Alert, now: float) -> str | None:
        if alert.id not in group.pending and self._settlements.take_retry(alert.id):
            group.sent_alerts.pop(alert.id, None)
            return None
        if alert.id in group.pending or alert.id in group.sent_alerts:
            return "duplicate"
        log_ = self.deliverer.delivery_log
        if all(log_.was_delivered(alert.id, s) for s in group.route.sinks):
            return "duplicate"
        sent_at = group.sent_events.get(alert.event.id)
        if sent_at is not None and now - sent_at < group.route.repeat_interval:
            return "repeat_interval"
        return None

    async def _schedule(self, group: _Group, now: float) -> None:
        if group.timer is not None:
            return
        if group.last_flush is None:
            due = now + group.route.group_wait
        else:
            due = group.last_flush + group.route.group_interval
        if due <= now:
            await self._flush_group(group)
        else:
            group.timer = asyncio.create_task(self._flush_later(group, due - now))
            PENDING_GROUPS.inc()

    async def _flush_later(self, group: _Group, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
        finally:
            group.timer = None
            PENDING_GROUPS.dec()
        await self._flush_group(group)

    async def _flush_group(self, group: _Group) -> None:
        alerts = list(group.pending.values())
        group.pending.clear()
        if not alerts:
            return
        now = self._clock()
        group.last_flush = now
        _expire(group.sent_events, now - group.route.repeat_interval)
        _expire(group.sent_alerts, now - max(group.route.repeat_interval, SENT_ALERT_MEMORY_SECONDS))
        for alert in alerts:
            group.sent_events[alert.event.id] = now
            group.sent_events.move_to_end(alert.event.id)
            group.sent_alerts[alert.id] = now
        jobs: list[tuple[_SinkRunner, tuple[Alert, ...]]] = []
        for name in group.route.sinks:
            runner = self._runners[name]
            fresh = tuple(a for a in alerts if (a.id, name) not in self._claimed)  # two routes, one sink
            self._claimed.update((a.id, name) for a in fresh)
            if runner.sink.batching and fresh:
                jobs.append((runner, fresh))
            elif not runner.sink.batching:
                jobs.extend((runner, (alert,)) for alert in fresh)
        self._busy(len(jobs) - len(alerts))
        for runner, job in jobs:
            await self._enqueue(runner, job)

    async def _enqueue(self, runner: _SinkRunner, job: tuple[Alert, ...]) -> None:
        """Queue a job; a full queue holds the caller while the sink's circuit is closed (back-pressure),
        and sends the job to the dead-letter topic at once while it is not (the sink is down)."""
        name = runner.sink.name
        waited = False
        while True:
            if runner.queue.full() and self.deliverer.breaker(name).state is not State.CLOSED:
                QUEUE_OVERFLOWS.labels(name).inc()
                try:
                    result = await self.deliverer.dead_letter_unsent(
                        runner.sink, job, f"queue full ({runner.queue.maxsize}) while the circuit is open"
                    )
                    outcome = result.status
                except Exception:
                    log.exception("dead-lettering an overflow of %s crashed", name)
                    outcome = UNSETTLED_OUTCOME
                self._claimed.difference_update((a.id, name) for a in job)
                self._settlements.settle((a.id for a in job), name, outcome)
                self._busy(-1)
                return
            if not waited and runner.queue.full():
                waited = True
                QUEUE_FULL_WAITS.labels(name).inc()
            try:
                await asyncio.wait_for(runner.queue.put((job, self._clock())), QUEUE_RECHECK_SECONDS)
            except TimeoutError:
                continue
            QUEUE_DEPTH.labels(name).set(runner.depth())
            return

    async def _work(self, runner: _SinkRunner) -> None:
        while True:
            job, queued_at = await runner.queue.get()
            runner.in_flight += 1
            outcome = UNSETTLED_OUTCOME
            try:
                result = await self.deliverer.deliver(
                    runner.sink, job, before_attempt=runner.bucket.acquire, queued_at=queued_at
                )
                outcome = result.status
            except Exception:
                log.exception("delivery to %s crashed", runner.sink.name)
            finally:
                self._claimed.difference_update((a.id, runner.sink.name) for a in job)
                self._settlements.settle((a.id for a in job), runner.sink.name, outcome)
                runner.in_flight -= 1
                runner.queue.task_done()
                QUEUE_DEPTH.labels(runner.sink.name).set(runner.depth())
                self._busy(-1)

    def _busy(self, delta: int) -> None:
        self._outstanding += delta
        if self._outstanding <= 0:
            self._outstanding = 0
            self._idle.set()
        else:
            self._idle.clear()

    async def flush(self, timeout: float) -> None:
        """Wait until every grouped and queued delivery finished, or ``timeout`` seconds passed."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("alerts flush timed out with %d deliveries outstanding", self._outstanding)

    async def redeliver(self, letter: DeadLetter) -> DeliveryResult:
        """Deliver a dead letter again through the same wrapper (no routing, grouping or silences)."""
        runner = self._runners.get(letter.sink)
        if runner is None:
            return DeliveryResult("permanent", 0, f"sink {letter.sink!r} is not configured")
        return await self.deliverer.deliver(
            runner.sink, (letter.to_alert(),), before_attempt=runner.bucket.acquire
        )

    async def close(self) -> None:
        """Send groups still waiting, wait up to shutdown_timeout for queues, then stop."""
        for group in list(self._groups.values()):
            if group.timer is not None:
                group.timer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await group.timer
                await self._flush_group(group)
        await self.flush(self.settings.shutdown_timeout_seconds)
        for runner in self._runners.values():
            for task in runner.workers:
                task.cancel()
            for task in runner.workers:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await runner.sink.close()
        self._runners.clear()
        self._settlements.abandon()
        self._claimed.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._started = False
