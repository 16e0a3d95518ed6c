"""The worker's guard against Faust dropping records fetched while recovery seeks (docs/alerts.md).

These drive Faust's own ``Recovery.on_recovery_completed`` with a consumer that records the flow state
at each step, so a Faust upgrade that reorders recovery fails here instead of losing records.
"""

from __future__ import annotations

from typing import Any

import faust
import pytest
from faust.types import TP

from streams.worker.app import hold_records_during_seek

ALERTS_TP = TP("alerts", 0)


class RecordingConsumer:
    """Just enough of a Faust consumer for recovery's last steps; notes whether records could flow."""

    def __init__(self, steps: list[tuple[str, bool]]) -> None:
        self.steps = steps
        self.flow_active = True

    def assignment(self) -> set[TP]:
        return {ALERTS_TP}

    def resume_partitions(self, tps: Any) -> None:
        self.steps.append(("resume_partitions", self.flow_active))

    async def perform_seek(self) -> None:
        self.steps.append(("perform_seek", self.flow_active))

    def stop_flow(self) -> None:
        self.flow_active = False
        self.steps.append(("stop_flow", self.flow_active))

    def resume_flow(self) -> None:
        self.flow_active = True
        self.steps.append(("resume_flow", self.flow_active))


async def _finish_recovery(app: faust.App, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    steps: list[tuple[str, bool]] = []
    fetcher = app._fetcher  # built with the real consumer before the stand-in replaces it
    consumer = RecordingConsumer(steps)
    app.consumer = consumer  # type: ignore[assignment]  # a stand-in, not a ConsumerT
    clear_buffers = app.flow_control.resume

    def resume_and_clear() -> None:
        steps.append(("clear_buffers", consumer.flow_active))
        clear_buffers()

    async def fetcher_running() -> None:
        steps.append(("fetcher_started", consumer.flow_active))

    monkeypatch.setattr(app.flow_control, "resume", resume_and_clear)
    monkeypatch.setattr(fetcher, "maybe_start", fetcher_running)
    await app.tables.recovery.on_recovery_completed(app.consumer_generation_id)  # type: ignore[attr-defined]
    return steps


def _app() -> faust.App:
    return faust.App("alerts-recovery-test", broker="kafka://127.0.0.1:1", autodiscover=False)


async def test_no_record_flows_from_recovery_end_until_buffers_are_cleared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _app()
    hold_records_during_seek(app)

    steps = await _finish_recovery(app, monkeypatch)

    assert [name for name, _ in steps] == [
        "stop_flow",
        "resume_partitions",
        "perform_seek",
        "clear_buffers",
        "resume_flow",
        "fetcher_started",
    ]
    flowing = dict(steps)
    assert not flowing["resume_partitions"] and not flowing["perform_seek"] and not flowing["clear_buffers"]
    assert flowing["fetcher_started"]


async def test_without_the_guard_faust_seeks_and_clears_with_records_flowing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Faust's own behaviour, the reason for the guard: if this fails, revisit hold_records_during_seek."""
    steps = await _finish_recovery(_app(), monkeypatch)

    assert dict(steps)["perform_seek"] is True
    assert dict(steps)["clear_buffers"] is True
