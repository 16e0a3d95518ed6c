"""JSON-lines file sink: the versioned payload, one line per alert, appended and fsynced per batch."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path

import orjson

from alerts.outcome import Outcome
from alerts.payload import alert_payload
from alerts.sinks.base import BatchSink, SinkContext
from streams.records import Alert
from streams.settings.alerts import SinkSettings


class JsonLinesSink(BatchSink):
    """Appends a group of alerts in one write; an OSError is retried by the delivery wrapper."""

    def __init__(self, config: SinkSettings, context: SinkContext) -> None:
        super().__init__(config, context)
        self.path = Path(config.path) if config.path else context.state_dir / "alerts.jsonl"

    def _append(self, data: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    async def write(self, batch: Sequence[Alert]) -> Outcome:
        data = b"".join(orjson.dumps(alert_payload(a, self.context.source)) + b"\n" for a in batch)
        try:
            await asyncio.to_thread(self._append, data)
        except OSError as exc:
            return Outcome.retry(f"cannot append to {self.path}: {exc.strerror}")
        return Outcome.delivered(f"{len(batch)} line(s)")
