"""The one delivery wrapper: delivery log, back-off + jitter, Retry-After, circuit breaker, DLQ, metrics."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from alerts.circuit import CircuitBreaker
from alerts.deadletter import DeadLetter, DeadLetterPublisher
from alerts.delivery_log import DeliveryLog
from alerts.metrics import ATTEMPT_SECONDS, ATTEMPTS, DEAD_LETTERS, DELIVERIES, LATENCY
from alerts.outcome import Kind, Outcome
from alerts.sinks.base import BaseSink, BatchSink, Sink
from streams.records import Alert, utcnow
from streams.settings.alerts import CircuitSettings, RetrySettings

log = logging.getLogger("newswatch.alerts.delivery")
DLQ_PUBLISH_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """How one (alerts, sink) delivery ended: delivered, duplicate, permanent, dead_lettered, or
    unsettled (the dead letter could not be published: the alert must be read again)."""

    status: str
    attempts: int
    error: str = ""


def backoff_delay(attempt: int, retry: RetrySettings, rand: float) -> float:
    """Exponential back-off after ``attempt`` failures with ``retry.jitter`` of it drawn at random."""
    base = min(retry.max_backoff_seconds, retry.initial_backoff_seconds * retry.multiplier ** (attempt - 1))
    return base * (1.0 - retry.jitter * rand)


class Deliverer:
    """Delivers alerts to one sink at a time until delivered, final, or out of retry budget."""

    def __init__(
        self,
        *,
        delivery_log: DeliveryLog,
        dead_letter: DeadLetterPublisher,
        retry: RetrySettings | None = None,
        circuit: CircuitSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.delivery_log = delivery_log
        self.dead_letter = dead_letter
        self.retry = retry or RetrySettings()
        self.circuit = circuit or CircuitSettings()
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self._breakers: dict[str, CircuitBreaker] = {}

    def breaker(self, sink: str) -> CircuitBreaker:
        """The circuit breaker of a sink (created closed)."""
        if sink not in self._breakers:
            self._breakers[sink] = CircuitBreaker(
                sink, self.circuit.failure_threshold, self.circuit.reset_seconds, self._clock
            )
        return self._breakers[sink]

    async def deliver(
        self,
        sink: BaseSink,
        alerts: Sequence[Alert],
        *,
        before_attempt: Callable[[], Awaitable[None]] | None = None,
        queued_at: float | None = None,
    ) -> DeliveryResult:
        """Deliver ``alerts`` (one, or a BatchSink batch) to ``sink``; never raises for sink failures.

        The elapsed budget runs from ``queued_at`` (clock time of enqueueing) when given, so a queue
        that filled during an outage drains into the dead-letter topic instead of stalling for hours.
        """
        pending = [a for a in alerts if not self.delivery_log.was_delivered(a.id, sink.name)]
        if len(pending) < len(alerts):
            DELIVERIES.labels(sink.name, "duplicate").inc(len(alerts) - len(pending))
        if not pending:
            return DeliveryResult("duplicate", 0)
        breaker = self.breaker(sink.name)
        started = self._clock() if queued_at is None else queued_at
        attempts = 0
        last = Outcome.retry("not attempted")
        while True:
            wait = breaker.wait_time()
            if wait > 0:
                if self._clock() - started + wait > self.retry.max_elapsed_seconds:
                    detail = f"circuit open; last error: {last.detail}"
                    return await self._dead_letter(
                        sink, pending, Outcome.retry(detail, status=last.status), attempts
                    )
                ATTEMPTS.labels(sink.name, "circuit_open").inc()
                await self._sleep(wait)
                continue
            if before_attempt is not None:
                await before_attempt()  # the sink's rate limit applies to retries too
            attempts += 1
            last = await self._attempt(sink, pending)
            ATTEMPTS.labels(sink.name, last.kind.value).inc()
            if last.kind is Kind.DELIVERED:
                breaker.record_success()
                await self._delivered(sink, pending, attempts)
                return DeliveryResult("delivered", attempts)
            if last.kind is Kind.PERMANENT:
                breaker.record_success()  # the receiver answered; the request itself is wrong
                return await self._dead_letter(sink, pending, last, attempts)
            breaker.record_failure()
            if attempts >= self.retry.max_attempts:
                return await self._dead_letter(sink, pending, last, attempts)
            delay = backoff_delay(attempts, self.retry, self._rand())
            if last.retry_after is not None:
                delay = max(delay, min(last.retry_after, self.retry.max_retry_after_seconds))
            if self._clock() - started + delay > self.retry.max_elapsed_seconds:
                return await self._dead_letter(sink, pending, last, attempts)
            log.info(
                "alert delivery to %s failed (%s), attempt %d, retrying in %.2fs",
                sink.name,
                last.detail,
                attempts,
                delay,
            )
            await self._sleep(delay)

    async def _attempt(self, sink: BaseSink, alerts: list[Alert]) -> Outcome:
        started = time.perf_counter()
        guard = sink.config.timeout_seconds + 5.0
        try:
            if isinstance(sink, BatchSink):
                outcome = await asyncio.wait_for(sink.write(alerts), guard)
            elif isinstance(sink, Sink):
                outcome = await asyncio.wait_for(sink.send(alerts[0]), guard)
            else:
                outcome = Outcome.permanent(f"{type(sink).__name__} is neither Sink nor BatchSink")
        except TimeoutError:
            outcome = Outcome.retry(f"no answer within {guard:g}s")
        except Exception as exc:  # a sink bug must not kill the worker; the type name carries no secret
            log.exception("sink %s raised instead of returning an outcome", sink.name)
            outcome = Outcome.retry(f"sink raised {type(exc).__name__}")
        ATTEMPT_SECONDS.labels(sink.name).observe(time.perf_counter() - started)
        return outcome

    async def _delivered(self, sink: BaseSink, alerts: list[Alert], attempts: int) -> None:
        now = utcnow()
        await asyncio.gather(*(self.delivery_log.mark_delivered(a.id, sink.name) for a in alerts))
        for alert in alerts:
            LATENCY.labels(sink.name).observe(max(0.0, (now - alert.created_at).total_seconds()))
        DELIVERIES.labels(sink.name, "delivered").inc(len(alerts))
        log.debug("delivered %d alert(s) to %s in %d attempt(s)", len(alerts), sink.name, attempts)

    async def dead_letter_unsent(
        self, sink: BaseSink, alerts: Sequence[Alert], detail: str
    ) -> DeliveryResult:
        """Dead-letter ``alerts`` without an attempt (the sink's queue overflowed while it is down)."""
        pending = [a for a in alerts if not self.delivery_log.was_delivered(a.id, sink.name)]
        if not pending:
            return DeliveryResult("duplicate", 0)
        return await self._dead_letter(sink, pending, Outcome.retry(detail), 0)

    async def _publish(self, letter: DeadLetter) -> bool:
        """Hand a dead letter to the publisher, retrying a few times (the broker may be restarting)."""
        for attempt in range(1, DLQ_PUBLISH_ATTEMPTS + 1):
            try:
                await self.dead_letter(letter)
                return True
            except Exception:
                if attempt == DLQ_PUBLISH_ATTEMPTS:
                    log.exception(
                        "could not publish dead letter %s; the alert stays unacknowledged", letter.key
                    )
                    return False
                log.warning("publishing dead letter %s failed (attempt %d), retrying", letter.key, attempt)
                await self._sleep(min(8.0, 0.5 * 2**attempt))
        return False

    async def _dead_letter(
        self, sink: BaseSink, alerts: list[Alert], outcome: Outcome, attempts: int
    ) -> DeliveryResult:
        status = "permanent" if outcome.kind is Kind.PERMANENT else "dead_lettered"
        published = True
        for alert in alerts:
            letter = DeadLetter(alert.to_dict(), sink.name, outcome.detail, attempts, status=outcome.status)
            log.warning(
                "alert %s to %s failed for good after %d attempt(s): %s; sent to the dead-letter topic",
                alert.id,
                sink.name,
                attempts,
                outcome.detail,
            )
            if await self._publish(letter):
                DEAD_LETTERS.labels(sink.name).inc()
            else:
                published = False
        if not published:
            return DeliveryResult("unsettled", attempts, outcome.detail)
        DELIVERIES.labels(sink.name, status).inc(len(alerts))
        return DeliveryResult(status, attempts, outcome.detail)
