"""SIGKILL the worker again and again while articles stream in: no alert is lost, repeats stay bounded.

Issue 14, item 1: a killed worker lost alerts for good. The merge stage wrote the event table and only
then sent the alert; a kill in between left the event in the table (its changelog) but no alert on
``alerts``, and the restarted worker, re-reading the report, found the event known and alerted nothing.

Every event here is reported by ten sites, so the merge stage decides ``first`` (site 0), ``confirmed``
(site 1) and eight ``new_source`` merges per event. Articles are produced at a steady rate straight to
``articles.raw`` while the worker is SIGKILLed at random moments of its merge bursts and started
again (``_kill_while_merging``). At the end the event table is read from its changelog topic; for
every event there, each alert its source count implies (``first``, and ``confirmed`` from two
sources) must have been delivered to the webhook or dead-lettered.

Repeats (a second request with a ``webhook-id`` already answered) are bounded by docs/alerts.md: per
crash, at most the deliveries in flight in the sink (its ``concurrency``). No event and reason may be
delivered under two webhook-ids (a decision made twice with different ids).

The CI size (2,000 articles, 400 alerts, 3 kills) takes about a minute (two when alerts are lost: it
waits 45 s for them); the issue's full size (10,000 articles, 2,000 alerts, 5 kills) is the soak
variant.
"""

from __future__ import annotations

import collections
import hashlib
import random
import signal
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kafka import KafkaProducer
from pytest_httpserver import HTTPServer

from alerts.deadletter import DeadLetter
from streams.records import Article, Event, stable_id
from streams.topics import ALERTS_DLQ, ARTICLES_RAW
from tests.faults.helpers import Receiver, report, serve_receiver, wait_running
from tests.integration.kafka_io import read_all
from tests.pipeline_harness import Pipeline, metric_sum

SITES_PER_EVENT = 10  # site 0: first, site 1: confirmed, sites 2..9: new_source (no alert)
QUIET_SECONDS = 45  # no new delivery for this long after the last kill: the run is over
SINK_CONCURRENCY = 4  # the implicit webhook sink's deliveries in flight (docs/alerts.md bound per crash)

_PAIRS = [
    ("Russian President Vladimir Putin", "French President Emmanuel Macron"),
    ("Russian President Vladimir Putin", "Turkish President Recep Tayyip Erdogan"),
]
_WORDS = (
    "harbour",
    "winter",
    "ledger",
    "copper",
    "violet",
    "meadow",
    "signal",
    "lantern",
    "orchard",
    "pillar",
    "canyon",
    "ember",
    "quarry",
    "saddle",
    "thistle",
    "beacon",
    "glacier",
    "mosaic",
    "tundra",
    "falcon",
    "garnet",
    "hollow",
    "juniper",
    "kestrel",
    "lagoon",
    "marble",
    "nectar",
    "obsidian",
    "prairie",
    "quartz",
    "ripple",
    "sierra",
    "timber",
    "umber",
    "walnut",
    "yarrow",
)


def _tail(n: int, site: int) -> str:
    """Thirty words fixed by (event, site): no two articles share their shingles, so none is a duplicate."""
    digest = hashlib.sha256(f"{n}/{site}".encode()).digest()
    return " ".join(_WORDS[b % len(_WORDS)] for b in digest[:30])


def event_article(n: int, site: int) -> Article:
    """Event n (a leader call on day 2020-01-01 + n) as reported by site ``site``."""
    published = datetime(2020, 1, 1, 12, tzinfo=UTC) + timedelta(days=n, minutes=site)
    first, second = _PAIRS[n % 2]
    host = f"site{site}.example"
    text = (
        f"{first} held a telephone conversation with {second} on {published:%A}, the Kremlin said. "
        f"They discussed the situation in the region. Archive note: {_tail(n, site)}."
    )
    return Article(
        id=f"kill-{n:05d}-{site}",
        url=f"https://{host}/story/{n:05d}",
        title=f"Phone call, event {n}, site {site}",
        text=text,
        published=published,
        source_site=host,
    )


def articles_in_order(events: int) -> list[Article]:
    """Site by site in rounds of 50 events, so first, confirmed and later sources interleave in time."""
    out: list[Article] = []
    for start in range(0, events, 50):
        block = range(start, min(events, start + 50))
        out.extend(event_article(n, site) for site in range(SITES_PER_EVENT) for n in block)
    return out


class _SteadyProducer(threading.Thread):
    """Produces the articles to ``articles.raw`` at a steady rate (acks=all, keyed by URL like connectors)."""

    def __init__(self, bootstrap: str, topic: str, articles: list[Article], rate: float) -> None:
        super().__init__(daemon=True)
        self.bootstrap, self.topic, self.articles, self.rate = bootstrap, topic, articles, rate
        self.sent = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all", enable_idempotence=True)
            started = time.monotonic()
            for n, article in enumerate(self.articles):
                producer.send(self.topic, key=article.url.encode(), value=article.to_json())
                self.sent = n + 1
                time.sleep(max(0.0, started + (n + 1) / self.rate - time.monotonic()))
            producer.flush(60)
            producer.close(10)
        except BaseException as exc:  # reported by the test thread
            self.error = exc


def _alert_ids(event: Event) -> dict[str, tuple[str, str]]:
    """The alerts the merge stage must have emitted for a stored event: alert id -> (event id, reason)."""
    wanted = {stable_id(event.id, "first", "1"): (event.id, "first")}
    if event.source_count >= 2:
        wanted[stable_id(event.id, "confirmed", "2")] = (event.id, "confirmed")
    return wanted


def _stored_events(bootstrap: str, topic: str) -> dict[str, Event]:
    """The event table as its changelog holds it: the latest (most sources) value of each event."""
    events: dict[str, Event] = {}
    for value in read_all(bootstrap, topic, timeout=30):
        if value is None:
            continue
        event = Event.from_json(value)
        known = events.get(event.id)
        if known is None or event.source_count >= known.source_count:
            events[event.id] = event
    return events


def _dead_lettered(bootstrap: str, topic: str) -> set[str]:
    return {DeadLetter.from_json(value).alert_id for value in read_all(bootstrap, topic, timeout=10)}


def _emitted(pipe: Pipeline) -> float:
    """Alerts the running worker process has decided (its own counter, zero at each start; 0 until up)."""
    try:
        return metric_sum(pipe.worker_metrics(), "newswatch_alerts_emitted_total")
    except OSError:
        return 0.0


def _kill_while_merging(pipe: Pipeline, rng: random.Random, timeout: float = 60) -> None:
    """SIGKILL the worker just after its merge stage decided a burst of alerts, while it sends them.

    The counter rises while a batch is decided, before its records are sent, so a kill up to 0.3 s later
    lands in deciding, sending or writing the state. Which burst is random (the first to the third
    after the start), and so is the delay; with no further burst within the timeout, the kill comes then.
    """
    skip = rng.randint(0, 2)
    seen = 0.0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pipe.assert_running()
        emitted = _emitted(pipe)
        if emitted > seen:
            if skip == 0:
                time.sleep(rng.uniform(0.0, 0.3))  # somewhere in deciding, sending, writing
                break
            skip, seen = skip - 1, emitted
        time.sleep(0.03)
    pipe.stop("worker", sig=signal.SIGKILL)


@dataclass(frozen=True)
class Size:
    events: int
    kills: int
    rate: float  # articles per second


# Articles keep arriving through every kill; what arrives while the worker is down (a start takes 6-10 s)
# reaches the merge stage in full batches (200 reports) after the restart, when the next kill comes.
CI = Size(events=200, kills=3, rate=50.0)  # 2,000 articles, 400 alerts
FULL = Size(events=1000, kills=5, rate=120.0)  # 10,000 articles, 2,000 alerts


def run_kills(tmp_path: Path, bootstrap: str, prefix: str, httpserver: HTTPServer, size: Size) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    receiver = Receiver()
    overrides = serve_receiver(
        httpserver,
        receiver,
        retry={"max_attempts": 100, "max_elapsed_seconds": 600, "initial_backoff_seconds": 0.2},
    )
    overrides["worker"] = {"session_timeout_seconds": 6}
    pipe = Pipeline(tmp_path, bootstrap, prefix, overrides=overrides)
    articles = articles_in_order(size.events)
    producer = _SteadyProducer(bootstrap, f"{prefix}{ARTICLES_RAW}", articles, size.rate)
    started = time.monotonic()
    kills: list[tuple[float, int, int]] = []  # (seconds since start, articles produced, requests answered)
    try:
        pipe.start("worker")
        producer.start()
        for _ in range(size.kills):
            _kill_while_merging(pipe, rng)
            kills.append((round(time.monotonic() - started, 1), producer.sent, receiver.requests()))
            pipe.start("worker")
        producer.join(600)
        assert producer.error is None, producer.error
        wanted = size.events * 2

        progress = {"count": -1, "since": time.monotonic()}

        def settled() -> bool:
            """All alerts delivered, or none for QUIET seconds (lost ones never come: asserted below)."""
            count = len(receiver.alert_ids())
            if count != progress["count"]:
                progress.update(count=count, since=time.monotonic())
            return count >= wanted or time.monotonic() - progress["since"] > QUIET_SECONDS

        wait_running(pipe, settled, 600, f"{wanted} alerts delivered")
        time.sleep(5)  # late repeats would arrive now
    finally:
        pipe.stop_all()
        producer.join(60)
    seconds = round(time.monotonic() - started, 1)

    stored = _stored_events(bootstrap, f"{prefix}newswatch-events-changelog")
    dead = _dead_lettered(bootstrap, f"{prefix}{ALERTS_DLQ}")
    delivered = receiver.alert_ids()
    required: dict[str, tuple[str, str]] = {}
    for event in stored.values():
        required.update(_alert_ids(event))
    lost = {a: required[a] for a in required.keys() - delivered - dead}
    ids_per_decision: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    with receiver.lock:
        for wid, payload in receiver.delivered:
            data = payload["data"]
            ids_per_decision[(data["event"]["id"], data["reason"])].add(wid)
    twice = {k: v for k, v in ids_per_decision.items() if len(v) > 1}
    repeated = receiver.repeated_webhook_ids()
    repeated_requests = sum(c - 1 for c in repeated.values())
    bound = SINK_CONCURRENCY * size.kills
    report(
        "worker-kill-alerts",
        seed=seed,
        articles=len(articles),
        kills=len(kills),
        kill_points="/".join(f"{t}s:{p}art:{r}req" for t, p, r in kills),
        events_stored=len(stored),
        events_expected=size.events,
        alerts_required=len(required),
        alerts_delivered=len(required.keys() & delivered),
        dead_lettered=len(dead),
        lost=len(lost),
        webhook_requests=receiver.requests(),
        repeated_webhook_ids=len(repeated),
        repeated_requests=repeated_requests,
        repeat_bound=bound,
        decisions_under_two_ids=len(twice),
        seconds=seconds,
    )
    assert not lost, f"{len(lost)} alerts of stored events neither delivered nor dead-lettered: {lost}"
    assert len(stored) == size.events, f"{size.events - len(stored)} events missing from the event table"
    assert len(required) == size.events * 2
    assert not twice, f"decisions delivered under two webhook-ids: {twice}"
    assert repeated_requests <= bound, repeated


@pytest.mark.integration
@pytest.mark.timeout(600)
def test_sigkilled_worker_loses_no_alert(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer
) -> None:
    run_kills(tmp_path, kafka_bootstrap, topic_prefix, httpserver, CI)


@pytest.mark.integration
@pytest.mark.soak
@pytest.mark.timeout(1800)
def test_sigkilled_worker_loses_no_alert_full_size(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer
) -> None:
    run_kills(tmp_path, kafka_bootstrap, topic_prefix, httpserver, FULL)
