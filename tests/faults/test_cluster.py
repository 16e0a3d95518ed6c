"""A 3-broker KRaft cluster (replication 3, min.insync.replicas 2): SIGKILL one broker under load.

Processing goes on with two brokers, nothing is lost, and the killed broker rejoins (back in every ISR).
The cluster runs on 127.0.0.1:19092,29092,39092 with its data under the test's tmp dir
(NEWSWATCH_KAFKA_CLUSTER_DATA) and is stopped at the end even when the test fails.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from streams.topics import ARTICLES_RAW
from tests.faults.helpers import (
    OwnCluster,
    Receiver,
    article_counts,
    call_article,
    expected_events,
    own_cluster,
    report,
    running,
    serve_receiver,
    spool_articles,
    wait_running,
)
from tests.integration.kafka_io import read_all
from tests.pipeline_harness import Pipeline, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.soak, pytest.mark.timeout(1200)]

NODES = 3
VICTIM = 1  # the first bootstrap address: clients must fail over to the others
PER_PHASE = 40  # articles before the kill, while the broker is down, after it rejoined


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[OwnCluster]:
    with own_cluster(tmp_path / "cluster", NODES) as cluster:
        yield cluster


def test_killed_broker_in_a_three_node_cluster_loses_nothing_and_rejoins(
    tmp_path: Path, cluster: OwnCluster, topic_prefix: str, httpserver: HTTPServer
) -> None:
    receiver = Receiver()
    total = 3 * PER_PHASE
    articles = [call_article(n) for n in range(total)]
    expected = expected_events(total)
    pipe = Pipeline(
        tmp_path / "run",
        cluster.bootstrap,
        topic_prefix,
        overrides={
            "kafka": {"replication_factor": 3, "min_insync_replicas": 2, "partitions": 3},
            **serve_receiver(httpserver, receiver, retry={"max_attempts": 1000, "max_elapsed_seconds": 600}),
        },
    )
    started = time.monotonic()
    with running(pipe):
        spool_articles(pipe.spool, articles[:PER_PHASE], pause=0.05)
        wait_running(pipe, lambda: len(receiver.events()) >= 5, 240, "alerts flowing before the kill")
        cluster.kill_node(VICTIM)
        killed_at = time.monotonic()
        before_kill = len(receiver.events())
        spool_articles(pipe.spool, articles[PER_PHASE : 2 * PER_PHASE], pause=0.05)
        # Processing continues on two brokers: the second phase is alerted while the victim is down.
        wait_running(
            pipe,
            lambda: receiver.events() >= expected_events(2 * PER_PHASE),
            300,
            "the alerts of the articles sent while one broker was down",
            interval=1,
        )
        while_down_seconds = time.monotonic() - killed_at
        cluster.run("node-start", str(VICTIM))
        wait_for(
            lambda: min(cluster.isr_sizes(topic_prefix).values(), default=0) == NODES,
            300,
            f"broker {VICTIM} back in the ISR of every partition",
            interval=2,
        )
        rejoined_in = time.monotonic() - killed_at - while_down_seconds
        spool_articles(pipe.spool, articles[2 * PER_PHASE :])
        wait_running(pipe, lambda: receiver.events() >= expected, 300, "every alert", interval=1)
        time.sleep(3)
    values = read_all(cluster.bootstrap, f"{topic_prefix}{ARTICLES_RAW}", expect=total, timeout=60)
    counts, bad = article_counts(values)
    repeated = receiver.repeated_webhook_ids()
    isr = cluster.isr_sizes(topic_prefix)
    report(
        "cluster-broker-kill",
        articles_expected=total,
        articles_on_kafka=sum(counts.values()),
        articles_distinct=len(counts),
        **receiver.counts(expected),
        alerts_before_kill=before_kill,
        phase2_alerted_with_2_brokers_in_s=round(while_down_seconds, 1),
        rejoined_in_s=round(rejoined_in, 1),
        partitions=len(isr),
        partitions_with_full_isr=sum(1 for v in isr.values() if v == NODES),
        seconds=round(time.monotonic() - started, 1),
    )
    assert set(counts) == {a.id for a in articles} and not bad
    assert receiver.events() == expected
    assert not repeated, f"alerts delivered twice: {repeated}"
    assert min(isr.values()) == NODES
