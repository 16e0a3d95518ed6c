"""Console sink: one line per alert on standard output."""

from __future__ import annotations

import sys

from alerts.outcome import Outcome
from alerts.payload import render_text
from alerts.sinks.base import Sink
from streams.records import Alert


class ConsoleSink(Sink):
    """Prints the rendered template (control characters removed) and flushes."""

    async def send(self, alert: Alert) -> Outcome:
        text = render_text(alert, self.template_text())
        clean = "".join(ch if ch.isprintable() else " " for ch in text)
        print(f"ALERT {alert.id} {alert.reason}: {clean}", file=sys.stdout, flush=True)
        return Outcome.delivered()
