"""Which (alert, sink) deliveries are not final yet, so the agent acknowledges an alert only when all are.

The dispatcher registers a pair when an alert is routed to a sink and settles it when that sink
delivered, dead-lettered or skipped the alert; ``unsettled`` (a dead letter that could not be
published, a stopped worker) means the alert must be read again, never acknowledged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from alerts.metrics import UNSETTLED

UNSETTLED_OUTCOME = "unsettled"


class Settlements:
    """One future per (alert id, sink) in progress; alerts left unsettled are remembered for a retry."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, str], asyncio.Future[str]] = {}
        self._retry_ids: set[str] = set()

    def __len__(self) -> int:
        return len(self._pending)

    def expect(self, alert_id: str, sink: str) -> None:
        """The pair is on its way to the sink (a second routing of the same pair shares the future)."""
        if (alert_id, sink) not in self._pending:
            self._pending[(alert_id, sink)] = asyncio.get_running_loop().create_future()
            UNSETTLED.set(len(self._pending))

    def settle(self, alert_ids: Iterable[str], sink: str, outcome: str) -> None:
        """The sink finished these alerts with ``outcome`` (a DeliveryResult status or unsettled)."""
        for alert_id in alert_ids:
            if outcome == UNSETTLED_OUTCOME:
                self._retry_ids.add(alert_id)
            future = self._pending.pop((alert_id, sink), None)
            if future is not None and not future.done():
                future.set_result(outcome)
        UNSETTLED.set(len(self._pending))

    def take_retry(self, alert_id: str) -> bool:
        """True once for an alert a sink left unsettled: its next copy is sent, not suppressed."""
        if alert_id in self._retry_ids:
            self._retry_ids.discard(alert_id)
            return True
        return False

    async def wait(self, alert_id: str, sinks: Iterable[str]) -> bool:
        """Wait until every listed sink settled the alert; False when one left it unsettled."""
        futures = [f for s in sinks if (f := self._pending.get((alert_id, s))) is not None]
        if futures:
            await asyncio.wait(futures)  # not gather: a cancelled caller must not cancel shared futures
        return all(f.result() != UNSETTLED_OUTCOME for f in futures)

    def abandon(self) -> None:
        """Stopping: whatever is still queued ends unsettled (it is read again after the restart)."""
        for future in self._pending.values():
            if not future.done():
                future.set_result(UNSETTLED_OUTCOME)
        self._pending.clear()
        UNSETTLED.set(0)
