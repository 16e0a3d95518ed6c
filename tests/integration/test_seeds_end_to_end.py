"""The walking skeleton through the real broker: seeds -> spool -> Kafka -> worker -> webhook alerts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.pipeline_harness import Pipeline, alert_payloads, metric_sum, stage_seeds, wait_for
from tests.seed_events import SEED_EVENTS, SEED_EVENTS_NOT_ALERTED

pytestmark = pytest.mark.integration

EXPECTED_EVENTS = SEED_EVENTS


def _identity(payload: dict) -> tuple[str, str, tuple[str, ...]]:
    event = payload["data"]["event"]
    countries = tuple(sorted(p["country"] for p in event["participants"]))
    return event["type"], event["date"], countries


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The event store behind the worker: the embedded default and the deployment database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'events.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def pipeline(tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer, store_url: str):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    pipe = Pipeline(
        tmp_path,
        kafka_bootstrap,
        topic_prefix,
        overrides={
            "alerts": {"webhook_url": httpserver.url_for("/hook"), "group_wait_seconds": 0},
            "store": {"url": store_url},
        },
    )
    pipe.start("worker")
    pipe.start("connectors")
    yield pipe
    pipe.stop_all()


def _alerts(httpserver: HTTPServer) -> list[dict]:
    return alert_payloads([request for request, _ in httpserver.log])


def test_seeds_alert_once_per_event_and_never_again(
    pipeline: Pipeline, seeds_dir: Path, httpserver: HTTPServer
) -> None:
    stage_seeds(seeds_dir, pipeline.spool)

    def every_event_alerted() -> bool:
        pipeline.assert_running()
        return {_identity(p) for p in _alerts(httpserver)} >= EXPECTED_EVENTS

    wait_for(every_event_alerted, timeout=120, what="alerts for the seven seed events")
    # Let late duplicates surface before counting.
    wait_for(
        lambda: metric_sum(pipeline.worker_metrics(), "newswatch_articles_received_total") >= 5,
        30,
        "5 articles",
    )
    time.sleep(3)
    first_round = _alerts(httpserver)
    identities = [_identity(p) for p in first_round]
    assert sorted(identities) == sorted(EXPECTED_EVENTS), identities

    putin_macron = [p for p in first_round if _identity(p) == ("leader_call", "2020-11-07", ("FRA", "RUS"))]
    event = putin_macron[0]["data"]["event"]
    names = {p["name"] for p in event["participants"]}
    assert any("Putin" in n for n in names) and any("Macron" in n for n in names)
    assert event["cameo"] == "041"

    # The same files again: read, deduplicated, merged as already known -> no new alert.
    stage_seeds(seeds_dir, pipeline.spool)
    wait_for(
        lambda: metric_sum(pipeline.worker_metrics(), "newswatch_articles_received_total") >= 10,
        60,
        "the second round of seeds to reach the worker",
    )
    wait_for(
        lambda: (
            metric_sum(pipeline.worker_metrics(), "newswatch_events_merged_total") >= 2 * len(first_round)
        ),
        60,
        "the second round to be merged",
    )
    time.sleep(3)
    assert len(_alerts(httpserver)) == len(first_round)

    # The event store behind the API holds exactly the seven alerted events and seed 004's two mobilization
    # events (stored, not alerted by default), once each, after both rounds.
    stored = pipeline.api("/api/events?limit=100")
    stored_identities = sorted(
        (e["type"], e["date"], tuple(sorted(p["country"] for p in e["participants"])))
        for e in stored["items"]
        if e["type"] != "official_contact"  # the lower tier (ministers) is stored but never alerted
    )
    assert stored_identities == sorted(EXPECTED_EVENTS | SEED_EVENTS_NOT_ALERTED)

    metrics = pipeline.worker_metrics()
    assert metric_sum(metrics, "newswatch_articles_received_total") >= 10
    # 001 duplicates 000 in both rounds; the re-sent files keep their ids, so dedupe passes them on as
    # replays of remembered articles and the merge stage finds their reports already counted.
    assert metric_sum(metrics, "newswatch_articles_duplicate_total") >= 2
    assert metric_sum(metrics, "newswatch_events_detected_total") >= 7
    assert metric_sum(metrics, "newswatch_alert_deliveries_total") >= 7
