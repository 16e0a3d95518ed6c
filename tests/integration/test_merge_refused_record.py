"""The worker's merge stage moves on past an alert the broker refuses for good (issue 14).

The real worker and the real broker: `alerts` is created with a max.message.bytes an ordinary alert
fits and one with a 20,000-character evidence sentence does not. Before the fix the merge stage sent
the refused alert again for ever and nothing after it was merged.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from streams.records import Alert, Event, Evidence, Participant
from streams.topics import ALERTS, EVENTS, EVENTS_DLQ, EVENTS_MERGED
from tests.integration.kafka_io import produce_records, read_all
from tests.pipeline_harness import Pipeline, metric_sum, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ALERTS_MAX_MESSAGE_BYTES = 8000


def _report(n: int, sentence: str) -> Event:
    leader = Participant(f"Leader {n}", "FRA", "president", f"refused-leader-{n}", True)
    other = Participant("Vladimir Putin", "RUS", "president", "putin-vladimir", True)
    return Event(
        type="leader_call",
        date=f"2022-04-{1 + n % 28:02d}",
        participants=(leader, other),
        evidence=(Evidence(f"r{n}", f"https://example.org/r{n}", sentence, "example.org"),),
        sources=("example.org",),
        cameo="041",
    )


def test_alert_too_large_for_its_topic_is_dead_lettered_and_the_stage_moves_on(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str
) -> None:
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id=f"test-{uuid.uuid4().hex[:6]}")
    try:
        admin.create_topics(
            [
                NewTopic(
                    f"{topic_prefix}{ALERTS}",
                    2,
                    1,
                    topic_configs={"max.message.bytes": str(ALERTS_MAX_MESSAGE_BYTES)},
                )
            ]
        )
    finally:
        admin.close()
    pipe = Pipeline(tmp_path, kafka_bootstrap, topic_prefix)  # creates the other topics as usual
    huge = _report(0, "They spoke by phone. " + "x" * 20_000)
    ordinary = [_report(n, "They spoke by phone.") for n in range(1, 7)]
    reports = [huge, *ordinary]
    assert len(Alert(event=huge, reason="first").to_json()) > ALERTS_MAX_MESSAGE_BYTES
    events_topic = f"{topic_prefix}{EVENTS}"
    pipe.start("worker")
    try:
        # The huge report first, alone; the ordinary ones only once it is merged, so they must pass a
        # merge stage that has met the refusal (the code before the fix was still resending it).
        produce_records(kafka_bootstrap, events_topic, [(huge.id.encode(), huge.to_json())])
        wait_for(
            lambda: metric_sum(pipe.worker_metrics(), "newswatch_events_merged_total") >= 1,
            180,
            "the huge report merged",
        )
        undecodable = (b"some-event-id", b"not a report")  # goes to events.dlq as received
        produce_records(
            kafka_bootstrap, events_topic, [undecodable] + [(r.id.encode(), r.to_json()) for r in ordinary]
        )
        wait_for(
            lambda: metric_sum(pipe.worker_metrics(), "newswatch_events_merged_total") >= len(reports),
            120,
            "the ordinary reports merged after the refused alert",
        )
        alerts = [Alert.from_json(v) for v in read_all(kafka_bootstrap, f"{topic_prefix}{ALERTS}", expect=6)]
        metrics = pipe.worker_metrics()
    finally:
        pipe.stop_all()
    assert sorted(a.event.id for a in alerts) == sorted(r.id for r in ordinary)
    merged = read_all(kafka_bootstrap, f"{topic_prefix}{EVENTS_MERGED}", expect=len(reports))
    assert {Event.from_json(v).id for v in merged} == {r.id for r in reports}
    dead = read_all(kafka_bootstrap, f"{topic_prefix}{EVENTS_DLQ}", expect=2)
    assert undecodable[1] in dead
    letters = [json.loads(v) for v in dead if v != undecodable[1]]
    huge_alert_id = Alert(event=huge, reason="first").id
    assert [(x["key"], x["reason"], x["refused_by_broker"]) for x in letters] == [
        (huge_alert_id, "too_large", f"{topic_prefix}{ALERTS}")
    ]
    assert metrics['newswatch_merge_dead_letters_total{reason="too_large"}'] == 1
    assert metrics['newswatch_event_reports_dead_lettered_total{reason="undecodable"}'] == 1
