"""One event whatever the language, through the real broker: a Russian and a Chinese report of one call.

spool -> Kafka -> worker (language tag, native readers, gazetteer names in Cyrillic and Chinese, merge
by person ids) -> webhook: one event, and the alert that confirms it names both languages, quotes each
report as written and carries the English summary.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.pipeline_harness import Pipeline, alert_payloads, wait_for

pytestmark = pytest.mark.integration

# Written for this test in the style of the two agencies' reports of the Putin-Macron call of 2020-10-24.
RUSSIAN = (
    "Президент России Владимир Путин 24 октября провёл телефонный разговор с Президентом Франции "
    "Эммануэлем Макроном. Стороны обсудили ситуацию в Нагорном Карабахе."
)
CHINESE = "10月24日，俄罗斯总统普京同法国总统马克龙通电话。双方讨论了纳卡局势。"
REPORTS = {
    "ru_call.txt": (RUSSIAN, {"published": "2020-10-25T09:00:00+00:00", "source": "ria.example"}),
    "zh_call.txt": (CHINESE, {"published": "2020-10-25T10:00:00+00:00", "source": "xinhua.example"}),
}


def _stage(spool: Path, name: str) -> None:
    """Sidecar first, article last, each by an atomic rename (as the spool connector expects)."""
    text, meta = REPORTS[name]
    spool.mkdir(parents=True, exist_ok=True)
    tmp = spool / f".{name}.meta.json.tmp"
    tmp.write_text(json.dumps({**meta, "title": ""}), encoding="utf-8")
    os.replace(tmp, spool / f"{name}.meta.json")
    tmp = spool / f".{name}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, spool / name)


@pytest.fixture
def pipeline(tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, httpserver: HTTPServer):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    pipe = Pipeline(
        tmp_path,
        kafka_bootstrap,
        topic_prefix,
        overrides={"alerts": {"webhook_url": httpserver.url_for("/hook"), "group_wait_seconds": 0}},
    )
    pipe.start("worker")
    pipe.start("connectors")
    yield pipe
    pipe.stop_all()


def test_a_russian_and_a_chinese_report_make_one_event_and_an_alert_naming_both(
    pipeline: Pipeline, httpserver: HTTPServer
) -> None:
    def alerts() -> list[dict]:
        return alert_payloads([request for request, _ in httpserver.log])

    _stage(pipeline.spool, "ru_call.txt")
    wait_for(
        lambda: pipeline.assert_running() or alerts(), timeout=120, what="the alert of the Russian report"
    )
    _stage(pipeline.spool, "zh_call.txt")

    def both_languages() -> list[dict]:
        pipeline.assert_running()
        return [a for a in alerts() if a["data"]["event"]["languages"] == ["ru", "zh"]]

    (confirmed,) = wait_for(both_languages, timeout=120, what="an alert naming ru and zh")
    time.sleep(2)  # anything late would show up now
    payloads = alerts()
    assert len({a["subject"] for a in payloads}) == 1, "one event, whatever the language"
    assert [a["data"]["reason"] for a in payloads] == ["first", "confirmed"]
    assert [a["data"]["event"]["languages"] for a in payloads] == [["ru"], ["ru", "zh"]]

    event = confirmed["data"]["event"]
    assert event["type"] == "leader_call" and event["date"] == "2020-10-24"
    assert sorted(p["person_id"] for p in event["participants"]) == ["macron-emmanuel", "putin-vladimir"]
    quoted = {e["language"]: e["sentence"] for e in event["evidence"]}
    assert set(quoted) == {"ru", "zh"}
    assert "Путин" in quoted["ru"] and "Макроном" in quoted["ru"]  # as the article wrote it
    assert "普京" in quoted["zh"] and "马克龙" in quoted["zh"]
    summary = event["summary"]
    assert summary.startswith("leader call: ") and summary.endswith(", 2020-10-24, reported in ru, zh")
    assert "Vladimir Putin" in summary and "Emmanuel Macron" in summary
    assert sorted(event["sources"]) == ["ria.example", "xinhua.example"]
