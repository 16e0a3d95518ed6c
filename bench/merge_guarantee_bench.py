"""Merge-stage cost of the crash-safety designs, on the real broker and the real worker, in one run.

Issue 14: a worker killed between the event-table write and the alert send lost the alert for good.
The designs measured here, each by a real ``newswatch worker`` on its own topics and consumer group:

- ``before``: the merge agent of ``--baseline`` (the state written, then the sends handed to the
  producer, at-least-once; the lossy one);
- ``before+eos``: the same with Faust's ``processing_guarantee="exactly_once"`` (env
  ``PROCESSING_GUARANTEE``): table changelog, sends and offsets in Kafka transactions;
- ``outputs-first``: this tree (``streams/worker/merge_agent.py``): a report's alert and merged event
  are acknowledged by the broker before its state is written.

``--baseline-files`` names the files taken from ``--baseline`` (default the merge agent's file up to
issue 19, ``streams/worker/pipeline.py``; since then the rest of that file no longer fits the tree, so
compare against a rev's ``streams/worker/merge_agent.py`` instead).

Each drains the same backlog of event reports on ``events`` (``--events`` events reported by ten
sources each: one ``first`` and one ``confirmed`` alert per event, eight ``new_source`` merges), the
way one day of news reaches the merge stage, then gets a steady trickle of new events (``--rate`` per
second for ``--trickle-seconds``) to measure how long an alert takes to become readable on ``alerts``
(read_committed, as the alert agent reads it under exactly_once). Drain time runs from the first
committed offset on ``events`` to the last; offsets are read from the broker every 0.2 s.

Run (the test broker):
    .venv/bin/python bench/merge_guarantee_bench.py --quick
    .venv/bin/python bench/merge_guarantee_bench.py --events 2000
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from kafka.errors import KafkaError  # noqa: E402

from streams.admin import ensure_topics  # noqa: E402
from streams.records import Alert, Event, Evidence, Participant  # noqa: E402
from streams.settings import load_settings  # noqa: E402
from streams.topics import ALERTS, EVENTS  # noqa: E402

DEFAULT_BOOTSTRAP = "127.0.0.1:29192"
DEFAULT_BASELINE = "afd8cce"  # the last commit with the state-first merge agent
BASELINE_FILES = ("streams/worker/pipeline.py",)
SOURCES = 10
PUTIN = Participant("Vladimir Putin", "RUS", "president", "putin-vladimir", True)
MACRON = Participant("Emmanuel Macron", "FRA", "president", "macron-emmanuel", True)


def report(n: int, source: int, day0: datetime) -> Event:
    """Source ``source``'s report of event ``n`` (a leader call on day ``day0 + n``)."""
    day = day0 + timedelta(days=n)
    site = f"site{source}.example"
    published = day + timedelta(minutes=source)
    return Event(
        type="leader_call",
        date=day.strftime("%Y-%m-%d"),
        participants=(PUTIN, MACRON),
        evidence=(
            Evidence(f"a{n}-{source}", f"https://{site}/{n}", "They spoke by phone.", site, published),
        ),
        sources=(site,),
        first_reported=published,
        last_reported=published,
        cameo="041",
    )


def backlog(events: int) -> list[Event]:
    """Every source of a block of 50 events, block after block (first, confirmed, later sources mixed)."""
    day0 = datetime(2001, 1, 1, 12, tzinfo=UTC)
    out = []
    for start in range(0, events, 50):
        block = range(start, min(events, start + 50))
        out.extend(report(n, s, day0) for s in range(SOURCES) for n in block)
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Variant:
    name: str
    src: Path | None  # None: this tree
    env: dict[str, str]


@dataclass
class Result:
    name: str
    reports: int
    drain_seconds: float
    cpu_seconds: float  # the worker's CPU time over the drain
    alerts: int
    latencies: list[float]
    exit_note: str = ""

    @property
    def rate(self) -> float:
        return self.reports / self.drain_seconds if self.drain_seconds else 0.0


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.root = Path(tempfile.mkdtemp(prefix="merge-bench-"))

    def config(self, name: str, prefix: str) -> Path:
        data = {
            "kafka": {"bootstrap_servers": self.args.bootstrap, "topic_prefix": prefix, "partitions": 2},
            "worker": {
                "app_id": f"{prefix}newswatch",
                "data_dir": str(self.root / name / "worker"),
                "metrics_port": free_port(),
                "web_port": free_port(),
                "log_level": "warning",
            },
            "alerts": {"console": False, "state_dir": str(self.root / name / "alerts")},
            "store": {"url": f"sqlite:///{self.root / name / 'events.db'}", "serve_api_in_worker": False},
        }
        (self.root / name).mkdir(parents=True, exist_ok=True)
        path = self.root / name / "newswatch.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return path

    def baseline_src(self, rev: str) -> Path:
        """The working tree's packages with the merge agent's file taken from ``rev``."""
        src = self.root / "baseline-src"
        if not src.exists():
            for package in ("streams", "alerts", "connectors"):
                shutil.copytree(REPO / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
            for path in self.args.baseline_files:
                text = subprocess.run(
                    ["git", "show", f"{rev}:{path}"], cwd=REPO, check=True, capture_output=True
                ).stdout
                (src / path).write_bytes(text)
        return src

    def run(self, variant: Variant, reports: list[Event]) -> Result:
        prefix = f"mb{uuid.uuid4().hex[:8]}."
        config = self.config(variant.name, prefix)
        settings = load_settings(config, environ={})
        ensure_topics(settings)
        events_topic, alerts_topic = f"{prefix}{EVENTS}", f"{prefix}{ALERTS}"
        producer = KafkaProducer(bootstrap_servers=self.args.bootstrap, acks="all", linger_ms=20)
        for item in reports:
            producer.send(events_topic, key=item.id.encode(), value=item.to_json())
        producer.flush(60)
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        env.update(NEWSWATCH_CONFIG=str(config), PYTHONUNBUFFERED="1", **variant.env)
        if variant.src is not None:
            env["PYTHONPATH"] = str(variant.src)
        log = open(self.root / variant.name / "worker.log", "ab")  # noqa: SIM115 - closed below
        worker = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker"],
            cwd=variant.src or REPO,
            env=env,
            stdout=log,
            stderr=log,
        )
        watcher = AlertWatcher(self.args.bootstrap, alerts_topic)
        watcher.start()
        try:
            drain = self.drain(worker, f"{prefix}newswatch", events_topic, len(reports))
            latencies = self.trickle(producer, events_topic, watcher) if drain is not None else []
            wall, cpu = drain or (0.0, 0.0)
        finally:
            watcher.stop()
            producer.close(10)
            note = ""
            if worker.poll() is not None:
                note = f"worker exited with {worker.returncode}"
            else:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(60)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait(10)
            log.close()
        return Result(variant.name, len(reports), wall, cpu, watcher.count_before_trickle, latencies, note)

    def drain(
        self, worker: subprocess.Popen[bytes], group: str, topic: str, total: int
    ) -> tuple[float, float] | None:
        """Wall and worker CPU seconds from the first committed offset on ``topic`` to all ``total``."""
        admin = KafkaAdminClient(bootstrap_servers=self.args.bootstrap)
        first: float | None = None
        first_cpu = 0.0
        deadline = time.monotonic() + self.args.timeout
        try:
            while time.monotonic() < deadline and worker.poll() is None:
                try:
                    offsets = admin.list_group_offsets(group).get(group, {})
                except KafkaError:  # the group does not exist yet
                    offsets = {}
                done = sum(
                    meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset > 0
                )
                now = time.monotonic()
                if done > 0 and first is None:
                    first, first_cpu = now, cpu_seconds(worker.pid)
                if done >= total and first is not None:
                    return now - first, cpu_seconds(worker.pid) - first_cpu
                time.sleep(0.2)
        finally:
            admin.close()
        return None

    def trickle(self, producer: KafkaProducer, topic: str, watcher: AlertWatcher) -> list[float]:
        """New events at a steady rate; seconds from each report's send to its alert being readable."""
        time.sleep(2)
        watcher.count_before_trickle = watcher.count()
        day0 = datetime(2101, 1, 1, 12, tzinfo=UTC)
        sent: dict[str, float] = {}
        total = int(self.args.rate * self.args.trickle_seconds)
        started = time.monotonic()
        for n in range(total):
            item = report(n, 0, day0)
            alert_id = Alert(event=item, reason="first").id
            sent[alert_id] = time.time()
            producer.send(topic, key=item.id.encode(), value=item.to_json())
            producer.flush(10)
            time.sleep(max(0.0, started + (n + 1) / self.args.rate - time.monotonic()))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not set(sent) <= set(watcher.seen):
            time.sleep(0.2)
        return [watcher.seen[a] - t for a, t in sent.items() if a in watcher.seen]


class AlertWatcher(threading.Thread):
    """Reads ``alerts`` with read_committed and notes when each alert id became readable."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        super().__init__(daemon=True)
        self.bootstrap, self.topic = bootstrap, topic
        self.seen: dict[str, float] = {}
        self.count_before_trickle = 0
        self._stop_event = threading.Event()
        self._lock = threading.Lock()

    def count(self) -> int:
        with self._lock:
            return len(self.seen)

    def run(self) -> None:
        consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=None, isolation_level="read_committed"
        )
        partitions: set[int] = set()
        while not partitions and not self._stop_event.is_set():
            consumer.topics()  # refreshes the metadata
            partitions = consumer.partitions_for_topic(self.topic) or set()
            time.sleep(0.2)
        assigned = [TopicPartition(self.topic, p) for p in partitions or ()]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        while not self._stop_event.is_set():
            for records in consumer.poll(timeout_ms=100).values():
                now = time.time()
                with self._lock:
                    for record in records:
                        self.seen.setdefault(record.key.decode(), now)
        consumer.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(10)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bootstrap", default=DEFAULT_BOOTSTRAP)
    parser.add_argument("--events", type=int, default=1000, help="events in the backlog (ten reports each)")
    parser.add_argument("--quick", action="store_true", help="200 events, 5 s of trickle")
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git rev of the 'before' merge agent")
    parser.add_argument(
        "--baseline-files", nargs="+", default=list(BASELINE_FILES), help="files taken from --baseline"
    )
    parser.add_argument("--rate", type=float, default=20.0, help="new events per second in the trickle")
    parser.add_argument("--trickle-seconds", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=600.0, help="longest drain before giving up")
    parser.add_argument("--only", nargs="*", help="variant names to run (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of all variants (medians reported)")
    args = parser.parse_args()
    if args.quick:
        args.events, args.trickle_seconds = 200, 5.0
    bench = Bench(args)
    variants = [
        Variant("before", bench.baseline_src(args.baseline), {}),
        Variant("before+eos", bench.baseline_src(args.baseline), {"PROCESSING_GUARANTEE": "exactly_once"}),
        Variant("outputs-first", None, {}),
    ]
    if args.only:
        variants = [v for v in variants if v.name in args.only]
    reports = backlog(args.events)
    print(f"date {datetime.now(UTC).isoformat(timespec='seconds')}, load avg {os.getloadavg()}")
    print(f"command: {' '.join(sys.argv)}; backlog {len(reports)} reports, {2 * args.events} alerts")
    runs: dict[str, list[Result]] = {v.name: [] for v in variants}
    for round_ in range(args.repeat):  # round robin, so load changes on the shared machine hit all alike
        for variant in variants:
            result = bench.run(variant, reports)
            runs[variant.name].append(result)
            print(
                f"  round {round_ + 1} {variant.name}: {result.rate:.0f} reports/s, "
                f"{1000 * result.cpu_seconds / result.reports:.2f} ms CPU/report {result.exit_note}",
                flush=True,
            )
    print(f"\nload avg at end {os.getloadavg()}; logs in {bench.root}\n")
    print(f"medians of {args.repeat} rounds; ratios against 'before' (merge agent of {args.baseline})")
    print("| variant | drain s | reports/s | CPU ms/report | CPU vs before | alert visible p50 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")

    def cpu_ms(results: list[Result]) -> float:
        done = [r for r in results if r.drain_seconds]
        return statistics.median(1000 * r.cpu_seconds / r.reports for r in done) if done else 0.0

    base_cpu = cpu_ms(runs["before"]) if "before" in runs else 0.0
    for name, results in runs.items():
        done = [r for r in results if r.drain_seconds]
        if not done:
            print(f"| {name} | failed ({results[-1].exit_note or 'timeout'}) | | | | | |")
            continue
        lat = sorted(x for r in done for x in r.latencies)
        p50 = f"{statistics.median(lat) * 1000:.0f}" if lat else "-"
        p99 = f"{lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000:.0f}" if lat else "-"
        wall = statistics.median(r.drain_seconds for r in done)
        rate = statistics.median(r.rate for r in done)
        ratio = f"{cpu_ms(results) / base_cpu:.2f}" if base_cpu else "-"
        print(f"| {name} | {wall:.1f} | {rate:.0f} | {cpu_ms(results):.2f} | {ratio} | {p50} | {p99} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
