"""Backfill and replay through the real broker and a real worker.

backfill the seeds -> the seven seed events alert; replay 2020-09..12 -> every report merges as a
duplicate, no alert; replay with a new user rule (only replay knows it: the merge agent just merges) ->
exactly the rule's event alerts, once; the same replay again -> nothing new.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer

from streams.cli import main as newswatch_main
from tests.pipeline_harness import Pipeline, alert_payloads, metric_sum, stage_seeds, wait_for
from tests.seed_events import SEED_EVENTS

pytestmark = pytest.mark.integration

EXPECTED_EVENTS = SEED_EVENTS

RULES = """\
rules:
  - name: foreign_fighters
    description: Foreign extremists reported in a conflict.
    keywords: [extremists]
    entities: [Syria, Libya]
    severity: warning
"""


def _identity(payload: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    event = payload["data"]["event"]
    countries = tuple(sorted(p["country"] or "" for p in event["participants"]))
    return event["type"], event["date"], countries


def _alerts(httpserver: HTTPServer) -> list[dict[str, Any]]:
    return alert_payloads([request for request, _ in httpserver.log])


def _merged(pipe: Pipeline, reason: str | None = None) -> float:
    metrics = pipe.worker_metrics()
    if reason is None:
        return metric_sum(metrics, "newswatch_events_merged_total")
    return sum(v for k, v in metrics.items() if k == f'newswatch_events_merged_total{{reason="{reason}"}}')


def _replay(config: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> int:
    """Run ``newswatch replay`` over the seed months; returns how many reports it sent."""
    code = newswatch_main(
        ["--config", str(config), "replay", "--from", "2020-09-01", "--to", "2020-12-31", *extra]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    match = re.search(r"replay: sent (\d+) report\(s\)", err)
    assert match, err
    assert "errors 0" in err, err
    return int(match.group(1))


def _settle(pipe: Pipeline, httpserver: HTTPServer, merged_at_least: float) -> list[dict[str, Any]]:
    """Wait until the merge agent folded ``merged_at_least`` reports, then a little for alerts to land."""

    def merged() -> bool:
        pipe.assert_running()
        return _merged(pipe) >= merged_at_least

    wait_for(merged, timeout=120, what=f"{merged_at_least:.0f} merged reports")
    time.sleep(4)
    return _alerts(httpserver)


def test_backfill_then_replay_alerts_only_what_is_new(
    tmp_path: Path,
    kafka_bootstrap: str,
    topic_prefix: str,
    httpserver: HTTPServer,
    seeds_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    pipe = Pipeline(
        tmp_path / "pipe",
        kafka_bootstrap,
        topic_prefix,
        overrides={"alerts": {"webhook_url": httpserver.url_for("/hook"), "group_wait_seconds": 0}},
    )
    pipe.start("worker")
    try:
        # 1. Backfill the seed archive (sidecars carry the seed dates) -> the seven events alert.
        archive = tmp_path / "archive"
        stage_seeds(seeds_dir, archive)
        assert newswatch_main(["--config", str(pipe.config_path), "backfill", str(archive)]) == 0
        err = capsys.readouterr().err
        assert "backfill: read 5 article(s) from 5 file(s); sent 5;" in err, err
        assert "errors 0" in err and "backfill  5/5 records 100.0%" in err, err

        def every_event_alerted() -> bool:
            pipe.assert_running()
            return {_identity(p) for p in _alerts(httpserver)} >= EXPECTED_EVENTS

        wait_for(every_event_alerted, timeout=180, what="alerts for the seven seed events")
        wait_for(
            lambda: metric_sum(pipe.worker_metrics(), "newswatch_articles_received_total") >= 5,
            60,
            "5 articles",
        )
        time.sleep(4)
        first = _alerts(httpserver)
        assert sorted(_identity(p) for p in first) == sorted(EXPECTED_EVENTS)
        merged_before = _merged(pipe)
        duplicates_before = _merged(pipe, "duplicate")

        # 2. Replay with the same rules: every report is already counted -> 'duplicate', no alert.
        sent = _replay(pipe.config_path, capsys)
        assert sent >= len(EXPECTED_EVENTS)
        after_replay = _settle(pipe, httpserver, merged_before + sent)
        assert _merged(pipe, "duplicate") - duplicates_before == sent
        assert len(after_replay) == len(first), [_identity(p) for p in after_replay[len(first) :]]

        # 3. A new user rule, known only to the replay (the worker's merge agent needs no rules).
        rules = tmp_path / "rules.yaml"
        rules.write_text(RULES, encoding="utf-8")
        config = yaml.safe_load(pipe.config_path.read_text(encoding="utf-8"))
        config.setdefault("detect", {})["rules_path"] = str(rules)
        with_rule = tmp_path / "with-rule.yaml"
        with_rule.write_text(yaml.safe_dump(config), encoding="utf-8")

        merged_before = _merged(pipe)
        sent_with_rule = _replay(with_rule, capsys)
        assert sent_with_rule > sent  # the rule's reports (000 and its duplicate 001) on top
        after_rule = _settle(pipe, httpserver, merged_before + sent_with_rule)
        new = after_rule[len(after_replay) :]
        assert [(p["data"]["event"]["type"], p["data"]["reason"]) for p in new] == [
            ("rule:foreign_fighters", "first")
        ], new
        assert new[0]["data"]["event"]["date"] == "2020-11-07"

        # 4. The same replay again: the rule's event is known now -> nothing new.
        merged_before = _merged(pipe)
        assert _replay(with_rule, capsys) == sent_with_rule
        assert len(_settle(pipe, httpserver, merged_before + sent_with_rule)) == len(after_rule)

        # A dry run sends nothing and says what it would send.
        merged_before = _merged(pipe)
        code = newswatch_main(
            [
                "--config",
                str(with_rule),
                "replay",
                "--from",
                "2020-11-07",
                "--to",
                "2020-11-07",
                "--dry-run",
                "--quiet",
            ]
        )
        captured = capsys.readouterr()
        assert code == 0 and "rule:foreign_fighters" in captured.out
        assert "replay: would send" in captured.err
        time.sleep(3)
        assert _merged(pipe) == merged_before
    finally:
        pipe.stop_all()
