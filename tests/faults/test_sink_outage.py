"""A webhook sink that is down (503) for a long time: once it returns, every alert is delivered, once.

The production scenario is a 10-minute outage; the CI test shortens it to 20 s with a matching retry
budget (``alerts.retry``), the soak test runs the real 10 minutes.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from streams.records import Alert, Event, Evidence, Participant
from streams.topics import ALERTS, ALERTS_DLQ
from tests.faults.helpers import Receiver, report, webhook_overrides
from tests.integration.kafka_io import produce_records, read_all
from tests.pipeline_harness import Pipeline, wait_for

pytestmark = pytest.mark.integration


def _alerts(count: int) -> list[Alert]:
    alerts = []
    for n in range(count):
        leader = Participant(f"Leader {n}", "FRA", "president", f"outage-leader-{n}", True)
        other = Participant("Vladimir Putin", "RUS", "president", "putin-vladimir", True)
        event = Event(
            type="leader_call",
            date=f"2020-{1 + n // 28:02d}-{1 + n % 28:02d}",
            participants=(leader, other),
            evidence=(Evidence(f"o{n}", f"https://example.org/o{n}", "They spoke by phone.", "example.org"),),
            sources=("example.org",),
            cameo="041",
        )
        alerts.append(Alert(event=event, reason="first"))
    return alerts


def _run_outage(
    tmp_path: Path,
    bootstrap: str,
    prefix: str,
    httpserver: HTTPServer,
    *,
    count: int,
    outage: float,
    retry: dict,
) -> None:
    receiver = Receiver(down=True)
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    pipe = Pipeline(
        tmp_path,
        bootstrap,
        prefix,
        overrides=webhook_overrides(
            httpserver.url_for("/hook"), retry=retry, circuit={"failure_threshold": 5, "reset_seconds": 2.0}
        ),
    )
    alerts = _alerts(count)
    started = time.monotonic()
    try:
        pipe.start("worker")
        produce_records(bootstrap, f"{prefix}{ALERTS}", [(a.id.encode(), a.to_json()) for a in alerts])
        wait_for(lambda: pipe.assert_running() or receiver.refused >= 1, 120, "the first refused delivery")
        down_since = time.monotonic()
        while time.monotonic() - down_since < outage:
            pipe.assert_running()
            time.sleep(1)
        assert not receiver.alert_ids(), "nothing can be delivered while the sink is down"
        with receiver.lock:
            receiver.down = False
        up_at = time.monotonic()
        wanted = {a.id for a in alerts}
        wait_for(
            lambda: pipe.assert_running() or receiver.alert_ids() >= wanted,
            max(120.0, outage),
            "every alert after the sink came back",
        )
        recovered_in = time.monotonic() - up_at
        time.sleep(3)  # late repeats would show up now
    finally:
        pipe.stop_all()
    dead = read_all(bootstrap, f"{prefix}{ALERTS_DLQ}", timeout=15)
    repeated = receiver.repeated_webhook_ids()
    report(
        f"sink-outage-{int(outage)}s",
        alerts_expected=count,
        alerts_delivered=len(receiver.alert_ids() & {a.id for a in alerts}),
        requests_ok=receiver.requests(),
        requests_refused=receiver.refused,
        repeated_webhook_ids=len(repeated),
        dead_lettered=len(dead),
        outage_seconds=outage,
        recovered_in_seconds=round(recovered_in, 1),
        seconds=round(time.monotonic() - started, 1),
    )
    assert receiver.alert_ids() == {a.id for a in alerts}
    assert not dead, "an alert went to the dead-letter topic although the sink came back within the budget"
    assert not repeated, f"alerts delivered twice: {repeated}"


def test_sink_down_then_back_delivers_every_alert(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer
) -> None:
    retry = {
        "max_attempts": 1000,
        "max_elapsed_seconds": 120,
        "initial_backoff_seconds": 0.2,
        "max_backoff_seconds": 2.0,
        "jitter": 0.2,
    }
    _run_outage(tmp_path, kafka_bootstrap, topic_prefix, httpserver, count=20, outage=20, retry=retry)


@pytest.mark.soak
@pytest.mark.timeout(1500)
def test_sink_down_ten_minutes_then_back_delivers_every_alert(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer
) -> None:
    # The shipped back-off (1 s doubling to 60 s) with enough attempts for 10 minutes, within 15 minutes.
    retry = {"max_attempts": 40, "max_elapsed_seconds": 900}
    _run_outage(tmp_path, kafka_bootstrap, topic_prefix, httpserver, count=30, outage=600, retry=retry)


def test_outage_longer_than_the_retry_budget_dead_letters_then_replays_everything(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer
) -> None:
    """Beyond the retry budget nothing is dropped: alerts wait in alerts.dlq and `newswatch dlq replay`
    delivers them once the sink is back (the shipped budget, 8 attempts, is spent after ~2 minutes)."""
    import subprocess
    import sys

    from tests.pipeline_harness import REPO

    count = 10
    receiver = Receiver(down=True)
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    retry = {"max_attempts": 3, "max_elapsed_seconds": 5, "initial_backoff_seconds": 0.2, "jitter": 0}
    pipe = Pipeline(
        tmp_path,
        kafka_bootstrap,
        topic_prefix,
        overrides=webhook_overrides(httpserver.url_for("/hook"), retry=retry),
    )
    alerts = _alerts(count)
    started = time.monotonic()
    try:
        pipe.start("worker")
        produce_records(
            kafka_bootstrap, f"{topic_prefix}{ALERTS}", [(a.id.encode(), a.to_json()) for a in alerts]
        )
        wait_for(
            lambda: (
                pipe.assert_running()
                or len(read_all(kafka_bootstrap, f"{topic_prefix}{ALERTS_DLQ}", timeout=5)) >= count
            ),
            120,
            "every alert dead-lettered while the sink is down",
            interval=2,
        )
    finally:
        pipe.stop_all()
    dead = read_all(kafka_bootstrap, f"{topic_prefix}{ALERTS_DLQ}", timeout=15)
    with receiver.lock:
        receiver.down = False
    replay = subprocess.run(
        [sys.executable, "-m", "streams.cli", "--config", str(pipe.config_path), "dlq", "replay"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report(
        "sink-outage-beyond-budget",
        alerts_expected=count,
        dead_lettered=len(dead),
        delivered_by_replay=len(receiver.alert_ids()),
        requests_refused=receiver.refused,
        repeated_webhook_ids=len(receiver.repeated_webhook_ids()),
        replay_exit=replay.returncode,
        seconds=round(time.monotonic() - started, 1),
    )
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert receiver.alert_ids() == {a.id for a in alerts}
    assert not receiver.repeated_webhook_ids()
