"""Small pure parts: the status classifier, Retry-After, back-off, signing, logs, silences, routing."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pydantic import SecretStr
from standardwebhooks import Webhook

from alerts.delivery import backoff_delay
from alerts.delivery_log import FileDeliveryLog
from alerts.outcome import Kind, classify_http, parse_retry_after
from alerts.routing import matches
from alerts.signing import decode_secret, signed_headers
from alerts.silences import SilenceStore
from streams.errors import ConfigError
from streams.settings.alerts import MatchSettings, RetrySettings


@pytest.mark.parametrize(
    ("status", "kind"),
    [(200, Kind.DELIVERED), (204, Kind.DELIVERED), (408, Kind.RETRY), (429, Kind.RETRY), (500, Kind.RETRY),
     (503, Kind.RETRY), (400, Kind.PERMANENT), (401, Kind.PERMANENT), (404, Kind.PERMANENT),
     (410, Kind.PERMANENT), (301, Kind.PERMANENT)],
)  # fmt: skip
def test_classifier(status, kind):
    assert classify_http(status, {}, "").kind is kind


def test_classifier_slack_error_body_and_retry_after():
    assert classify_http(200, {}, "ok", ok_body="ok").kind is Kind.DELIVERED
    assert classify_http(200, {}, "no_service", ok_body="ok").kind is Kind.PERMANENT
    assert classify_http(503, {"Retry-After": "7"}, "").retry_after == 7.0


def test_retry_after_http_date():
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now) == pytest.approx(30)
    assert parse_retry_after("soon") is None and parse_retry_after("-5") == 0.0


def test_backoff_grows_caps_and_jitters_down():
    retry = RetrySettings(initial_backoff_seconds=1, multiplier=2, max_backoff_seconds=10, jitter=0.5)
    assert [backoff_delay(n, retry, 0.0) for n in (1, 2, 3, 4, 5)] == [1, 2, 4, 8, 10]
    assert backoff_delay(3, retry, 1.0) == 2.0


def test_signature_matches_reference_library():
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    body = b'{"a": 1}'
    headers = signed_headers("msg_1", body, [decode_secret(SecretStr(secret))])
    assert Webhook(secret).verify(body, headers) == {"a": 1}


def test_file_delivery_log_survives_torn_line(tmp_path):
    path = tmp_path / "log.jsonl"
    log = FileDeliveryLog(path)
    asyncio.run(log.mark_delivered("a1", "hook"))
    with path.open("ab") as handle:
        handle.write(b'{"alert_id": "a2", "si')
    again = FileDeliveryLog(path)
    assert again.was_delivered("a1", "hook") and not again.was_delivered("a2", "hook")


def test_damaged_silences_file_keeps_previous(tmp_path, alert_factory):
    path = tmp_path / "silences.json"
    store = SilenceStore(path, reload_seconds=0)
    store.add({"type": "leader_call"}, 60)
    assert store.matching(alert_factory()) is not None
    path.write_text("{not json")
    assert store.matching(alert_factory()) is not None  # logged, previous silences kept
    with pytest.raises(ConfigError):
        SilenceStore(path)


def test_route_conditions(alert_factory):
    alert = alert_factory(rule="watch", severity="critical")
    assert matches(MatchSettings(), alert)
    assert matches(MatchSettings(countries=("rus",), participants=("Xi Jinping",)), alert)
    assert matches(MatchSettings(rules=("rule:watch",), min_sources=2), alert)
    assert not matches(MatchSettings(min_sources=3), alert)
    assert not matches(MatchSettings(types=("leader_call",), severities=("info",)), alert)


async def test_open_circuit_and_spent_budget_dead_letters_without_attempt(alert_factory):
    from alerts.deadletter import MemoryDeadLetters
    from alerts.delivery import Deliverer
    from alerts.delivery_log import InMemoryDeliveryLog
    from alerts.sinks import SinkContext, build_sink
    from streams.settings.alerts import SinkSettings

    sink = build_sink(
        SinkSettings(name="u-hook", type="webhook", url=SecretStr("http://127.0.0.1:9/x")), SinkContext()
    )
    dlq = MemoryDeadLetters()
    now = [1000.0]
    deliverer = Deliverer(delivery_log=InMemoryDeliveryLog(), dead_letter=dlq, clock=lambda: now[0])
    for _ in range(5):
        deliverer.breaker("u-hook").record_failure()
    result = await deliverer.deliver(sink, [alert_factory()], queued_at=0.0)
    assert (result.status, result.attempts) == ("dead_lettered", 0)
    assert dlq.letters[0].error.startswith("circuit open")
