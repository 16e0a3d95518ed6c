"""The delivery log: which (alert id, sink) pairs got a 2xx, so nothing delivered is sent again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import orjson


class DeliveryLog(Protocol):
    """Written only after a successful delivery; the worker's is ``alerts.kafka_delivery_log``."""

    def was_delivered(self, alert_id: str, sink: str) -> bool: ...

    async def mark_delivered(self, alert_id: str, sink: str) -> None:
        """Record a delivery; returns once the record is durable (a crash after it cannot repeat it)."""
        ...


class InMemoryDeliveryLog:
    """A set in memory (tests, the bench, single-process runs)."""

    def __init__(self) -> None:
        self._done: set[tuple[str, str]] = set()

    def was_delivered(self, alert_id: str, sink: str) -> bool:
        return (alert_id, sink) in self._done

    async def mark_delivered(self, alert_id: str, sink: str) -> None:
        self._done.add((alert_id, sink))

    def __len__(self) -> int:
        return len(self._done)


class FileDeliveryLog:
    """An append-only JSON-lines file (``dlq replay``): one ``{"alert_id", "sink"}`` line per delivery."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._done: set[tuple[str, str]] = set()
        if self.path.exists():
            for line in self.path.read_bytes().splitlines():
                try:
                    row = orjson.loads(line)
                    self._done.add((str(row["alert_id"]), str(row["sink"])))
                except (orjson.JSONDecodeError, KeyError, TypeError):
                    continue  # a torn last line after a crash

    def was_delivered(self, alert_id: str, sink: str) -> bool:
        return (alert_id, sink) in self._done

    async def mark_delivered(self, alert_id: str, sink: str) -> None:
        if (alert_id, sink) in self._done:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as handle:
            handle.write(orjson.dumps({"alert_id": alert_id, "sink": sink}) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._done.add((alert_id, sink))
