"""Debian's real Prometheus scraping a real pipeline run: every dashboard and rule query must return data.

The pipeline comes from the ``pipeline_run`` fixture (tests/conftest.py: worker + connectors against the
real broker after the seeds went through, with a few feeds). Where that fixture does not exist, this
module runs its own with tests/pipeline_harness.py: Prometheus starts first, then the seeds are staged
into the spool and three local feeds are polled, so the scrapes see the articles flow.

Asserted: every panel expression, template variable and recording rule returns at least one series;
every rule evaluates without error; no alert fires on this healthy run; every metric a query reads is
declared by the scraped processes; and the data really flowed (articles, events, deliveries counted).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_checks import evaluate_everything
from prometheus_harness import PrometheusHarness, prometheus_binary

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(
        prometheus_binary() is None, reason="prometheus not installed (apt-get install prometheus)"
    ),
]

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{name}</title><link>http://{name}.example/</link>
<description>local test feed</description>
<item><title>{name}: harvest report</title><link>http://{name}.example/a/{n}-1</link>
<guid>{name}-{n}-1</guid><pubDate>Mon, 02 Nov 2020 10:00:00 GMT</pubDate>
<description>Farmers in the valley reported a good harvest of apples this autumn, {name} writes.</description>
</item>
<item><title>{name}: rail works</title><link>http://{name}.example/a/{n}-2</link>
<guid>{name}-{n}-2</guid><pubDate>Tue, 03 Nov 2020 09:00:00 GMT</pubDate>
<description>The regional railway closes one line for maintenance during the winter months.</description>
</item>
<item><title>{name}: mercato</title><link>http://{name}.example/a/{n}-3</link>
<guid>{name}-{n}-3</guid><pubDate>Tue, 03 Nov 2020 11:00:00 GMT</pubDate>
<description>Il mercato coperto della città resterà chiuso per lavori, scrive {name}.</description>
</item></channel></rss>"""
# The Italian item is read by no detector, so the "articles undetected" panel has data too.

FEEDS = ("valley-news", "rail-wire", "city-desk")


@pytest.fixture
def live_targets(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Scrape targets of a real pipeline run: the lead's ``pipeline_run`` if present, else our own."""
    try:
        run = request.getfixturevalue("pipeline_run")
    except pytest.FixtureLookupError:
        run = None
    if run is not None:
        yield {
            "targets": {
                "newswatch-worker": [run["worker_metrics"]],
                "newswatch-connectors": [run["connector_metrics"]],
            },
            "feed_data": None,
            "pipeline": None,
        }
        return
    yield from _own_pipeline(request, tmp_path)


def _own_pipeline(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    from pytest_httpserver import HTTPServer

    from tests.pipeline_harness import Pipeline, stage_seeds

    bootstrap: str = request.getfixturevalue("kafka_bootstrap")
    prefix: str = request.getfixturevalue("topic_prefix")
    seeds_dir: Path = request.getfixturevalue("seeds_dir")
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/hook", method="POST").respond_with_data("ok")
    for n, name in enumerate(FEEDS):
        server.expect_request(f"/{name}.xml").respond_with_data(
            RSS.format(name=name, n=n), content_type="application/rss+xml"
        )
    feeds = [
        {"url": server.url_for(f"/{name}.xml"), "name": name, "interval_seconds": 2, "allow_private": True}
        for name in FEEDS
    ]
    pipe = Pipeline(
        tmp_path / "pipeline",
        bootstrap,
        prefix,
        overrides={
            "alerts": {"webhook_url": server.url_for("/hook"), "group_wait_seconds": 0},
            "connectors": {"feeds": feeds, "allow_private": True, "idle_backoff_factor": 1.0},
            "worker": {"log_json": True},
        },
    )
    try:
        pipe.start("worker")
        pipe.start("connectors")

        def stage() -> None:
            stage_seeds(seeds_dir, pipe.spool)

        yield {
            "targets": {
                "newswatch-worker": [f"127.0.0.1:{pipe.worker_metrics_port}"],
                "newswatch-connectors": [f"127.0.0.1:{pipe.connector_metrics_port}"],
            },
            "stage": stage,
            "pipeline": pipe,
        }
    finally:
        pipe.stop_all()
        server.clear()
        if server.is_running():
            server.stop()


def test_every_dashboard_and_rule_expression_returns_data_on_a_real_run(
    live_targets: dict[str, Any], tmp_path: Path
) -> None:
    pipe = live_targets.get("pipeline")
    with PrometheusHarness(live_targets["targets"], tmp_path / "prometheus") as prom:
        try:
            prom.wait_for_targets(timeout=120)
        except Exception:
            if pipe is not None:
                pipe.assert_running()
            raise
        if "stage" in live_targets:
            live_targets["stage"]()  # the seeds flow while Prometheus watches
        flowed = prom.wait_for("sum(newswatch_alert_deliveries_total) >= 7", timeout=180)
        if pipe is not None:
            pipe.assert_running()
        assert flowed, "the seven seed events were not delivered within 180 s"
        prom.wait_for("sum(newswatch_feed_fetches_total) >= 6", timeout=60)
        time.sleep(3)  # a few more scrapes after the last delivery
        prom.wait_for_rule_evaluations(rounds=2)

        report = evaluate_everything(prom, rate_interval="2m", range_="15m")
        produced = prom.query("sum(newswatch_articles_produced_total)")
        detected = prom.query("sum(newswatch_events_detected_total)")
    print(report.summary())
    if report.failures and all("newswatch_faust_" in f for f in report.failures):
        pytest.fail(
            "Faust's Prometheus sensor is not wired into the worker: in build_worker_app call "
            "faust.sensors.prometheus.setup_prometheus_sensors(app, name_prefix='newswatch_faust') "
            "(docs/observability.md, 'Faust's own sensor')\n" + report.summary()
        )
    assert not report.failures, report.summary()
    assert not report.firing, report.summary()
    assert float(produced[0]["value"][1]) >= 5
    assert float(detected[0]["value"][1]) >= 7
    if pipe is not None:
        _assert_json_logs_trace_items(pipe)


def _assert_json_logs_trace_items(pipe: Any) -> None:
    """With worker.log_json every log line of both processes is one JSON object, and the worker's
    lines carry the ids that let an event be followed (event_id, stage)."""
    import json

    records = {}
    for name in ("worker", "connectors"):
        lines = [line for line in pipe.log_text(name).splitlines() if line.startswith("{")]
        assert lines, f"no JSON log lines from {name}"
        records[name] = [json.loads(line) for line in lines]
        assert all({"ts", "level", "logger", "message"} <= set(r) for r in records[name])
    worker = records["worker"]
    # At info level the merge stage logs every alert decision with its event id (per-article lines,
    # such as dedupe's "duplicate of", are debug level).
    assert any(r.get("stage") == "merge" and r.get("event_id") for r in worker), "no event_id in merge logs"
