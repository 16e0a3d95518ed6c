"""Restart the (single) broker mid-stream: connectors and worker reconnect, and nothing is lost.

Uses a broker of its own (own ports and data folder under the test's tmp dir), never the shared test
broker on 29192. Articles go in through the spool folder and come out as signed webhook alerts: one
alert per article, so "nothing lost" is "every expected alert delivered, each webhook-id once".
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from streams.topics import ARTICLES_RAW
from tests.faults.helpers import (
    Receiver,
    article_counts,
    call_article,
    expected_event,
    own_broker,
    report,
    webhook_overrides,
    write_spool_file,
)
from tests.integration.kafka_io import read_all
from tests.pipeline_harness import Pipeline, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

TOTAL = 40
DOWN_SECONDS = 15


def _feed(spool: Path, articles: list) -> None:
    for article in articles:
        write_spool_file(spool, article)
        time.sleep(0.4)


@pytest.mark.parametrize(
    "how",
    [pytest.param("stop", id="clean-stop"), pytest.param("kill", id="sigkill", marks=pytest.mark.soak)],
)
def test_broker_restart_mid_stream_loses_nothing(
    tmp_path: Path, topic_prefix: str, httpserver: HTTPServer, how: str
) -> None:
    receiver = Receiver()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    articles = [call_article(n) for n in range(TOTAL)]
    expected = {expected_event(n) for n in range(TOTAL)}
    started = time.monotonic()
    with own_broker(tmp_path / "kafka") as broker:
        pipe = Pipeline(
            tmp_path / "run",
            broker.bootstrap,
            topic_prefix,
            overrides=webhook_overrides(
                httpserver.url_for("/hook"), retry={"max_attempts": 1000, "max_elapsed_seconds": 600}
            ),
        )
        try:
            pipe.start("worker")
            pipe.start("connectors")
            # A steady stream of files (one every 0.4 s, 16 s in all) that the broker stop lands in.
            feeder = threading.Thread(target=_feed, args=(pipe.spool, articles), daemon=True)
            feeder.start()
            wait_for(
                lambda: pipe.assert_running() or len(receiver.events()) >= 3,
                180,
                "the first alerts before the broker restart",
            )
            before = len(receiver.events())
            if how == "stop":
                broker.stop()
            else:
                broker.kill()
            stopped_at = time.monotonic()
            # The stream goes on while the broker is away: new files arrive, in-flight work waits.
            while time.monotonic() - stopped_at < DOWN_SECONDS:
                pipe.assert_running()
                time.sleep(1)
            during = len(receiver.events())
            feeder.join()
            broker.start()
            back_at = time.monotonic()
            wait_for(
                lambda: pipe.assert_running() or receiver.events() >= expected,
                300,
                "every alert after the broker came back",
                interval=1,
            )
            recovered_in = time.monotonic() - back_at
            time.sleep(3)
        finally:
            pipe.stop_all()
        values = read_all(broker.bootstrap, f"{topic_prefix}{ARTICLES_RAW}", expect=TOTAL, timeout=60)
    counts, bad = article_counts(values)
    repeated = receiver.repeated_webhook_ids()
    report(
        f"broker-restart-{how}",
        articles_expected=TOTAL,
        articles_on_kafka=sum(counts.values()),
        articles_distinct=len(counts),
        alerts_expected=len(expected),
        alerts_delivered=len(receiver.events() & expected),
        alerts_before_stop=before,
        alerts_while_down=during - before,
        webhook_requests=receiver.requests(),
        repeated_webhook_ids=len(repeated),
        broker_down_seconds=DOWN_SECONDS,
        recovered_in_seconds=round(recovered_in, 1),
        seconds=round(time.monotonic() - started, 1),
    )
    assert set(counts) == {a.id for a in articles} and not bad
    assert receiver.events() == expected
    assert not repeated, f"alerts delivered twice: {repeated}"
