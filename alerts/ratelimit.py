"""A token bucket per sink: bursts wait their turn in the queue instead of being dropped."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved; ``acquire()`` waits for a token."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._clock = clock
        self._tokens = float(self.burst)
        self._stamp = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self) -> None:
        """Take one token, sleeping until one is available (FIFO among waiters)."""
        if self.rate <= 0:
            return
        async with self._lock:
            while True:
                self._refill()
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)
