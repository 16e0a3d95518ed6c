"""One webhook down for 60 s: the other sink still gets every alert within 5 s; the dead one catches up.

Before each sink had its own settlement, the alert agent waited for every sink of an alert, so a dead
sink held the healthy one to ``agent_concurrency`` alerts per retry budget (issue 14, item 7).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from kafka import KafkaProducer
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from streams.records import Alert, Event, Evidence, Participant
from streams.topics import ALERTS, ALERTS_DLQ
from tests.faults.helpers import SECRET, Receiver, report, wait_running
from tests.integration.kafka_io import read_all
from tests.pipeline_harness import Pipeline

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

OUTAGE_SECONDS = 60.0
ALERT_EVERY_SECONDS = 2.0
LATENCY_LIMIT_SECONDS = 5.0


class TimedReceiver(Receiver):
    """The fault receiver, also noting when each alert id was first answered 2xx."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.first_at: dict[str, float] = {}

    def __call__(self, request: Request) -> Response:
        response = super().__call__(request)
        if response.status_code == 200:
            alert_id = request.headers["webhook-id"].removeprefix("msg_")
            with self.lock:
                self.first_at.setdefault(alert_id, time.monotonic())
        return response


def _alert(n: int) -> Alert:
    leader = Participant(f"Leader {n}", "DEU", "chancellor", f"isolation-leader-{n}", True)
    other = Participant("Vladimir Putin", "RUS", "president", "putin-vladimir", True)
    event = Event(
        type="leader_call",
        date=f"2022-03-{1 + n % 28:02d}",
        participants=(leader, other),
        evidence=(Evidence(f"i{n}", f"https://example.org/i{n}", "They spoke by phone.", "example.org"),),
        sources=("example.org",),
        cameo="041",
    )
    return Alert(event=event, reason="first")


def test_dead_webhook_does_not_delay_the_other_sink(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer
) -> None:
    down, up = TimedReceiver(down=True), TimedReceiver()
    httpserver.expect_request("/down", method="POST").respond_with_handler(down)
    httpserver.expect_request("/up", method="POST").respond_with_handler(up)
    sinks = [
        {"name": name, "type": "webhook", "url": httpserver.url_for(f"/{name}"), "secrets": [SECRET]}
        for name in ("down", "up")
    ]
    retry = {
        "max_attempts": 1000,
        "max_elapsed_seconds": 300,
        "initial_backoff_seconds": 0.2,
        "max_backoff_seconds": 2.0,
        "jitter": 0.2,
    }
    pipe = Pipeline(
        tmp_path,
        kafka_bootstrap,
        topic_prefix,
        overrides={
            "alerts": {
                "console": False,
                "sinks": sinks,
                "group_wait_seconds": 0,
                "retry": retry,
                "circuit": {"failure_threshold": 5, "reset_seconds": 2.0},
            }
        },
    )
    count = int(OUTAGE_SECONDS / ALERT_EVERY_SECONDS)
    alerts = [_alert(n) for n in range(count)]
    produced_at: dict[str, float] = {}
    started = time.monotonic()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True)
    try:
        pipe.start("worker")
        # A first alert shows the worker is up (the healthy sink got it) before the outage clock starts.
        warmup = _alert(1000)
        producer.send(f"{topic_prefix}{ALERTS}", key=warmup.id.encode(), value=warmup.to_json()).get(30)
        wait_running(pipe, lambda: warmup.id in up.first_at, 180, "the worker's first delivery")
        outage_started = time.monotonic()
        for alert in alerts:
            producer.send(f"{topic_prefix}{ALERTS}", key=alert.id.encode(), value=alert.to_json()).get(30)
            produced_at[alert.id] = time.monotonic()
            pipe.assert_running()
            time.sleep(ALERT_EVERY_SECONDS)
        deadline = outage_started + OUTAGE_SECONDS
        while time.monotonic() < deadline and not set(produced_at) <= set(up.first_at):
            pipe.assert_running()
            time.sleep(0.5)
        with down.lock:
            down_refused, down_delivered = down.refused, len(down.delivered)
            down.down = False
        up_at = time.monotonic()
        wanted = {a.id for a in alerts} | {warmup.id}
        wait_running(pipe, lambda: down.alert_ids() >= wanted, 120, "the dead sink catching up")
        caught_up_in = time.monotonic() - up_at
        time.sleep(2)
    finally:
        producer.close()
        pipe.stop_all()
    with up.lock:
        latencies = {aid: up.first_at[aid] - produced_at[aid] for aid in produced_at if aid in up.first_at}
    dead = read_all(kafka_bootstrap, f"{topic_prefix}{ALERTS_DLQ}", timeout=10)
    report(
        "sink-isolation",
        alerts=count,
        outage_seconds=OUTAGE_SECONDS,
        healthy_received=len(latencies),
        healthy_max_latency_seconds=round(max(latencies.values(), default=-1.0), 2),
        dead_sink_refused=down_refused,
        dead_sink_delivered_during_outage=down_delivered,
        dead_sink_caught_up_in_seconds=round(caught_up_in, 1),
        repeated_webhook_ids=len(up.repeated_webhook_ids()) + len(down.repeated_webhook_ids()),
        dead_lettered=len(dead),
        seconds=round(time.monotonic() - started, 1),
    )
    assert down_delivered == 0 and down_refused > 0, "the dead sink was not down"
    assert set(latencies) == set(produced_at), f"the healthy sink missed {set(produced_at) - set(latencies)}"
    slow = {aid: round(s, 2) for aid, s in latencies.items() if s > LATENCY_LIMIT_SECONDS}
    assert not slow, f"alerts later than {LATENCY_LIMIT_SECONDS}s at the healthy sink: {slow}"
    assert not dead, "the dead sink came back within its budget: nothing may be dead-lettered"
    assert not up.repeated_webhook_ids() and not down.repeated_webhook_ids()
