"""The merge stage without Faust: fold a batch of ``events`` records into the event states.

``MergeStage.process`` reads the known states (the worker passes its event table), decides every report
of the batch (``streams.events.batch``), and returns what the batch sends and what it must write
afterwards: alerts and merged events first, acknowledged by the broker, then the new states
(docs/architecture.md, "The merge stage: outputs first, state second"). A report that cannot be
folded goes to ``events.dlq`` under its event id, as received, so it can be sent to ``events`` again.
"""

from __future__ import annotations

import collections
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from streams.events.batch import BatchMerge
from streams.records import Event

log = logging.getLogger(__name__)

Record = tuple[bytes | None, bytes]  # Kafka key and value

#: Why a report went to ``events.dlq`` (a metric label).
DEAD_LETTER_REASONS = ("undecodable", "merge_failed")


class EventStates(Protocol):
    """Where the known event states are read: the worker's event table, a dict in tests."""

    def get(self, key: bytes, /) -> bytes | None: ...


@dataclass
class MergeOutputs:
    """What one batch sends (in stream order per topic) and the states to write once it is acknowledged."""

    merged: list[tuple[bytes, bytes]] = field(default_factory=list)  # events.merged
    alerts: list[tuple[bytes, bytes]] = field(default_factory=list)  # alerts
    dead: list[Record] = field(default_factory=list)  # events.dlq, keyed by event id
    writes: dict[int, list[tuple[bytes, bytes]]] = field(default_factory=dict)  # record index -> states
    merges: collections.Counter[str] = field(default_factory=collections.Counter)  # reason -> reports
    alerted: collections.Counter[str] = field(default_factory=collections.Counter)  # reason -> alerts
    dead_reasons: collections.Counter[str] = field(default_factory=collections.Counter)
    seconds: float = 0.0  # time spent deciding the batch


class MergeStage:
    """Decide a batch of event reports against the known states; never raises for a bad record."""

    def process(self, records: Sequence[Record], table: EventStates) -> MergeOutputs:
        """The outputs of one batch of ``events`` records, decided against ``table`` (nothing is written)."""
        out = MergeOutputs()
        merge = BatchMerge(table.get)
        started = time.perf_counter()
        for index, (key, raw) in enumerate(records):
            try:
                report = Event.from_json(raw)
            except Exception as exc:
                self._dead_letter(out, "undecodable", key, raw, exc)
                continue
            try:
                folded = merge.fold_report(index, report)
            except Exception as exc:
                self._dead_letter(out, "merge_failed", report.id.encode(), raw, exc)
                continue
            out.merges[folded.outcome.reason] += 1
            if folded.alert is not None:
                out.alerted[folded.outcome.reason] += 1
                log.info(
                    "alert %s for %s",
                    folded.outcome.reason,
                    folded.report.key,
                    extra={"event_id": folded.report.id, "stage": "merge"},
                )
        out.seconds = time.perf_counter() - started
        out.merged, out.alerts = merge.merged, merge.alerts
        out.writes = merge.writes_by_record()
        return out

    @staticmethod
    def _dead_letter(out: MergeOutputs, reason: str, key: bytes | None, raw: bytes, exc: Exception) -> None:
        """The report as received goes to ``events.dlq`` under its event id (if unreadable, its key)."""
        log.warning(
            "report not merged (%s: %s); sent to events.dlq",
            reason,
            exc,
            exc_info=reason == "merge_failed",  # a bug: keep the traceback
            extra={"stage": "merge"},
        )
        out.dead.append((key, raw))
        out.dead_reasons[reason] += 1
