"""SIGKILL the worker while articles stream through every stage (dedupe, detect, merge, alert).

tests/integration/test_alert_crash.py kills the worker with alerts already on the alerts topic, and
test_dedupe_restart.py checks dedupe state; this adds the whole path: articles that were mid-way through
detect/merge at the kill must still give exactly one alert per event after the restart (the merge table
recovered from its changelog must not alert a known event again under another webhook-id).
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.faults.helpers import (
    Receiver,
    call_article,
    expected_event,
    report,
    webhook_overrides,
    write_spool_file,
)
from tests.pipeline_harness import Pipeline, wait_for

# Soak only: the two tests above already cover the worker kill within CI time.
pytestmark = [pytest.mark.integration, pytest.mark.soak, pytest.mark.timeout(600)]

TOTAL = 60
CONCURRENCY = 4


def test_worker_killed_mid_stream_alerts_every_event_once(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer
) -> None:
    receiver = Receiver(delay=0.1)
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    pipe = Pipeline(
        tmp_path,
        kafka_bootstrap,
        topic_prefix,
        overrides=webhook_overrides(httpserver.url_for("/hook"), agent_concurrency=CONCURRENCY),
    )
    expected = {expected_event(n) for n in range(TOTAL)}
    started = time.monotonic()
    try:
        pipe.start("worker")
        pipe.start("connectors")
        for n in range(TOTAL):
            write_spool_file(pipe.spool, call_article(n))
        wait_for(lambda: pipe.assert_running() or len(receiver.events()) >= 10, 180, "the first alerts")
        pipe.stop("worker", sig=signal.SIGKILL)
        at_kill = len(receiver.events())
        assert at_kill < TOTAL, "the kill came too late to test anything"
        pipe.start("worker")
        wait_for(lambda: pipe.assert_running() or receiver.events() >= expected, 240, "every event alerted")
        time.sleep(5)  # repeats after recovery would arrive now
    finally:
        pipe.stop_all()
    with receiver.lock:
        per_event = Counter(
            (p["data"]["event"]["type"], p["data"]["event"]["date"]) for _, p in receiver.delivered
        )
        ids_per_event: dict[tuple[str, str], set[str]] = {}
        for wid, p in receiver.delivered:
            ids_per_event.setdefault((p["data"]["event"]["type"], p["data"]["event"]["date"]), set()).add(wid)
    realerted = {e: ids for e, ids in ids_per_event.items() if len(ids) > 1}
    repeated = receiver.repeated_webhook_ids()
    report(
        "worker-kill-end-to-end",
        articles=TOTAL,
        alerts_expected=len(expected),
        alerts_delivered=len(receiver.events() & expected),
        alerted_before_kill=at_kill,
        webhook_requests=receiver.requests(),
        repeated_webhook_ids=len(repeated),
        events_alerted_under_two_ids=len(realerted),
        max_requests_per_event=max(per_event.values()),
        seconds=round(time.monotonic() - started, 1),
    )
    assert receiver.events() == expected
    assert not realerted, f"events alerted again under a new webhook-id after the restart: {realerted}"
    # Only deliveries in flight at the kill may repeat (same webhook-id, so receivers drop them).
    assert len(repeated) <= CONCURRENCY, repeated
