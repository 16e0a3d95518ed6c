"""Shared pieces of the fault tests: a counting webhook receiver, article makers, running a pipeline,
own brokers and clusters, counting."""

from __future__ import annotations

import base64
import collections
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from pytest_httpserver import HTTPServer
from standardwebhooks.webhooks import Webhook
from werkzeug import Request, Response

from streams.records import Article
from tests.pipeline_harness import Pipeline, wait_for

REPO = Path(__file__).resolve().parents[2]
KAFKA_SCRIPT = REPO / "deploy" / "kafka" / "kafka.sh"
SECRET = "whsec_" + base64.b64encode(b"fault-test-secret-0123456789abcd").decode()
BROKER_HEAP_OPTS = "-Xms128m -Xmx512m"  # small heaps: own brokers share the machine with the pipeline

# Alternating pairs, one call per day: every article makes exactly one distinct leader_call alert.
_PAIRS = [
    ("Russian President Vladimir Putin", "French President Emmanuel Macron"),
    ("Russian President Vladimir Putin", "Turkish President Recep Tayyip Erdogan"),
]


def call_article(n: int, site: str = "faults.example") -> Article:
    """Article n: a leader call on its own day (2020-01-01 + n), so alert n is about event n."""
    published = datetime(2020, 1, 1, 12, tzinfo=UTC) + timedelta(days=n)
    first, second = _PAIRS[n % 2]
    text = (
        f"{first} held a telephone conversation with {second} on {published:%A}, the Kremlin said. "
        f"They discussed the situation in the region (report number {n})."
    )
    return Article(
        id=f"fault-{n:05d}",
        url=f"https://{site}/story/{n:05d}",
        title=f"Phone call, report {n}",
        text=text,
        published=published,
        source_site=site,
    )


def expected_event(n: int) -> tuple[str, str]:
    """(type, date) of the alert article n produces."""
    return "leader_call", (datetime(2020, 1, 1) + timedelta(days=n)).strftime("%Y-%m-%d")


def expected_events(count: int) -> set[tuple[str, str]]:
    """The alerts articles 0 .. count-1 produce."""
    return {expected_event(n) for n in range(count)}


def write_spool_file(spool: Path, article: Article) -> Path:
    """One single-article spool file with a sidecar carrying the article's id, URL and time."""
    spool.mkdir(parents=True, exist_ok=True)
    body = spool / f"{article.id}.txt"
    sidecar = spool / f"{article.id}.txt.meta.json"
    meta = {
        "id": article.id,
        "url": article.url,
        "published": article.published.isoformat(),
        "title": article.title,
        "source": article.source_site,
    }
    tmp = spool / f".{article.id}.tmp"
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, sidecar)
    tmp.write_text(article.text, encoding="utf-8")
    os.replace(tmp, body)
    return body


def spool_articles(spool: Path, articles: Iterable[Article], pause: float = 0.0) -> None:
    """Write each article as its own spool file, ``pause`` seconds apart (a steady stream when > 0)."""
    for article in articles:
        write_spool_file(spool, article)
        if pause:
            time.sleep(pause)


@contextlib.contextmanager
def running(pipe: Pipeline, *names: str) -> Iterator[Pipeline]:
    """Start the pipeline's processes (default: worker, then connectors); stop every one on the way out."""
    try:
        for name in names or ("worker", "connectors"):
            pipe.start(name)
        yield pipe
    finally:
        pipe.stop_all()


def wait_running(
    pipe: Pipeline, predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.5
) -> None:
    """``wait_for`` that also checks the pipeline's processes: one that exited is named, with its log."""

    def check() -> Any:
        pipe.assert_running()
        return predicate()

    wait_for(check, timeout, what, interval=interval)


def _event(payload: dict) -> tuple[str, str]:
    event = payload["data"]["event"]
    return event["type"], event["date"]


@dataclass
class Receiver:
    """A signed-webhook endpoint that verifies, counts, and can be switched down (503) and up."""

    delay: float = 0.0
    down: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    delivered: list[tuple[str, dict]] = field(default_factory=list)  # (webhook-id, payload) answered 2xx
    received_at: list[float] = field(default_factory=list)  # epoch seconds of each of ``delivered``
    refused: int = 0

    def __post_init__(self) -> None:
        self.verifier = Webhook(SECRET)

    def __call__(self, request: Request) -> Response:
        body = request.get_data()
        payload = self.verifier.verify(body, dict(request.headers))  # raises on a bad signature
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            if self.down:
                self.refused += 1
                return Response("down for maintenance", status=503)
            self.delivered.append((request.headers["webhook-id"], payload))
            self.received_at.append(time.time())
        return Response("ok", status=200)

    def events(self) -> set[tuple[str, str]]:
        with self.lock:
            return {_event(p) for _, p in self.delivered}

    def requests_per_event(self) -> collections.Counter[tuple[str, str]]:
        with self.lock:
            return collections.Counter(_event(p) for _, p in self.delivered)

    def webhook_ids_per_event(self) -> dict[tuple[str, str], set[str]]:
        ids: dict[tuple[str, str], set[str]] = {}
        with self.lock:
            for wid, p in self.delivered:
                ids.setdefault(_event(p), set()).add(wid)
        return ids

    def alert_ids(self) -> set[str]:
        with self.lock:
            return {p["data"]["alert_id"] for _, p in self.delivered}

    def repeated_webhook_ids(self) -> dict[str, int]:
        with self.lock:
            counts = collections.Counter(wid for wid, _ in self.delivered)
        return {wid: c for wid, c in counts.items() if c > 1}

    def requests(self) -> int:
        with self.lock:
            return len(self.delivered)

    def first_received(self) -> dict[str, float]:
        """Epoch seconds at which each webhook-id was first answered."""
        first: dict[str, float] = {}
        with self.lock:
            for (wid, _), at in zip(self.delivered, self.received_at, strict=True):
                first.setdefault(wid, at)
        return first

    def counts(self, expected: set[tuple[str, str]]) -> dict[str, int]:
        """The alert counts the fault tests report."""
        return {
            "alerts_expected": len(expected),
            "alerts_delivered": len(self.events() & expected),
            "webhook_requests": self.requests(),
            "repeated_webhook_ids": len(self.repeated_webhook_ids()),
        }


def webhook_overrides(url: str, **alerts: object) -> dict[str, object]:
    values: dict[str, object] = {
        "console": False,
        "webhook_url": url,
        "webhook_secrets": [SECRET],
        "group_wait_seconds": 0,
    }
    values.update(alerts)
    return {"alerts": values}


def serve_receiver(httpserver: HTTPServer, receiver: Receiver, **alerts: object) -> dict[str, object]:
    """Answer the webhooks at /hook with ``receiver``; the settings overrides that deliver alerts there."""
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    return webhook_overrides(httpserver.url_for("/hook"), **alerts)


def delivery_records(bootstrap: str, topic: str) -> dict[str, list[float]]:
    """The delivery log as written: alert id -> the timestamps (epoch seconds, the writer's clock when it
    sent the record) of its records on ``alerts.deliveries``, in offset order."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    records: dict[str, list[float]] = collections.defaultdict(list)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=1000).values():
                for record in batch:
                    records[(record.key or b"").decode()].append(record.timestamp / 1000)
    finally:
        consumer.close()
    return dict(records)


def delivery_window(
    first_received: dict[str, float], records: dict[str, list[float]], repeated: Iterable[str] = ()
) -> dict[str, float]:
    """How long deliveries stay answered but unrecorded: from the receiver's answer to the sender's send of
    the delivery record (``delivery_records``), per webhook-id (``msg_<alert id>``) delivered and recorded
    once (a ``repeated`` id's only record is its second sender's).

    ``window_share`` is the part of the delivery period during which at least one delivery was in that
    state: the chance that a SIGKILL at a random moment of it finds one to repeat (on some worker).
    """
    spans: list[tuple[float, float]] = []
    skip = set(repeated)
    for webhook_id, answered in first_received.items():
        written = records.get(webhook_id.removeprefix("msg_"), [])
        if len(written) == 1 and webhook_id not in skip:
            spans.append((answered, max(answered, written[0])))
    if not spans:
        return {
            "window_mean_ms": 0.0,
            "window_p50_ms": 0.0,
            "window_p99_ms": 0.0,
            "window_max_ms": 0.0,
            "window_share": 0.0,
        }
    lengths = sorted(end - start for start, end in spans)
    covered, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reach:
            covered += end - max(start, reach)
            reach = end
    period = max(end for _, end in spans) - min(start for start, _ in spans)

    def ms(q: float) -> float:
        return round(1000 * lengths[min(len(lengths) - 1, int(q * len(lengths)))], 1)

    return {
        "window_mean_ms": round(1000 * sum(lengths) / len(lengths), 1),
        "window_p50_ms": ms(0.5),
        "window_p99_ms": ms(0.99),
        "window_max_ms": round(1000 * lengths[-1], 1),
        "window_share": round(covered / period, 4) if period > 0 else 0.0,
    }


def article_counts(values: list[bytes], by: str = "id") -> tuple[collections.Counter[str], int]:
    """Occurrences of each article id (or ``by`` another field) among Article JSON records; undecodable."""
    counts: collections.Counter[str] = collections.Counter()
    bad = 0
    for value in values:
        try:
            counts[getattr(Article.from_json(value), by)] += 1
        except Exception:
            bad += 1
    return counts, bad


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def kafka_sh(env: dict[str, str], *args: str, timeout: float = 300, check: bool = True) -> None:
    subprocess.run([str(KAFKA_SCRIPT), *args], env=env, check=check, timeout=timeout)


def sigkill(pid_file: Path, what: str) -> None:
    """SIGKILL the process a pid file names and wait until it is gone (a crash: no clean shutdown)."""
    pid = int(pid_file.read_text().strip())
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} (pid {pid}) survived SIGKILL")


OWN_BROKER_PORTS = range(20_000, 32_000)  # below Linux's ephemeral range (32768-60999 by default)


def ephemeral_ports() -> range:
    """The ports the kernel hands out as the source port of outgoing connections."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    except (OSError, ValueError):
        return range(32_768, 61_000)
    return range(int(low), int(high) + 1)


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair() -> int:
    """A port p with p and p+1 both free (client and controller port of an own broker).

    Taken outside the ephemeral range: a broker stopped and started again on its port (the broker-restart
    test) lost it when, while it was down, some connection was given that port as its source port.
    """
    rng = random.Random()
    ephemeral = ephemeral_ports()
    for _ in range(200):
        port = rng.randrange(OWN_BROKER_PORTS.start, OWN_BROKER_PORTS.stop - 1)
        if port in ephemeral or port + 1 in ephemeral:
            continue
        if _bindable(port) and _bindable(port + 1) and not port_open(port) and not port_open(port + 1):
            return port
    raise RuntimeError("no free pair of ports below the ephemeral range")


@dataclass
class OwnBroker:
    """A single-node broker of our own (own ports and data folder), never the shared test broker."""

    data: Path
    port: int = field(default_factory=free_port_pair)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            NEWSWATCH_KAFKA_PORT=str(self.port),
            NEWSWATCH_KAFKA_CONTROLLER_PORT=str(self.port + 1),
            NEWSWATCH_KAFKA_DATA=str(self.data),
            NEWSWATCH_KAFKA_HEAP_OPTS=BROKER_HEAP_OPTS,
        )
        return env

    def run(self, command: str, timeout: float = 300) -> None:
        kafka_sh(self.env(), command, timeout=timeout)

    def start(self) -> None:
        self.run("start")

    def stop(self) -> None:
        self.run("stop", timeout=120)

    def kill(self) -> None:
        """SIGKILL the broker (a crash: no controlled shutdown, log recovery at the next start)."""
        sigkill(self.data / "kafka.pid", "broker")


@contextlib.contextmanager
def own_broker(data: Path) -> Iterator[OwnBroker]:
    broker = OwnBroker(data)
    broker.start()
    try:
        yield broker
    finally:
        with contextlib.suppress(Exception):
            broker.stop()


@dataclass
class OwnCluster:
    """A KRaft cluster of ``nodes`` brokers (kafka.sh cluster-*: node K on 127.0.0.1:K9092)."""

    data: Path
    nodes: int = 3

    @property
    def ports(self) -> list[int]:
        return [int(f"{k}9092") for k in range(1, self.nodes + 1)]

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{p}" for p in self.ports)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(NEWSWATCH_KAFKA_CLUSTER_DATA=str(self.data), NEWSWATCH_KAFKA_HEAP_OPTS=BROKER_HEAP_OPTS)
        return env

    def run(self, *args: str, timeout: float = 300, check: bool = True) -> None:
        kafka_sh(self.env(), *args, timeout=timeout, check=check)

    def kill_node(self, k: int) -> None:
        sigkill(self.data / f"node{k}" / "kafka.pid", f"broker {k}")

    def isr_sizes(self, prefix: str) -> dict[tuple[str, int], int]:
        """In-sync replica count of every partition of the topics named ``prefix``*."""
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=10000)
        try:
            names = [t for t in admin.list_topics() if t.startswith(prefix)]
            return {
                (t.get("topic", t.get("name", "?")), p["partition_index"]): len(p["isr_nodes"])
                for t in admin.describe_topics(names)
                for p in t["partitions"]
            }
        finally:
            admin.close()


@contextlib.contextmanager
def own_cluster(data: Path, nodes: int = 3) -> Iterator[OwnCluster]:
    """Start the cluster (failing at once if one of its ports is taken); stop it, also on failure."""
    cluster = OwnCluster(data, nodes)
    busy = [p for p in cluster.ports + [p + 1 for p in cluster.ports] if port_open(p)]
    if busy:
        pytest.fail(f"ports {busy} are in use (another cluster?); the cluster test needs them free")
    try:
        cluster.run("cluster-start", str(nodes), timeout=600)
        yield cluster
    finally:
        cluster.run("cluster-stop", check=False)


def report(name: str, **counts: object) -> str:
    """One greppable line of counts (printed by every fault test; `pytest -s` or `-rA` shows it)."""
    line = f"FAULT-COUNTS {name}: " + " ".join(f"{k}={v}" for k, v in counts.items())
    print(line, flush=True)
    return line
