"""Generic webhook sink: the versioned JSON payload, signed per Standard Webhooks."""

from __future__ import annotations

import orjson

from alerts.outcome import Outcome
from alerts.payload import alert_payload
from alerts.signing import decode_secret, signed_headers
from alerts.sinks.base import HttpSink, SinkContext
from streams.records import Alert
from streams.settings.alerts import SinkSettings


def message_id(alert: Alert) -> str:
    """The webhook-id: stable for an alert across retries, restarts and replays."""
    return f"msg_{alert.id}"


class WebhookSink(HttpSink):
    """POSTs the CloudEvents-style payload; receivers deduplicate on ``webhook-id``."""

    def __init__(self, config: SinkSettings, context: SinkContext) -> None:
        super().__init__(config, context)
        self._keys = [decode_secret(s) for s in config.secrets]

    async def send(self, alert: Alert) -> Outcome:
        body = orjson.dumps(alert_payload(alert, self.context.source))
        return await self.post(body, signed_headers(message_id(alert), body, self._keys))
