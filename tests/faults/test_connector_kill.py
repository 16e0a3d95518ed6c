"""SIGKILL the connector process mid-poll and restart it: every article reaches articles.raw exactly once.

The producer is slowed down (few articles in flight, a linger per batch) so the kill lands while a spool
folder / a feed document is half produced: some articles acknowledged, some in flight, some not sent.
Articles the broker got whose ack the killed process had not recorded yet must not be produced again:
the restarted connector finds them on the topic (``connectors/readback.py``). The feed test reports how
many there were (``on_topic_not_recorded_at_kill``); before that read-back, each was a duplicate.
"""

from __future__ import annotations

import contextlib
import random
import re
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pytest_httpserver import HTTPServer

from streams.topics import ARTICLES_RAW
from tests.faults.helpers import article_counts, call_article, report, write_spool_file
from tests.integration.kafka_io import read_all
from tests.pipeline_harness import Pipeline, metric_sum, wait_for

pytestmark = pytest.mark.integration

SLOW_PRODUCER = {"producer": {"max_in_flight_articles": 4, "linger_ms": 40}}


def _produced(pipe: Pipeline) -> float:
    return metric_sum(pipe.connector_metrics(), "newswatch_articles_produced_total")


def _kill_in_window(
    pipe: Pipeline, topic: str, at_least: int, total: int, recorded_now: Callable[[], int]
) -> tuple[float, int, int]:
    """SIGKILL the connectors where a crash hurts most: the broker holds articles the state has not recorded.

    Once ``at_least`` articles are acknowledged, the process is frozen (SIGSTOP) at short random
    intervals; while frozen, the broker appends what was already sent but the process records nothing.
    The first freeze that finds more articles on the topic than ``recorded_now()`` counts as produced
    becomes the kill (else the one reaching two thirds of ``total``). Returns (acked, on topic, recorded).
    """
    process = pipe.start("connectors")
    wait_for(
        lambda: pipe.assert_running() or _produced(pipe) >= at_least,
        120,
        f"{at_least} articles acknowledged before the kill",
        interval=0.05,
    )
    rng = random.Random()
    while True:
        acked = _produced(pipe)
        process.send_signal(signal.SIGSTOP)
        time.sleep(0.3)  # requests already on the wire reach the log
        on_topic = len(read_all(pipe.bootstrap, topic, timeout=10))
        recorded = recorded_now()
        if on_topic > recorded or on_topic >= total * 2 // 3:
            break
        process.send_signal(signal.SIGCONT)
        time.sleep(rng.uniform(0.0, 0.1))
    pipe.stop("connectors", sig=signal.SIGKILL)
    assert on_topic < total, f"the kill came too late ({on_topic} of {total} already on the topic)"
    return acked, on_topic, recorded


def _count(pipe: Pipeline, table: str) -> int:
    """Rows of one table of the connector's state store (readable while the process is frozen)."""
    with contextlib.closing(sqlite3.connect(pipe.root / "connectors" / "connectors.sqlite3")) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _spool_recorded(pipe: Pipeline) -> int:
    """Spool files recorded as produced: in done/, or in the state store just before their move."""
    with contextlib.closing(sqlite3.connect(pipe.root / "connectors" / "connectors.sqlite3")) as db:
        names = {row[0] for row in db.execute("SELECT name FROM spool_done")}
    return len(names | {p.name for p in (pipe.spool / "done").glob("*.txt")})


def _recovered(pipe: Pipeline) -> int:
    """Articles the restarted connector found on the topic among those left in flight (its log line)."""
    line = re.compile(r"were in flight at the last stop: (\d+) found on the topic")
    return sum(int(n) for n in line.findall(pipe.log_text("connectors")))


def _settle_and_count(bootstrap: str, prefix: str, total: int, by: str = "id") -> tuple[dict, int]:
    values = read_all(bootstrap, f"{prefix}{ARTICLES_RAW}", expect=total, timeout=60)
    time.sleep(2)  # nothing late may follow
    values = read_all(bootstrap, f"{prefix}{ARTICLES_RAW}", expect=len(values), timeout=60)
    counts, bad = article_counts(values, by=by)
    return dict(counts), bad


def test_killed_spool_connector_loses_and_repeats_nothing(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str
) -> None:
    total = 80
    pipe = Pipeline(tmp_path, kafka_bootstrap, topic_prefix, overrides={"connectors": SLOW_PRODUCER})
    articles = [call_article(n) for n in range(total)]
    for article in articles:
        write_spool_file(pipe.spool, article)
    started = time.monotonic()
    try:
        at_kill, on_topic_at_kill, recorded_at_kill = _kill_in_window(
            pipe, f"{topic_prefix}{ARTICLES_RAW}", total // 3, total, lambda: _spool_recorded(pipe)
        )
        left_in_spool = len(list(pipe.spool.glob("*.txt")))
        in_flight_at_kill = _count(pipe, "in_flight")
        pipe.start("connectors")
        wait_for(
            lambda: pipe.assert_running() or not list(pipe.spool.glob("*.txt")),
            180,
            "the spool folder to be emptied after the restart",
        )
        wait_for(lambda: len(list((pipe.spool / "done").glob("*.txt"))) == total, 30, "every file in done/")
        found_by_readback = _recovered(pipe)
    finally:
        pipe.stop_all()
    counts, bad = _settle_and_count(kafka_bootstrap, topic_prefix, total)
    expected = {a.id for a in articles}
    missing = expected - set(counts)
    duplicated = {k: c for k, c in counts.items() if c > 1}
    report(
        "connector-kill-spool",
        articles_expected=total,
        articles_on_kafka=sum(counts.values()),
        distinct=len(counts),
        missing=len(missing),
        duplicated=len(duplicated),
        undecodable=bad,
        acked_before_kill=int(at_kill),
        files_left_at_kill=left_in_spool,
        on_topic_at_kill=on_topic_at_kill,
        recorded_at_kill=recorded_at_kill,
        on_topic_not_recorded_at_kill=on_topic_at_kill - recorded_at_kill,
        in_flight_noted_at_kill=in_flight_at_kill,
        found_by_readback=found_by_readback,
        seconds=round(time.monotonic() - started, 1),
    )
    assert not missing, f"articles lost: {sorted(missing)[:10]}"
    assert set(counts) == expected and not bad
    assert not duplicated, f"articles produced more than once: {duplicated}"
    assert not list((pipe.spool / "failed").glob("*"))


def _rss(total: int, base: str) -> bytes:
    items = []
    for n in range(total):
        article = call_article(n, site="feed.faults.example")
        items.append(
            "<item>"
            f"<title>{escape(article.title)}</title>"
            f"<link>{escape(article.url)}</link>"
            f'<guid isPermaLink="false">{article.id}</guid>'
            f"<pubDate>{article.published:%a, %d %b %Y %H:%M:%S} GMT</pubDate>"
            f"<description>{escape(article.text)}</description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Fault feed</title><link>{base}</link><description>d</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def test_killed_feed_connector_loses_and_repeats_nothing(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer
) -> None:
    total = 300
    body = _rss(total, httpserver.url_for("/"))
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml")
    feed = {
        "url": httpserver.url_for("/feed.xml"),
        "name": "faults",
        "interval_seconds": 2,
        "allow_private": True,
        "source_site": "feed.faults.example",
    }
    pipe = Pipeline(
        tmp_path,
        kafka_bootstrap,
        topic_prefix,
        overrides={
            "connectors": {
                **SLOW_PRODUCER,
                "spool_dir": None,
                "feeds": [feed],
                "allow_private": True,
                "start_spread_seconds": 0,
                "jitter_fraction": 0,
            }
        },
    )
    started = time.monotonic()
    try:
        topic = f"{topic_prefix}{ARTICLES_RAW}"
        at_kill, on_topic_at_kill, recorded_at_kill = _kill_in_window(
            pipe, topic, total // 3, total, lambda: _count(pipe, "seen")
        )
        in_flight_at_kill = _count(pipe, "in_flight")
        pipe.start("connectors")
        # The restarted connector polls again; wait until the topic holds every entry (or time runs out).
        wait_for(
            lambda: (
                pipe.assert_running()
                or len(
                    article_counts(
                        read_all(kafka_bootstrap, f"{topic_prefix}{ARTICLES_RAW}", timeout=10), by="url"
                    )[0]
                )
                >= total
            ),
            180,
            "every feed entry on articles.raw after the restart",
            interval=2,
        )
        time.sleep(5)  # a few more polls: an unchanged feed must produce nothing new
        found_by_readback = _recovered(pipe)
    finally:
        pipe.stop_all()
    # Feed entries get ids scoped to the feed; the entry link (canonical URL) identifies them here.
    counts, bad = _settle_and_count(kafka_bootstrap, topic_prefix, total, by="url")
    expected = {call_article(n, site="feed.faults.example").url for n in range(total)}
    missing = expected - set(counts)
    duplicated = {k: c for k, c in counts.items() if c > 1}
    report(
        "connector-kill-feed",
        articles_expected=total,
        articles_on_kafka=sum(counts.values()),
        distinct=len(counts),
        missing=len(missing),
        duplicated=len(duplicated),
        undecodable=bad,
        acked_before_kill=int(at_kill),
        on_topic_at_kill=on_topic_at_kill,
        recorded_at_kill=recorded_at_kill,
        on_topic_not_recorded_at_kill=on_topic_at_kill - recorded_at_kill,
        in_flight_noted_at_kill=in_flight_at_kill,
        found_by_readback=found_by_readback,
        seconds=round(time.monotonic() - started, 1),
    )
    assert not missing, f"articles lost: {sorted(missing)[:10]}"
    assert not bad
    assert not duplicated, (
        f"{len(duplicated)} feed entries produced twice: on Kafka before the kill but not recorded as "
        f"produced ({on_topic_at_kill - recorded_at_kill} such at the kill), and not found by the "
        "read-back of connectors/readback.py after the restart"
    )
