"""A 3-broker KRaft cluster (replication 3, min.insync.replicas 2): SIGKILL one broker under load.

Processing goes on with two brokers, nothing is lost, and the killed broker rejoins (back in every ISR).
The cluster runs on 127.0.0.1:19092,29092,39092 with its data under the test's tmp dir
(NEWSWATCH_KAFKA_CLUSTER_DATA) and is stopped at the end even when the test fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaAdminClient
from pytest_httpserver import HTTPServer

from streams.topics import ARTICLES_RAW
from tests.faults.helpers import (
    KAFKA_SCRIPT,
    Receiver,
    article_counts,
    call_article,
    expected_event,
    port_open,
    report,
    webhook_overrides,
    write_spool_file,
)
from tests.integration.kafka_io import read_all
from tests.pipeline_harness import Pipeline, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.soak, pytest.mark.timeout(1200)]

NODES = 3
PORTS = [int(f"{k}9092") for k in range(1, NODES + 1)]
BOOTSTRAP = ",".join(f"127.0.0.1:{p}" for p in PORTS)
VICTIM = 1  # the first bootstrap address: clients must fail over to the others
PER_PHASE = 40  # articles before the kill, while the broker is down, after it rejoined


class Cluster:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.env = dict(
            os.environ, NEWSWATCH_KAFKA_CLUSTER_DATA=str(data), NEWSWATCH_KAFKA_HEAP_OPTS="-Xms128m -Xmx512m"
        )

    def run(self, *args: str, timeout: float = 300) -> None:
        subprocess.run([str(KAFKA_SCRIPT), *args], env=self.env, check=True, timeout=timeout)

    def kill_node(self, k: int) -> int:
        pid = int((self.data / f"node{k}" / "kafka.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return pid
            time.sleep(0.1)
        raise AssertionError(f"broker {k} (pid {pid}) survived SIGKILL")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    busy = [p for p in PORTS + [p + 1 for p in PORTS] if port_open(p)]
    if busy:
        pytest.fail(f"ports {busy} are in use (another cluster?); the cluster test needs 19092..39093 free")
    cluster = Cluster(tmp_path / "cluster")
    try:
        cluster.run("cluster-start", str(NODES), timeout=600)
        yield cluster
    finally:
        subprocess.run([str(KAFKA_SCRIPT), "cluster-stop"], env=cluster.env, check=False, timeout=300)


def _isr_sizes(prefix: str) -> dict[tuple[str, int], int]:
    admin = KafkaAdminClient(bootstrap_servers=BOOTSTRAP, request_timeout_ms=10000)
    try:
        names = [t for t in admin.list_topics() if t.startswith(prefix)]
        return {
            (t["topic"] if "topic" in t else t.get("name", "?"), p["partition_index"]): len(p["isr_nodes"])
            for t in admin.describe_topics(names)
            for p in t["partitions"]
        }
    finally:
        admin.close()


def test_killed_broker_in_a_three_node_cluster_loses_nothing_and_rejoins(
    tmp_path: Path, cluster: Cluster, topic_prefix: str, httpserver: HTTPServer
) -> None:
    receiver = Receiver()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    total = 3 * PER_PHASE
    articles = [call_article(n) for n in range(total)]
    expected = {expected_event(n) for n in range(total)}
    pipe = Pipeline(
        tmp_path / "run",
        BOOTSTRAP,
        topic_prefix,
        overrides={
            "kafka": {"replication_factor": 3, "min_insync_replicas": 2, "partitions": 3},
            **webhook_overrides(
                httpserver.url_for("/hook"), retry={"max_attempts": 1000, "max_elapsed_seconds": 600}
            ),
        },
    )
    started = time.monotonic()
    try:
        pipe.start("worker")
        pipe.start("connectors")
        for article in articles[:PER_PHASE]:
            write_spool_file(pipe.spool, article)
            time.sleep(0.05)
        wait_for(
            lambda: pipe.assert_running() or len(receiver.events()) >= 5,
            240,
            "alerts flowing before the kill",
        )
        cluster.kill_node(VICTIM)
        killed_at = time.monotonic()
        before_kill = len(receiver.events())
        for article in articles[PER_PHASE : 2 * PER_PHASE]:
            write_spool_file(pipe.spool, article)
            time.sleep(0.05)
        # Processing continues on two brokers: the second phase is alerted while the victim is down.
        wait_for(
            lambda: (
                pipe.assert_running()
                or receiver.events() >= {expected_event(n) for n in range(2 * PER_PHASE)}
            ),
            300,
            "the alerts of the articles sent while one broker was down",
            interval=1,
        )
        while_down_seconds = time.monotonic() - killed_at
        cluster.run("node-start", str(VICTIM))
        wait_for(
            lambda: min(_isr_sizes(topic_prefix).values(), default=0) == NODES,
            300,
            f"broker {VICTIM} back in the ISR of every partition",
            interval=2,
        )
        rejoined_in = time.monotonic() - killed_at - while_down_seconds
        for article in articles[2 * PER_PHASE :]:
            write_spool_file(pipe.spool, article)
        wait_for(
            lambda: pipe.assert_running() or receiver.events() >= expected, 300, "every alert", interval=1
        )
        time.sleep(3)
    finally:
        pipe.stop_all()
    values = read_all(BOOTSTRAP, f"{topic_prefix}{ARTICLES_RAW}", expect=total, timeout=60)
    counts, bad = article_counts(values)
    repeated = receiver.repeated_webhook_ids()
    isr = _isr_sizes(topic_prefix)
    report(
        "cluster-broker-kill",
        articles_expected=total,
        articles_on_kafka=sum(counts.values()),
        articles_distinct=len(counts),
        alerts_expected=len(expected),
        alerts_delivered=len(receiver.events() & expected),
        alerts_before_kill=before_kill,
        webhook_requests=receiver.requests(),
        repeated_webhook_ids=len(repeated),
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
