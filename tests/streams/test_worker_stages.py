"""The worker's stage list: a missing or broken stage stops the start with an error naming it.

Issue 19: when ``alerts.agent`` could not be imported the worker logged INFO "stage ... skipped" and ran
without alerting.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from streams.cli import main
from streams.errors import StageError
from streams.settings import Settings
from streams.worker.run import build_worker_app
from streams.worker.stages import WORKER_STAGES, Stage, load_stages


def _settings(tmp_path: Path) -> Settings:
    return Settings.model_validate({"worker": {"data_dir": str(tmp_path / "worker")}})


def test_every_stage_of_the_list_loads() -> None:
    assert [stage.name for stage in WORKER_STAGES] == ["article and merge", "alert", "store"]
    assert all(callable(register) for register in load_stages())


def test_a_missing_alert_stage_stops_the_worker_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "alerts.agent", None)  # import fails: "alerts.agent" not found
    with pytest.raises(StageError, match=r"the alert stage cannot be loaded from alerts\.agent"):
        build_worker_app(_settings(tmp_path))


def test_a_stage_without_its_function_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        sys.modules, "newswatch_test_empty_stage", types.ModuleType("newswatch_test_empty_stage")
    )
    with pytest.raises(StageError, match=r"has no function register\(\)"):
        load_stages([Stage("empty", "newswatch_test_empty_stage")])


def test_the_worker_command_names_the_broken_stage_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = types.ModuleType("alerts.agent")  # imports, but what it promises is not there
    monkeypatch.setitem(sys.modules, "alerts.agent", broken)
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"worker:\n  data_dir: {tmp_path / 'worker'}\n  log_level: WARNING\n", encoding="utf-8")
    assert main(["--config", str(config), "worker"]) == 1
    err = capsys.readouterr().err
    assert "the alert stage: alerts.agent has no function register()" in err and "Traceback" not in err
