"""Only http(s) links go out in a webhook payload's ``links[]`` (issue 14, item 12)."""

from __future__ import annotations

import dataclasses

from alerts.deadletter import MemoryDeadLetters
from alerts.delivery_log import InMemoryDeliveryLog
from alerts.dispatch import Dispatcher
from alerts.payload import alert_payload, is_web_link
from streams.records import Alert, Evidence


def _with_urls(alert: Alert, urls: list[str]) -> Alert:
    evidence = tuple(
        Evidence(f"x{n}", url, "They spoke by phone.", f"site{n}.example") for n, url in enumerate(urls)
    )
    return dataclasses.replace(alert, event=dataclasses.replace(alert.event, evidence=evidence))


HOSTILE = [
    "javascript:alert(document.cookie)",
    " JavaScript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "ftp://files.example/a",
    "https:///no-host",
    "//news.example/protocol-relative",
]


def test_is_web_link_takes_only_http_and_https_with_a_host():
    assert is_web_link("https://news.example/a?b=1") and is_web_link("HTTP://news.example/")
    assert not any(is_web_link(url) for url in HOSTILE)


async def test_webhook_payload_drops_non_http_links(make_settings, receiver, alert_factory):
    alert = _with_urls(alert_factory(), [*HOSTILE, "https://news.example/real"])
    assert [link["url"] for link in alert_payload(alert)["data"]["event"]["links"]] == [
        "https://news.example/real"
    ]
    settings = make_settings(sinks=[{"name": "hook", "type": "webhook", "url": receiver.url}])
    dispatcher = Dispatcher.from_settings(
        settings, delivery_log=InMemoryDeliveryLog(), dead_letter=MemoryDeadLetters()
    )
    await dispatcher.start()
    try:
        await dispatcher.submit(alert)
        await receiver.wait_for(1)
    finally:
        await dispatcher.close()
    links = receiver.requests[0].json()["data"]["event"]["links"]
    assert [link["url"] for link in links] == ["https://news.example/real"]
    assert "javascript:" not in receiver.requests[0].body.decode().lower().split('"links"')[1]
