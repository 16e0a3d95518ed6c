"""A small progress display for long command-line jobs (replay, backfill): count, %, rate and ETA.

On a terminal the line is redrawn in place (``\\r``, at most ``refresh`` times a second); otherwise (a
log file, a pipe, CI) a plain line is written every ``interval`` seconds, so logs stay readable. A final
line is always written by ``close``. Plain Python, no dependencies; it writes to ``sys.stderr`` by
default so that stdout stays free for the command's own output.

    with Progress("replay", total=10_000, unit="articles") as progress:
        for item in items:
            ...
            progress.advance()
            progress.note(sent=sent, errors=errors)
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

_RATE_WINDOW_SECONDS = 30.0


def format_duration(seconds: float | None) -> str:
    """``H:MM:SS`` (or ``M:SS`` under an hour); ``?`` when unknown."""
    if seconds is None or seconds != seconds or seconds < 0 or seconds == float("inf"):
        return "?"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_rate(rate: float | None) -> str:
    """A rate per second with sensible precision."""
    if rate is None:
        return "?"
    if rate >= 100:
        return f"{rate:,.0f}"
    if rate >= 10:
        return f"{rate:.1f}"
    return f"{rate:.2f}"


class Progress:
    """Count, percentage, rate/s and ETA of a job, shown on ``stream`` (stderr by default)."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        unit: str = "items",
        stream: TextIO | None = None,
        interval: float = 10.0,
        refresh: float = 0.2,
        enabled: bool = True,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self.refresh = refresh
        self.enabled = enabled
        if tty is None:
            isatty = getattr(self.stream, "isatty", None)
            tty = bool(isatty and isatty())
        self.tty = tty
        self.clock = clock
        self.count = 0
        self.counters: dict[str, int] = {}
        self.started = clock()
        self._samples: deque[tuple[float, int]] = deque([(self.started, 0)])
        self._last_draw = self.started
        self._drawn_width = 0
        self._closed = False

    # ------------------------------------------------------------------ updates

    def set_total(self, total: int | None) -> None:
        """Change the expected total (e.g. once it is known)."""
        self.total = total

    def advance(self, n: int = 1) -> None:
        """``n`` more items done; redraws when it is time to."""
        self.count += n
        self._maybe_draw()

    def note(self, **counters: int) -> None:
        """Set named counters shown after the rate (``sent=12 errors=0``)."""
        self.counters.update(counters)

    # ------------------------------------------------------------------ figures

    def elapsed(self) -> float:
        return max(0.0, self.clock() - self.started)

    def rate(self) -> float | None:
        """Items per second over the last ~30 s (the whole run until then); None before any time passed."""
        now = self.clock()
        self._samples.append((now, self.count))
        while len(self._samples) > 2 and now - self._samples[1][0] >= _RATE_WINDOW_SECONDS:
            self._samples.popleft()
        then, count_then = self._samples[0]
        span = now - then
        if span <= 0:
            return None
        return (self.count - count_then) / span

    def eta(self, rate: float | None) -> float | None:
        """Seconds left at ``rate``; None if the total or the rate is unknown."""
        if self.total is None or not rate:
            return None
        return max(0, self.total - self.count) / rate

    def render(self, final: bool = False) -> str:
        """The progress line (without line ending)."""
        rate = self.rate()
        parts = [self.label]
        if self.total:
            percent = min(100.0, 100.0 * self.count / self.total)
            parts.append(f"{self.count:,}/{self.total:,} {self.unit} {percent:5.1f}%")
        else:
            parts.append(f"{self.count:,} {self.unit}")
        if final:
            overall = self.count / self.elapsed() if self.elapsed() > 0 else None
            parts.append(f"{format_rate(overall)}/s")
            parts.append(f"in {format_duration(self.elapsed())}")
        else:
            parts.append(f"{format_rate(rate)}/s")
            if self.total is not None:
                parts.append(f"ETA {format_duration(self.eta(rate))}")
        if self.counters:
            parts.append(" ".join(f"{k}={v:,}" for k, v in self.counters.items()))
        return "  ".join(parts)

    # ------------------------------------------------------------------ drawing

    def _maybe_draw(self) -> None:
        if not self.enabled or self._closed:
            return
        now = self.clock()
        if now - self._last_draw >= (self.refresh if self.tty else self.interval):
            self._last_draw = now
            self.draw()

    def draw(self, final: bool = False) -> None:
        """Write the line now: in place on a terminal, as a new line otherwise."""
        if not self.enabled:
            return
        line = self.render(final)
        if self.tty:
            pad = max(0, self._drawn_width - len(line))
            self.stream.write("\r" + line + " " * pad + ("\n" if final else ""))
            self._drawn_width = 0 if final else len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Write the final line (count, average rate, elapsed time); idempotent."""
        if self._closed:
            return
        self.draw(final=True)
        self._closed = True

    def __enter__(self) -> Progress:
        if self.enabled and self.tty:
            self.draw()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
