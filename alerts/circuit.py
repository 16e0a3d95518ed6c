"""A per-sink circuit breaker: closed, open after N straight failures, half-open for one trial."""

from __future__ import annotations

import enum
from collections.abc import Callable

from alerts.metrics import CIRCUIT_STATE


class State(enum.IntEnum):
    """Numeric values are the circuit-state metric."""

    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class CircuitBreaker:
    """Counts consecutive failures; while open, ``wait_time()`` says how long until a trial is allowed."""

    def __init__(
        self, sink: str, failure_threshold: int, reset_seconds: float, clock: Callable[[], float]
    ) -> None:
        self.sink = sink
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False
        self._state = State.CLOSED
        CIRCUIT_STATE.labels(sink).set(0)

    @property
    def state(self) -> State:
        if self._state is State.OPEN and self._clock() - self._opened_at >= self.reset_seconds:
            self._set(State.HALF_OPEN)
        return self._state

    def wait_time(self) -> float:
        """0 when an attempt may go now (claims the half-open trial), else seconds to wait."""
        state = self.state
        if state is State.CLOSED:
            return 0.0
        if state is State.HALF_OPEN and not self._trial_running:
            self._trial_running = True
            return 0.0
        if state is State.HALF_OPEN:
            return min(1.0, self.reset_seconds)
        return max(0.0, self._opened_at + self.reset_seconds - self._clock())

    def record_success(self) -> None:
        self._failures = 0
        self._trial_running = False
        self._set(State.CLOSED)

    def record_failure(self) -> None:
        """A retryable failure (network, 5xx, 429, timeout); permanent 4xx do not count."""
        self._failures += 1
        if self._state is State.HALF_OPEN or self._failures >= self.failure_threshold:
            self._trial_running = False
            self._opened_at = self._clock()
            self._set(State.OPEN)

    def _set(self, state: State) -> None:
        self._state = state
        CIRCUIT_STATE.labels(self.sink).set(int(state))
