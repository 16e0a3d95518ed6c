"""End-to-end load benchmark: real text -> real broker -> real worker(s) -> real HTTP sink.

What one run does (every phase on the same broker, the same topic prefix and the same backlog):

1. builds a day of news from real text (``bench/corpus.py``: ~30% duplicates, ~1% event articles,
   ~8% non-English, lengths from feed summaries to long reads) and produces it to ``articles.raw``
   with the connectors' own Kafka producer settings (acks=all, idempotence, gzip);
2. **pass-through ceiling**: ``bench/passthrough_app.py`` (a Faust agent that only re-sends each
   record) drains that backlog with its own consumer group; its rate is the framework's ceiling;
3. **pipeline**: ``newswatch worker`` (1 by default, ``--workers 2`` for two sharing the consumer group)
   drains the same backlog through dedupe, detect, merge, the alert agent, the store and a real
   webhook (``bench/webhook_receiver.py``, aiohttp on 127.0.0.1). Consumer lag of every stage's topic,
   worker RSS and CPU are sampled each second from the broker (committed offsets) and /proc;
4. **alert latency**: with the worker caught up, fresh articles (new week, so new events) are produced
   at a steady ``--latency-rate`` for ``--latency-seconds``; latency is webhook receipt time minus the
   time the producer sent the newest article of the alert's evidence.

Prints one table (and writes it, with the raw samples, to ``--json``). Machine load (1-minute
loadavg) is printed at the start and end, because the benchmark machine is shared.

``--compare-workers 1,2,4`` drains the same backlog once per worker count instead (each on its own
topics, no pass-through or latency phase) and compares the answers: duplicates found (exact and near,
read back from ``articles.unique``), exact copies kept by more than one worker, the alerts themselves
(read back from ``alerts``: alert ids, webhook-ids, a digest of what each says) and the webhook requests
per webhook-id, and the throughput against the first count; it prints issue 19's criteria with a
verdict each and the alerts that differ (``bench/worker_compare.py``), and saves the alerts and the
duplicate article ids of every count in the run's JSON.

Run (the test broker, started if needed as in deploy/kafka/README.md):
    .venv/bin/python bench/e2e_bench.py --quick          # ~20k articles, about a minute
    .venv/bin/python bench/e2e_bench.py                  # 200k articles (one day of world news)
    .venv/bin/python bench/e2e_bench.py --quick --compare-workers 1,2,4
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from corpus import Item, Sources, StreamBuilder, describe  # noqa: E402
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition  # noqa: E402
from kafka.errors import KafkaError  # noqa: E402
from worker_compare import comparison_lines, deliveries, read_alerts  # noqa: E402

from connectors.producer import build_kafka_producer  # noqa: E402
from streams.admin import ensure_topics  # noqa: E402
from streams.dedupe.batch import fingerprint_texts  # noqa: E402
from streams.dedupe.normalize import article_text  # noqa: E402
from streams.dedupe.urls import url_hash  # noqa: E402
from streams.records import Article  # noqa: E402
from streams.settings import load_settings  # noqa: E402
from streams.topics import ALERTS, ARTICLES_RAW, ARTICLES_UNIQUE, EVENTS  # noqa: E402

DEDUPE_SETTINGS = load_settings(None, environ={}).dedupe  # the default settings the workers run with
DEFAULT_BOOTSTRAP = "127.0.0.1:29192"  # the test broker (deploy/kafka/README.md)
# The worker's own files a baseline takes from its revision (a file missing there is removed from its copy).
BASELINE_FILES = (
    "streams/worker/pipeline.py",
    "streams/worker/dedupe_state.py",
    "streams/worker/article_stage.py",
    "streams/worker/table_reads.py",
    "streams/worker/state_log.py",
)
STAGE_TOPICS = {"dedupe": ARTICLES_RAW, "detect": ARTICLES_UNIQUE, "merge": EVENTS, "alert": ALERTS}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def proc_stats(pid: int) -> tuple[float, float]:
    """(RSS MiB, CPU seconds user+system) of a process, (0, 0) once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    rss_kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    ticks = os.sysconf("SC_CLK_TCK")
    return rss_kb / 1024, (int(stat[11]) + int(stat[12])) / ticks


def scrape(port: int) -> dict[str, float]:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    values: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            try:
                values[name] = float(value)
            except ValueError:
                continue
    return values


def metric(values: dict[str, float], name: str, **labels: str) -> float:
    total = 0.0
    for key, value in values.items():
        if (key == name or key.startswith(name + "{")) and all(
            f'{k}="{v}"' in key for k, v in labels.items()
        ):
            total += value
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class Offsets:
    """Committed offsets of a consumer group against the end offsets of topics, from the broker."""

    def __init__(self, bootstrap: str) -> None:
        self.admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="bench-admin")
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)

    def ends(self, topics: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for topic in topics:
            parts = self.consumer.partitions_for_topic(topic) or set()
            tps = [TopicPartition(topic, p) for p in parts]
            out[topic] = sum(self.consumer.end_offsets(tps).values()) if tps else 0
        return out

    def committed(self, group: str, topics: list[str]) -> dict[str, int | None]:
        """Offsets ``group`` committed per topic; None for a topic it has committed nothing on (yet)."""
        out: dict[str, int | None] = dict.fromkeys(topics)
        try:
            offsets = self.admin.list_group_offsets(group).get(group, {})
        except KafkaError:  # the group does not exist yet
            return out
        for tp, meta in offsets.items():
            if tp.topic in out and meta.offset >= 0:
                out[tp.topic] = (out[tp.topic] or 0) + meta.offset
        return out

    def close(self) -> None:
        self.admin.close()
        self.consumer.close()


@dataclass
class Drain:
    """The result of one consumer (pass-through or pipeline) draining the backlog."""

    name: str
    articles: int
    started: float = 0.0  # first committed progress seen on articles.raw
    launched: float = 0.0  # process start
    finished: float = 0.0  # everything committed (all stage topics)
    raw_done: float = 0.0  # articles.raw fully committed
    samples: list[dict[str, Any]] = field(default_factory=list)
    peak_rss_mib: float = 0.0
    cpu_seconds: float = 0.0
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def rate(self) -> float:
        """Sustained articles/s: from the first committed progress to the last stage's last commit."""
        return self.articles / self.seconds if self.seconds > 0 else 0.0

    def steady_rate(self) -> float:
        """Articles/s between 10% and 90% of articles.raw committed (start-up and tail excluded)."""
        points = [(s["t"], s["committed"].get("dedupe", 0)) for s in self.samples]
        low = next((p for p in points if p[1] >= 0.1 * self.articles), None)
        high = next((p for p in points if p[1] >= 0.9 * self.articles), None)
        if not low or not high or high[0] <= low[0]:
            return self.rate
        return (high[1] - low[1]) / (high[0] - low[0])


def wait_drained(
    drain: Drain,
    offsets: Offsets,
    group: str,
    topics: dict[str, str],
    pids: list[int],
    timeout: float,
    metrics_ports: list[int],
    procs: list[subprocess.Popen[bytes]],
) -> None:
    """Sample lag/RSS/CPU once a second until every stage topic is fully committed by ``group``."""
    names = list(topics.values())
    deadline = time.monotonic() + timeout
    t0 = drain.launched
    stable = 0
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise SystemExit(f"{drain.name}: process exited with {proc.returncode}")
        now = time.time()
        ends = offsets.ends(names)
        committed = offsets.committed(group, names)
        rss_cpu = [proc_stats(pid) for pid in pids]
        # A stage topic the group never committed on is not read by this worker (the article agent of
        # the current tree reads articles.raw only; older trees also read articles.unique): no lag.
        lag = {
            stage: None if done is None and stage != "dedupe" else ends[topic] - (done or 0)
            for stage, topic in topics.items()
            for done in (committed[topic],)
        }
        sample: dict[str, Any] = {
            "t": now,
            "elapsed": round(now - t0, 2),
            "committed": {stage: committed[topic] or 0 for stage, topic in topics.items()},
            "lag": lag,
            "rss_mib": round(sum(r for r, _ in rss_cpu), 1),
            "cpu_s": round(sum(c for _, c in rss_cpu), 2),
        }
        drain.samples.append(sample)
        drain.peak_rss_mib = max(drain.peak_rss_mib, sample["rss_mib"])
        drain.cpu_seconds = sample["cpu_s"]
        raw = sample["committed"]["dedupe"]
        if not drain.started and raw > 0:
            # progress happened during the last second: take the midpoint as the start
            previous = drain.samples[-2]["t"] if len(drain.samples) > 1 else now
            drain.started = (previous + now) / 2
        if raw >= drain.articles and not drain.raw_done:
            drain.raw_done = now
        if raw >= drain.articles and all(v is None or v <= 0 for v in lag.values()):
            stable += 1
            if stable >= 2:  # nothing new arrived downstream for a second: really done
                drain.finished = drain.samples[-2]["t"]
                break
        else:
            stable = 0
        lag_text = " ".join(f"{k}={'-' if v is None else v}" for k, v in lag.items())
        print(
            f"  [{drain.name} {sample['elapsed']:6.1f}s] lag {lag_text}  rss {sample['rss_mib']:.0f} MiB",
            flush=True,
        )
        time.sleep(max(0.0, 1.0 - (time.time() - now)))
    else:
        raise SystemExit(f"{drain.name}: not drained after {timeout:.0f}s")
    merged: dict[str, float] = {}
    for port in metrics_ports:
        for key, value in scrape(port).items():
            merged[key] = merged.get(key, 0.0) + value
    drain.metrics = merged


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.prefix = f"bench{uuid.uuid4().hex[:8]}."
        self.root = Path(args.workdir) / self.prefix.rstrip(".")
        self.root.mkdir(parents=True, exist_ok=True)
        self.procs: list[subprocess.Popen[bytes]] = []
        self.hook_port = free_port()
        self.hook_log = self.root / "webhook.jsonl"

    # ------------------------------------------------------------------ config and processes

    def config(
        self, name: str, app_id: str, metrics_port: int, prefix: str | None = None, **extra: Any
    ) -> Path:
        data: dict[str, Any] = {
            "kafka": {
                "bootstrap_servers": self.args.bootstrap,
                "topic_prefix": prefix or self.prefix,
                "partitions": self.args.partitions,
            },
            "worker": {
                "app_id": app_id,
                "data_dir": str(self.root / name),
                "metrics_port": metrics_port,
                "web_port": 0,
                "log_level": self.args.log_level,
            },
            "alerts": {
                "console": False,
                "webhook_url": f"http://127.0.0.1:{self.hook_port}/hook",
                "state_dir": str(self.root / "alerts"),
            },
            "store": {"url": f"sqlite:///{self.root / (name + '-events.db')}", "serve_api_in_worker": False},
        }
        for section, values in extra.items():
            data.setdefault(section, {}).update(values)
        path = self.root / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return path

    def spawn(
        self, name: str, argv: list[str], config: Path | None = None, src: Path | None = None
    ) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        env["PYTHONUNBUFFERED"] = "1"
        if config is not None:
            env["NEWSWATCH_CONFIG"] = str(config)
        if src is not None:  # the baseline: its copy of the packages comes first on the path
            env["PYTHONPATH"] = str(src)
        elif name.startswith("worker"):  # the current tree's worker only (an experiment's settings)
            env.update(item.split("=", 1) for item in self.args.worker_env)
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(argv, cwd=src or REPO, env=env, stdout=log, stderr=log)
        self.procs.append(proc)
        return proc

    def baseline_src(self, rev: str) -> Path:
        """The working tree's packages with the worker's own files taken from ``rev`` (git show)."""
        src = self.root / "baseline-src"
        for package in ("streams", "alerts", "connectors"):
            shutil.copytree(REPO / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
        for path in BASELINE_FILES:
            shown = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=REPO, capture_output=True)
            if shown.returncode == 0:
                (src / path).write_bytes(shown.stdout)
            else:
                (src / path).unlink(missing_ok=True)
        return src

    def stop(self, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self) -> None:
        for proc in list(self.procs):
            self.stop(proc)

    # ------------------------------------------------------------------ phases

    def produce(self, settings: Any, items: list[Item]) -> tuple[float, dict[str, float]]:
        producer = build_kafka_producer(settings)
        topic = settings.topic(ARTICLES_RAW)
        sent: dict[str, float] = {}
        started = time.perf_counter()
        for item in items:
            producer.send(topic, key=item.key, value=item.value)
        producer.flush(120)
        producer.close(10)
        return time.perf_counter() - started, sent

    def produce_paced(self, settings: Any, items: list[Item], rate: float) -> dict[str, float]:
        """Send ``items`` at ``rate`` per second (in 20 ms slices); returns article id -> send time."""
        producer = build_kafka_producer(settings)
        topic = settings.topic(ARTICLES_RAW)
        sent: dict[str, float] = {}
        started = time.time()
        for index, item in enumerate(items):
            due = started + index / rate
            delay = due - time.time()
            if delay > 0.02:
                time.sleep(delay)
            producer.send(topic, key=item.key, value=item.value)
            sent[item.article.id] = time.time()
        producer.flush(60)
        producer.close(10)
        return sent

    def run(self) -> dict[str, Any]:
        args = self.args
        result: dict[str, Any] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "load_start": loadavg(),
            "prefix": self.prefix,
            "workers": args.workers,
            "partitions": args.partitions,
        }
        print(f"newswatch e2e bench  prefix={self.prefix}  load(1/5/15m)={result['load_start']}", flush=True)
        if args.compare_workers:
            result["workers"] = args.compare_workers
        t = time.perf_counter()
        sources = Sources.load(cache=Path(args.workdir) / "sources.json")
        builder = StreamBuilder(sources, seed=args.seed, day=date(2020, 11, 9), run_tag=self.prefix[5:9])
        items = list(builder.stream(args.articles))
        shape = describe(items)
        result["corpus"] = {"sources": sources.described, **{k: round(v, 4) for k, v in shape.items()}}
        print(
            f"corpus: {len(items)} articles in {time.perf_counter() - t:.1f}s  {result['corpus']}", flush=True
        )

        if args.compare_workers:
            result["compare"] = self.compare_workers(items, builder)
            result["load_end"] = loadavg()
            return result
        pipe_port = free_port()
        pipe_config = self.config("worker", f"{self.prefix}newswatch", pipe_port)
        settings = load_settings(pipe_config, environ={})
        ensure_topics(settings)
        seconds, _ = self.produce(settings, items)
        result["produce"] = {
            "articles": len(items),
            "seconds": round(seconds, 2),
            "rate": round(len(items) / seconds),
        }
        print(f"produced backlog: {len(items)} in {seconds:.1f}s ({len(items) / seconds:.0f}/s)", flush=True)

        offsets = Offsets(args.bootstrap)
        receiver = self.spawn(
            "webhook",
            [
                sys.executable,
                str(REPO / "bench" / "webhook_receiver.py"),
                str(self.hook_port),
                str(self.hook_log),
            ],
        )
        try:
            if not args.skip_passthrough:
                result["passthrough"] = self.passthrough(offsets, len(items))
            if args.baseline:
                src = self.baseline_src(args.baseline)
                # Its own topics (every stage topic, not only articles.raw), holding the same backlog.
                base_prefix = self.prefix.rstrip(".") + "b."
                base_port = free_port()
                base_config = self.config("baseline", f"{base_prefix}newswatch", base_port, base_prefix)
                base_settings = load_settings(base_config, environ={})
                ensure_topics(base_settings)
                self.produce(base_settings, items)
                result["baseline"], _ = self.pipeline(
                    offsets, settings, items, builder, base_config, base_port, "baseline", src, latency=False
                )
                result["baseline_rev"] = args.baseline
            result["pipeline"], latency = self.pipeline(
                offsets, settings, items, builder, pipe_config, pipe_port, "worker"
            )
            result["latency"] = latency
        finally:
            self.stop_all()
            offsets.close()
            _ = receiver
            if not args.keep_topics:
                delete_topics(args.bootstrap, self.prefix.rstrip("."))
        result["load_end"] = loadavg()
        return result

    def compare_workers(self, items: list[Item], builder: StreamBuilder) -> list[dict[str, Any]]:
        """Drain the backlog once per worker count, each on its own topics, and read back the answers."""
        offsets = Offsets(self.args.bootstrap)
        receiver = self.spawn(
            "webhook",
            [
                sys.executable,
                str(REPO / "bench" / "webhook_receiver.py"),
                str(self.hook_port),
                str(self.hook_log),
            ],
        )
        rows: list[dict[str, Any]] = []
        try:
            for count in self.args.compare_workers:
                prefix = f"{self.prefix.rstrip('.')}w{count}."
                port = free_port()
                config = self.config(f"w{count}", f"{prefix}newswatch", port, prefix)
                settings = load_settings(config, environ={})
                ensure_topics(settings)
                self.produce(settings, items)
                load = loadavg()
                hooks_before = len(read_hooks(self.hook_log))
                summary, _ = self.pipeline(
                    offsets,
                    settings,
                    items,
                    builder,
                    config,
                    port,
                    f"w{count}-",
                    latency=False,
                    workers=count,
                )
                answers = read_answers(self.args.bootstrap, settings.topic(ARTICLES_UNIQUE), len(items))
                alerts = read_alerts(self.args.bootstrap, settings.topic(ALERTS))
                delivered = deliveries(read_hooks(self.hook_log)[hooks_before:])
                rows.append(
                    {
                        "workers": count,
                        "load_before": load,
                        **summary,
                        "answers": answers,
                        "alerts": alerts,
                        "deliveries": delivered,
                    }
                )
                shown = {k: v for k, v in answers.items() if k != "duplicate_ids"}
                print(
                    f"{count} worker(s): {summary['rate']}/s, {shown}, {len(alerts)} alerts, "
                    f"{sum(delivered.values())} webhook requests",
                    flush=True,
                )
        finally:
            self.stop(receiver)
            offsets.close()
            if not self.args.keep_topics:
                delete_topics(self.args.bootstrap, self.prefix.rstrip("."))
        return rows

    def passthrough(self, offsets: Offsets, count: int) -> dict[str, Any]:
        port = free_port()
        config = self.config("passthrough", f"{self.prefix}passthrough", port)
        drain = Drain("pass-through", count)
        drain.launched = time.time()
        proc = self.spawn(
            "passthrough", [sys.executable, str(REPO / "bench" / "passthrough_app.py"), str(config)]
        )
        try:
            wait_drained(
                drain, offsets, f"{self.prefix}passthrough", {"dedupe": self.prefix + ARTICLES_RAW},
                [proc.pid], self.args.timeout, [port], [proc],
            )  # fmt: skip
        finally:
            self.stop(proc)
        return summarise(drain)

    def pipeline(
        self,
        offsets: Offsets,
        settings: Any,
        items: list[Item],
        builder: StreamBuilder,
        config: Path,
        port: int,
        name: str,
        src: Path | None = None,
        latency: bool = True,
        workers: int | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        variant = load_settings(config, environ={})
        group = variant.worker.app_id
        drain = Drain(f"{name} x{workers or self.args.workers}", len(items))
        configs = [(config, port)]
        for n in range(1, workers or self.args.workers):
            extra_port = free_port()
            configs.append(
                (self.config(f"{name}{n}", group, extra_port, variant.kafka.topic_prefix), extra_port)
            )
        hooks_before = len(read_hooks(self.hook_log))
        drain.launched = time.time()
        workers = [
            self.spawn(f"{name}{n}", [sys.executable, "-m", "streams.cli", "worker"], cfg, src)
            for n, (cfg, _) in enumerate(configs)
        ]
        topics = {stage: variant.topic(topic) for stage, topic in STAGE_TOPICS.items()}
        wait_drained(
            drain, offsets, group, topics, [w.pid for w in workers], self.args.timeout,
            [p for _, p in configs], workers,
        )  # fmt: skip
        summary = summarise(drain)
        time.sleep(1)
        summary["alerts_received"] = len(read_hooks(self.hook_log)) - hooks_before

        result: dict[str, Any] = {}
        if latency and self.args.latency_seconds > 0:
            fresh = StreamBuilder(
                builder.src, seed=self.args.seed + 1, day=date(2020, 11, 16), run_tag=self.prefix[5:9] + "L"
            )
            fresh.recent = list(builder.recent)  # duplicates may copy articles of the backlog, too
            count = int(self.args.latency_rate * self.args.latency_seconds)
            paced = list(fresh.stream(count))
            before = len(read_hooks(self.hook_log))
            print(
                f"latency phase: {count} fresh articles at {self.args.latency_rate:.0f}/s "
                f"({sum(1 for i in paced if i.kind == 'event')} event articles)",
                flush=True,
            )
            sent = self.produce_paced(settings, paced, self.args.latency_rate)
            tail = Drain("latency", len(items) + count)
            tail.launched = time.time()
            wait_drained(
                tail, offsets, group, topics, [w.pid for w in workers], 120,
                [p for _, p in configs], workers,
            )  # fmt: skip
            time.sleep(2)
            result = alert_latency(read_hooks(self.hook_log)[before:], sent)
            result["rate"] = self.args.latency_rate
            result["articles"] = count
            result["max_lag_dedupe"] = max((s["lag"]["dedupe"] for s in tail.samples), default=0)
        for worker in workers:
            self.stop(worker)
        return summary, result


def delete_topics(bootstrap: str, stem: str) -> None:
    """Delete this run's topics: every topic named from its random stem (changelogs included)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="bench-admin")
    try:
        mine = [t for t in admin.list_topics() if t.startswith(stem)]  # a random stem: this run's only
        if mine:
            admin.delete_topics(mine, raise_errors=False)
            print(f"deleted {len(mine)} topics of this run ({stem}.*)", flush=True)
    except KafkaError as exc:
        print(f"could not delete this run's topics: {exc}", flush=True)
    finally:
        admin.close()


def read_answers(bootstrap: str, topic: str, expect: int) -> dict[str, Any]:
    """What the pipeline decided, read back from ``articles.unique``: duplicates (exact, near) and the exact
    copies kept as unique more than once (same canonical URL or same normalised text)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        articles: dict[str, Article] = {}
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for records in consumer.poll(timeout_ms=1000, max_records=5000).values():
                for record in records:
                    article = Article.from_json(record.value)
                    articles[article.id] = article  # a record read again (at-least-once) counts once
    finally:
        consumer.close()
    ids = list(articles)
    texts = [article_text(articles[i]) for i in ids]
    hashes: dict[str, int] = {}
    for start in range(0, len(ids), 2000):
        chunk = slice(start, start + 2000)
        printed = fingerprint_texts(texts[chunk], DEDUPE_SETTINGS, [0] * len(texts[chunk]))
        hashes.update((i, fp.content_hash) for i, (fp, _) in zip(ids[chunk], printed, strict=True))
    urls = {i: url_hash(articles[i].url) for i in ids}
    exact = near = 0
    for i, article in articles.items():
        original = article.duplicate_of
        if original is None:
            continue
        same = original in articles and (hashes[i] == hashes[original] or urls[i] == urls[original])
        exact, near = (exact + 1, near) if same else (exact, near + 1)
    kept: dict[str, int] = {}
    for key in [f"c{hashes[i]}" for i in ids if articles[i].duplicate_of is None] + [
        f"u{urls[i]}" for i in ids if articles[i].duplicate_of is None and urls[i]
    ]:
        kept[key] = kept.get(key, 0) + 1
    return {
        "articles": len(articles),
        "missing": max(0, expect - len(articles)),
        "duplicates": exact + near,
        "exact": exact,
        "near": near,
        "exact_kept_twice": sum(n - 1 for n in kept.values() if n > 1),
        "duplicate_ids": sorted(i for i, a in articles.items() if a.duplicate_of is not None),
    }


def read_hooks(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def alert_latency(hooks: list[dict[str, Any]], sent: dict[str, float]) -> dict[str, Any]:
    """Receipt time minus the send time of the newest evidence article this phase produced."""
    values = []
    for hook in hooks:
        body = hook.get("body") or {}
        evidence = ((body.get("data") or {}).get("event") or {}).get("evidence") or []
        times = [sent[e["article_id"]] for e in evidence if e.get("article_id") in sent]
        if times:
            values.append(hook["t"] - max(times))
    return {
        "alerts": len(values),
        "p50_ms": round(percentile(values, 50) * 1000, 1),
        "p95_ms": round(percentile(values, 95) * 1000, 1),
        "p99_ms": round(percentile(values, 99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1) if values else None,
    }


def summarise(drain: Drain) -> dict[str, Any]:
    m = drain.metrics
    out: dict[str, Any] = {
        "articles": drain.articles,
        "seconds": round(drain.seconds, 2),
        "rate": round(drain.rate),
        "steady_rate": round(drain.steady_rate()),
        "startup_seconds": round(drain.started - drain.launched, 2),
        "dedupe_done_seconds": round(drain.raw_done - drain.started, 2),
        "peak_rss_mib": round(drain.peak_rss_mib),
        "cpu_seconds": round(drain.cpu_seconds, 1),
        "cpu_ms_per_article": round(1000 * drain.cpu_seconds / max(1, drain.articles), 2),
        "lag_series": [
            {"t": s["elapsed"], **{k: v for k, v in s["lag"].items()}, "rss": s["rss_mib"]}
            for s in drain.samples
        ],
    }
    if "newswatch_stage_seconds_sum" in " ".join(m):
        stages = {
            "decode+normalise": metric(m, "newswatch_stage_seconds_sum", stage="dedupe")
            - metric(m, "newswatch_dedupe_seconds_sum"),
            "dedupe index": metric(m, "newswatch_dedupe_seconds_sum"),
            "detect": metric(m, "newswatch_stage_seconds_sum", stage="detect"),
            "merge": metric(m, "newswatch_stage_seconds_sum", stage="merge"),
        }
        busy = sum(stages.values())
        stages["framework, Kafka I/O, alerts, store, other"] = max(0.0, drain.cpu_seconds - busy)
        out["stage_seconds"] = {k: round(v, 2) for k, v in stages.items()}
        out["counts"] = {
            "received": metric(m, "newswatch_articles_received_total"),
            "unique": metric(m, "newswatch_articles_unique_total"),
            "duplicate": metric(m, "newswatch_articles_duplicate_total"),
            "invalid": metric(m, "newswatch_articles_invalid_total"),
            "event_reports": metric(m, "newswatch_event_reports_total"),
            "alerts_emitted": metric(m, "newswatch_alerts_emitted_total"),
            "deliveries": metric(m, "newswatch_alert_deliveries_total"),
            "stage_errors": metric(m, "newswatch_stage_errors_total"),
            "cross_worker_duplicates": metric(m, "newswatch_dedupe_cross_worker_duplicates_total"),
            "changelog_lag_mean_s": round(
                metric(m, "newswatch_dedupe_changelog_lag_seconds_sum")
                / max(1.0, metric(m, "newswatch_dedupe_changelog_lag_seconds_count")),
                3,
            ),
        }
    return out


def _cell(value: object) -> str:
    """A lag cell: '-' where the worker does not read that topic."""
    return "-" if value is None else str(value)


def print_comparison(result: dict[str, Any]) -> str:
    """One row per worker count: throughput against the first count, and the answers against its."""
    rows = result["compare"]
    first = rows[0]
    lines = [
        f"date {result['date']}  machine {result['machine']}",
        f"command: {result['command']}",
        f"load avg (1/5/15 min) at start {result['load_start']}, at end {result['load_end']}",
        f"corpus: {first['articles']} articles; partitions per topic: {result['partitions']}",
        "",
        "| workers | load before | articles/s end to end | steady | vs first | CPU ms/article | duplicates "
        "| exact | near | near vs first | exact copies kept twice | alerts emitted | webhook requests |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        a, c = row["answers"], row.get("counts", {})
        near_delta = (a["near"] - first["answers"]["near"]) / max(1, first["answers"]["near"])
        lines.append(
            f"| {row['workers']} | {row['load_before']} | {row['rate']} | {row['steady_rate']} "
            f"| {row['rate'] / max(1, first['rate']):.2f}x | {row['cpu_ms_per_article']} | {a['duplicates']} "
            f"| {a['exact']} | {a['near']} | {near_delta:+.2%} | {a['exact_kept_twice']} "
            f"| {int(c.get('alerts_emitted', 0))} | {row['alerts_received']} |"
        )
    if len(rows) > 1 and all("alerts" in row for row in rows):
        lines += comparison_lines(rows)
    return "\n".join(lines)


def print_table(result: dict[str, Any]) -> str:
    if "compare" in result:
        return print_comparison(result)
    lines: list[str] = []
    add = lines.append
    pipe = result["pipeline"]
    ceiling = result.get("passthrough")
    add(f"date {result['date']}  machine {result['machine']}")
    add(f"command: {result['command']}")
    add(f"load avg (1/5/15 min) at start {result['load_start']}, at end {result['load_end']}")
    c = result["corpus"]
    add(
        f"corpus: {pipe['articles']} articles, mean {c['mean_words']:.0f} words / "
        f"{c['mean_bytes']:.0f} bytes JSON; "
        f"duplicates {c.get('share_duplicate', 0):.1%}, events {c.get('share_event', 0):.1%}, "
        f"non-English {c.get('share_foreign', 0):.1%}"
    )
    add(f"workers: {result['workers']} (one consumer group), partitions per topic: {result['partitions']}")
    add(f"backlog produced at {result['produce']['rate']}/s (connectors' producer settings)")
    base = result.get("baseline")
    columns = [("pipeline (this tree)", pipe)]
    if base:
        columns.append((f"pipeline, worker files of {result.get('baseline_rev')}", base))
    if ceiling:
        columns.append(("pass-through ceiling", ceiling))
    add("")
    add("| figure | " + " | ".join(name for name, _ in columns) + " |")
    add("| --- |" + " ---: |" * len(columns))
    figures = [
        ("articles/s end to end (first commit -> last stage committed)", "rate"),
        ("articles/s steady (10% -> 90% of articles.raw)", "steady_rate"),
        ("drain time (s)", "seconds"),
        ("worker start-up before first commit (s)", "startup_seconds"),
        ("peak RSS (MiB, all workers)", "peak_rss_mib"),
        ("worker CPU seconds", "cpu_seconds"),
        ("worker CPU ms per article", "cpu_ms_per_article"),
    ]
    for label, key in figures:
        add(f"| {label} | " + " | ".join(str(data.get(key, "-")) for _, data in columns) + " |")
    if ceiling:
        ratios = [f"{data['rate'] / max(1, ceiling['rate']):.0%}" for _, data in columns[:-1]]
        add("| share of the pass-through ceiling (end to end) | " + " | ".join(ratios) + " | 100% |")
    if base:
        add(
            f"| speed-up of this tree over {result.get('baseline_rev')} | "
            f"{pipe['rate'] / max(1, base['rate']):.2f}x | | |"
        )
    add("")
    if "stage_seconds" in pipe:
        add("| stage (worker CPU share) | seconds | share |")
        add("| --- | ---: | ---: |")
        total = max(1e-9, sum(pipe["stage_seconds"].values()))
        for name, value in pipe["stage_seconds"].items():
            add(f"| {name} | {value:.1f} | {value / total:.0%} |")
        add("")
        counts = pipe["counts"]
        add(
            "counts: "
            + ", ".join(f"{k} {int(v) if float(v).is_integer() else v}" for k, v in counts.items())
            + f", webhook requests {pipe['alerts_received']}"
        )
    lat = result.get("latency") or {}
    if lat:
        add(
            f"alert latency (article sent -> webhook received), {lat['articles']} fresh articles "
            f"at {lat['rate']:.0f}/s: {lat['alerts']} alerts, p50 {lat['p50_ms']} ms, "
            f"p95 {lat['p95_ms']} ms, p99 {lat['p99_ms']} ms, "
            f"max {lat['max_ms']} ms (max articles.raw lag {lat['max_lag_dedupe']})"
        )
    add("")
    add("consumer lag over time (pipeline; records not yet committed per stage topic):")
    add("| t (s) | articles.raw | articles.unique | events | alerts | RSS MiB |")
    add("| ---: | ---: | ---: | ---: | ---: | ---: |")
    series = pipe["lag_series"]
    step = max(1, len(series) // 15)
    for s in series[::step] + ([series[-1]] if series and (len(series) - 1) % step else []):
        add(
            f"| {s['t']:.0f} | {s['dedupe']} | {_cell(s['detect'])} | {_cell(s['merge'])} "
            f"| {_cell(s['alert'])} | {s['rss']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="20k articles (about a minute)")
    parser.add_argument("--articles", type=int, default=None, help="articles in the backlog (default 200k)")
    parser.add_argument("--bootstrap", default=os.environ.get("NEWSWATCH_BENCH_BOOTSTRAP", DEFAULT_BOOTSTRAP))
    parser.add_argument("--workers", type=int, default=1, help="worker processes sharing the consumer group")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument(
        "--compare-workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=None,
        metavar="N,N,...",
        help="drain the backlog once per worker count (own topics each) and compare answers and throughput",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-passthrough", action="store_true")
    parser.add_argument("--keep-topics", action="store_true", help="leave this run's topics on the broker")
    parser.add_argument(
        "--worker-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="environment for the current tree's worker only, e.g. a Faust setting (PRODUCER_LINGER=0.005)",
    )
    parser.add_argument(
        "--baseline",
        default=None,
        metavar="REV",
        help="also drain the backlog with the worker's own files (BASELINE_FILES) from git REV "
        "(the rest of the working tree unchanged), before the current worker, in the same run",
    )
    parser.add_argument("--latency-rate", type=float, default=300.0, help="articles/s in the latency phase")
    parser.add_argument("--latency-seconds", type=float, default=20.0, help="0 skips the latency phase")
    parser.add_argument(
        "--log-level", default="info", help="the worker's log level (production default: info)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds one drain may take (default: 900, or 10 ms per article when more; 4 workers on 2 "
        "busy cores drain 200k articles in 10-15 minutes)",
    )
    parser.add_argument("--workdir", default=str(REPO / "var" / "bench"))
    parser.add_argument("--json", default=None, help="write the full result (with samples) here")
    args = parser.parse_args()
    if args.articles is None:
        args.articles = 20_000 if args.quick else 200_000
    if args.timeout is None:
        args.timeout = max(900.0, args.articles / 100)
    bench = Bench(args)
    try:
        result = bench.run()
    finally:
        bench.stop_all()
    table = print_table(result)
    print()
    print(table)
    out = Path(args.json) if args.json else bench.root / "result.json"
    out.write_text(json.dumps({**result, "table": table}, indent=1, default=str), encoding="utf-8")
    print(f"\nfull result: {out}")


if __name__ == "__main__":
    main()
