"""SIGKILL the worker while articles stream through every stage (dedupe, detect, merge, alert).

tests/integration/test_alert_crash.py kills the worker with alerts already on the alerts topic, and
test_dedupe_restart.py checks dedupe state; this adds the whole path: articles that were mid-way through
detect/merge at the kill must still give exactly one alert per event after the restart (the merge table
recovered from its changelog must not alert a known event again under another webhook-id).
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.faults.helpers import (
    Receiver,
    call_article,
    expected_events,
    report,
    running,
    serve_receiver,
    spool_articles,
    wait_running,
)
from tests.pipeline_harness import Pipeline

# Soak only: the two tests above already cover the worker kill within CI time.
pytestmark = [pytest.mark.integration, pytest.mark.soak, pytest.mark.timeout(600)]

TOTAL = 60
CONCURRENCY = 4


def test_worker_killed_mid_stream_alerts_every_event_once(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer
) -> None:
    receiver = Receiver(delay=0.1)
    overrides = serve_receiver(httpserver, receiver, agent_concurrency=CONCURRENCY)
    pipe = Pipeline(tmp_path, kafka_bootstrap, topic_prefix, overrides=overrides)
    expected = expected_events(TOTAL)
    started = time.monotonic()
    with running(pipe):
        spool_articles(pipe.spool, (call_article(n) for n in range(TOTAL)))
        wait_running(pipe, lambda: len(receiver.events()) >= 10, 180, "the first alerts")
        pipe.stop("worker", sig=signal.SIGKILL)
        at_kill = len(receiver.events())
        assert at_kill < TOTAL, "the kill came too late to test anything"
        pipe.start("worker")
        wait_running(pipe, lambda: receiver.events() >= expected, 240, "every event alerted")
        time.sleep(5)  # repeats after recovery would arrive now
    realerted = {e: ids for e, ids in receiver.webhook_ids_per_event().items() if len(ids) > 1}
    repeated = receiver.repeated_webhook_ids()
    report(
        "worker-kill-end-to-end",
        articles=TOTAL,
        **receiver.counts(expected),
        alerted_before_kill=at_kill,
        events_alerted_under_two_ids=len(realerted),
        max_requests_per_event=max(receiver.requests_per_event().values()),
        seconds=round(time.monotonic() - started, 1),
    )
    assert receiver.events() == expected
    assert not realerted, f"events alerted again under a new webhook-id after the restart: {realerted}"
    # Only deliveries in flight at the kill may repeat (same webhook-id, so receivers drop them).
    assert len(repeated) <= CONCURRENCY, repeated
