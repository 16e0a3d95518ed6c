"""Fold a batch of reports into the event state, holding the new state back until its outputs are sent.

Crash safety of the merge stage (docs/architecture.md, "Guarantees"): an alert must be on Kafka before
the state that says it was decided is, or a worker killed in between keeps the event and loses the
alert for good (the report re-read after the restart merges as a ``duplicate``). So a batch is decided
against the table plus its own earlier results, its records are published and acknowledged, and only
then are the new states written. A kill before the writes re-reads the reports against the old state
and makes the same decisions, with the same alert ids (``Alert.id``), which the alert stage drops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from streams.events.merge import MergeOutcome, merge_report
from streams.records import Alert, Event


@dataclass(frozen=True, slots=True)
class Folded:
    """One report's decision: its merge outcome, and the alert it yields (if any)."""

    key: bytes
    outcome: MergeOutcome
    report: Event
    alert: Alert | None


@dataclass
class BatchMerge:
    """Reports folded one by one against ``read`` (the table) and this batch's not yet written states."""

    read: Callable[[bytes], bytes | None]
    merged: list[tuple[bytes, bytes]] = field(default_factory=list)  # events.merged, in order
    alerts: list[tuple[bytes, bytes]] = field(default_factory=list)  # alerts, in order
    _states: dict[bytes, tuple[int, bytes]] = field(default_factory=dict)  # key -> (record index, state)

    def fold(self, index: int, raw: bytes) -> Folded:
        """Merge the ``index``-th record of the batch; raises ``RecordError``/``ValueError`` for a bad one."""
        return self.fold_report(index, Event.from_json(raw))

    def fold_report(self, index: int, report: Event) -> Folded:
        """Merge the decoded report of the ``index``-th record; raises ``ValueError`` if it cannot merge."""
        key = report.id.encode()
        pending = self._states.get(key)
        known = pending[1] if pending is not None else self.read(key)
        outcome = merge_report(Event.from_json(known) if known else None, report)
        if outcome.reason != "duplicate":
            state = outcome.event.to_json()
            self._states[key] = (index, state)
            self.merged.append((key, state))
        alert = None
        if outcome.should_alert:
            alert = Alert(event=outcome.event, reason=outcome.reason)
            self.alerts.append((alert.id.encode(), alert.to_json()))
        return Folded(key, outcome, report, alert)

    def writes_by_record(self) -> dict[int, list[tuple[bytes, bytes]]]:
        """The new states to write, each under the last record that changed it (same key, same partition)."""
        by_record: dict[int, list[tuple[bytes, bytes]]] = {}
        for key, (index, state) in self._states.items():
            by_record.setdefault(index, []).append((key, state))
        return by_record
