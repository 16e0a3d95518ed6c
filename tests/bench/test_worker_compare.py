"""e2e_bench --compare-workers: the alerts themselves compared per worker count, and issue 19's verdicts."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from streams.records import Alert, Event, Participant

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compare() -> ModuleType:
    script = REPO / "bench" / "worker_compare.py"
    spec = importlib.util.spec_from_file_location("worker_compare_under_test", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _alert(day: int, reason: str, sources: tuple[str, ...]) -> Alert:
    event = Event(
        type="leader_call",
        date=f"2020-11-{day:02d}",
        participants=(Participant(name="Vladimir Putin"), Participant(name="Emmanuel Macron")),
        sources=sources,
    )
    return Alert(event=event, reason=reason, created_at=datetime(2020, 11, day, tzinfo=UTC))


def _row(
    compare: ModuleType, workers: int, alerts: list[Alert], rate: int, duplicates: int, kept: int = 0
) -> dict[str, Any]:
    identities = {a.id: compare.alert_identity(a) for a in alerts}
    hooks = [{"webhook_id": f"msg_{a.id}", "body": {"id": a.id}} for a in alerts]
    ids = [f"d{n}" for n in range(duplicates)]
    return {
        "workers": workers,
        "rate": rate,
        "answers": {"duplicates": duplicates, "exact_kept_twice": kept, "duplicate_ids": ids},
        "alerts": identities,
        "deliveries": compare.deliveries(hooks),
    }


def test_equal_runs_pass_and_name_no_alert(compare: ModuleType) -> None:
    alerts = [_alert(1, "first", ("a.example",)), _alert(1, "confirmed", ("a.example", "b.example"))]
    rows = [_row(compare, 1, alerts, 500, 10_000), _row(compare, 2, alerts, 700, 10_005)]
    verdicts = {v["criterion"]: v["verdict"] for v in compare.verdicts(rows)}
    assert set(verdicts.values()) == {"pass", "-"}
    assert compare.differences(rows) == []
    assert "the same 2 alerts" in "\n".join(compare.comparison_lines(rows))


def test_an_alert_missing_or_crediting_other_sources_is_named(compare: ModuleType) -> None:
    first = _alert(1, "first", ("a.example",))
    confirmed = _alert(1, "confirmed", ("a.example", "b.example"))
    other_source = _alert(1, "first", ("c.example",))  # same alert id, another arrival order
    rows = [
        _row(compare, 1, [first, confirmed], 500, 10_000),
        _row(compare, 2, [other_source], 600, 10_020, kept=1),
    ]
    assert other_source.id == first.id
    verdicts = {v["criterion"]: (v["value"], v["verdict"]) for v in compare.verdicts(rows)}
    assert verdicts["exact copies kept twice"] == ("1", "FAIL")
    assert verdicts["duplicates vs one worker (+-0.1%)"][1] == "FAIL"  # +0.2%
    assert verdicts["alerts equal to one worker's (alert ids)"][1] == "FAIL"
    assert verdicts["alerts credit the same sources (digests; no bar)"] == ("1 differ", "-")
    assert verdicts["throughput vs one worker (>= 1.3x)"] == ("1.20x", "FAIL")
    changed = {(d["reason"], tuple(d["raised_by"])) for d in compare.differences(rows)}
    assert changed == {("first", (1, 2)), ("confirmed", (1,))}


def test_a_repeated_webhook_id_fails_its_criterion(compare: ModuleType) -> None:
    alerts = [_alert(2, "first", ("a.example",))]
    rows = [_row(compare, 1, alerts, 500, 100), _row(compare, 2, alerts, 700, 100)]
    rows[1]["deliveries"] = compare.deliveries(
        [{"webhook_id": f"msg_{alerts[0].id}"}, {"body": {"id": alerts[0].id}}]  # header, or the body's id
    )
    verdicts = {v["criterion"]: (v["value"], v["verdict"]) for v in compare.verdicts(rows)}
    assert verdicts["webhook-ids delivered once each"] == ("2 requests, 1 ids repeated", "FAIL")
