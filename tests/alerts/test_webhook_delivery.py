"""Signed generic webhooks against a real receiver: signature, retries, Retry-After, DLQ, replay."""

from __future__ import annotations

import base64
import logging
import time

import pytest
from standardwebhooks import Webhook

from alerts.deadletter import MemoryDeadLetters
from alerts.delivery_log import InMemoryDeliveryLog
from alerts.dispatch import Dispatcher

SECRET_A = "whsec_" + base64.b64encode(b"first-secret-key-0123456789abcd").decode()
SECRET_B = "whsec_" + base64.b64encode(b"rotated-secret-key-987654321xyz").decode()


def webhook_settings(make_settings, url, **extra):
    sink = {"name": "hook", "type": "webhook", "url": url, "secrets": [SECRET_A, SECRET_B]}
    sink.update(extra.pop("sink", {}))
    return make_settings(sinks=[sink], **extra)


async def run(settings, alerts, *, log=None, dlq=None, timeout=20.0):
    log = log if log is not None else InMemoryDeliveryLog()
    dlq = dlq if dlq is not None else MemoryDeadLetters()
    dispatcher = Dispatcher.from_settings(settings, delivery_log=log, dead_letter=dlq)
    await dispatcher.start()
    try:
        results = [await dispatcher.submit(a) for a in alerts]
        await dispatcher.flush(timeout)
    finally:
        await dispatcher.close()
    return results, log, dlq


async def test_signature_verifies_with_reference_library_for_each_secret(
    make_settings, receiver, alert_factory
):
    alert = alert_factory()
    (sub,), log, dlq = await run(webhook_settings(make_settings, receiver.url), [alert])
    assert sub.sent and sub.sinks == ("hook",)
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    headers = {k.lower(): v for k, v in got.headers.items()}
    for secret in (SECRET_A, SECRET_B):  # either secret verifies: rotation
        payload = Webhook(secret).verify(got.body, headers)
        assert payload["id"] == alert.id
    assert headers["webhook-id"] == f"msg_{alert.id}"
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    body = got.json()
    assert body["specversion"] == "1.0" and body["type"] == "org.newswatch.alert.leader_call.v1"
    assert body["data"]["event"]["cameo"] == "036"
    assert body["data"]["event"]["links"][0]["url"].startswith("https://news0.example/")
    assert log.was_delivered(alert.id, "hook") and not dlq.letters


async def test_500s_then_success_delivers_once_with_same_webhook_id(make_settings, receiver, alert_factory):
    receiver.script = [(500, {}, "boom"), (502, {}, ""), (200, {}, "")]
    alert = alert_factory()
    _, log, dlq = await run(webhook_settings(make_settings, receiver.url), [alert])
    assert len(receiver.requests) == 3
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert ids == {f"msg_{alert.id}"}
    for got in receiver.requests:  # every attempt is signed afresh and verifies
        Webhook(SECRET_A).verify(got.body, got.headers)
    assert log.was_delivered(alert.id, "hook") and not dlq.letters


async def test_retry_after_is_honoured(make_settings, receiver, alert_factory):
    receiver.script = [(429, {"Retry-After": "2"}, "slow down")]
    _, _log, _ = await run(webhook_settings(make_settings, receiver.url), [alert_factory()])
    assert len(receiver.requests) == 2
    assert receiver.requests[1].at - receiver.requests[0].at >= 2.0


async def test_permanent_4xx_goes_to_dlq_after_one_attempt(make_settings, receiver, alert_factory):
    receiver.default = (404, {}, "no such hook")
    alert = alert_factory()
    _, log, dlq = await run(webhook_settings(make_settings, receiver.url), [alert])
    assert len(receiver.requests) == 1
    (letter,) = dlq.letters
    assert letter.sink == "hook" and letter.attempts == 1 and letter.status == 404
    assert letter.alert_id == alert.id and not log.was_delivered(alert.id, "hook")


async def test_receiver_down_then_dlq_then_replay(make_settings, receiver, dead_port, alert_factory):
    alert = alert_factory()
    down = webhook_settings(make_settings, f"http://127.0.0.1:{dead_port}/hook/x")
    _, log, dlq = await run(down, [alert])
    (letter,) = dlq.letters
    assert letter.attempts == 4 and "ClientConnectorError" in letter.error
    # the receiver is back: replay through the same wrapper, using the same delivery log
    up = webhook_settings(make_settings, receiver.url)
    dispatcher = Dispatcher.from_settings(up, delivery_log=log, dead_letter=dlq)
    await dispatcher.start()
    try:
        result = await dispatcher.redeliver(letter)
        again = await dispatcher.redeliver(letter)
    finally:
        await dispatcher.close()
    assert result.status == "delivered" and again.status == "duplicate"
    assert len(receiver.requests) == 1
    assert receiver.requests[0].headers["webhook-id"] == f"msg_{alert.id}"


async def test_restarted_dispatcher_does_not_resend_delivered(make_settings, receiver, alert_factory):
    alert = alert_factory()
    settings = webhook_settings(make_settings, receiver.url)
    _, log, _ = await run(settings, [alert])
    (sub,), _, _ = await run(settings, [alert], log=log)
    assert not sub.sent and sub.reason == "duplicate"
    assert len(receiver.requests) == 1


async def test_secrets_never_leak(make_settings, receiver, alert_factory, caplog):
    caplog.set_level(logging.DEBUG)
    receiver.script = [(500, {}, "token T0SECRET-path-token-123 is rate limited")]
    receiver.default = (403, {}, f"bad token for {receiver.url}")
    settings = webhook_settings(make_settings, receiver.url)
    _, _, dlq = await run(settings, [alert_factory()])
    secrets = ["T0SECRET-path-token-123", SECRET_A, SECRET_B, SECRET_A[6:]]
    texts = [caplog.text, repr(settings), str(settings), dlq.letters[0].to_json().decode()]
    texts.append(settings.model_dump_json())
    for text in texts:
        for secret in secrets:
            assert secret not in text


@pytest.mark.parametrize("bad", ["not-base64!!", "whsec_c2hvcnQ="])
def test_bad_secret_is_a_config_error_without_the_secret(make_settings, bad):
    from streams.errors import ConfigError

    settings = webhook_settings(make_settings, "http://127.0.0.1:1/x")
    settings = settings.model_copy(
        update={
            "sinks": (settings.sinks[0].model_copy(update={"secrets": (type(settings.sinks[0].url)(bad),)}),)
        }
    )
    with pytest.raises(ConfigError) as info:
        Dispatcher.from_settings(
            settings, delivery_log=InMemoryDeliveryLog(), dead_letter=MemoryDeadLetters()
        )
    assert bad not in str(info.value)


async def test_simple_setup_from_environment(receiver, alert_factory, tmp_path, capsys):
    from streams.settings import load_settings

    environ = {
        "NEWSWATCH_WEBHOOK_URL": receiver.url,
        "NEWSWATCH_ALERTS__WEBHOOK_SECRETS": f"[{SECRET_A}]",
        "NEWSWATCH_ALERTS__STATE_DIR": str(tmp_path),
    }
    settings = load_settings(None, environ=environ).alerts
    (sub,), _, _ = await run(settings, [alert_factory()])
    assert sub.sinks == ("console", "webhook") and sub.routes == ("default",)
    got = receiver.requests[0]
    Webhook(SECRET_A).verify(got.body, got.headers)
    assert "ALERT" in capsys.readouterr().out
