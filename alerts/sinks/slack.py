"""Slack incoming webhooks: Block Kit message within Slack's limits, every untrusted text escaped."""

from __future__ import annotations

from typing import Any

import orjson

from alerts.outcome import Outcome
from alerts.payload import (
    article_links,
    languages_text,
    participants_text,
    quotes,
    render_text,
    sources_text,
)
from alerts.sinks.base import HttpSink
from alerts.sinks.text import fit, fit_quote, oneline, safe_url, slack_escape
from streams.records import Alert

TEXT_LIMIT = 3000  # characters per text object
HEADER_LIMIT = 150  # header block plain_text
FIELD_LIMIT = 2000  # each section field
MAX_FIELDS = 10
MAX_BLOCKS = 50


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _field(label: str, value: str) -> dict[str, Any]:
    return _mrkdwn(f"*{label}*\n" + fit(oneline(value), FIELD_LIMIT - len(label) - 3, slack_escape))


def slack_link(url: str, label: str) -> str | None:
    """``<url|label>`` with a safe URL (& escaped) and an escaped label; None for a non-http URL."""
    safe = safe_url(url)
    if safe is None:
        return None
    return f"<{slack_escape(safe)}|{fit(oneline(label) or 'link', 200, slack_escape)}>"


def build_message(alert: Alert, *, template: str | None = None, max_links: int = 10) -> dict[str, Any]:
    """The Slack JSON: fallback ``text`` plus header, facts, evidence, links and context blocks."""
    event = alert.event
    headline = oneline(event.headline) or event.type
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": fit(headline, HEADER_LIMIT, slack_escape)}},
    ]
    fields = [
        _field("Event type", event.type),
        _field("Date", event.date),
        _field("Participants", participants_text(alert)),
        _field("Sources", sources_text(alert)),
        _field("Languages", languages_text(alert)),
        _field("Severity", event.severity),
        _field("Reason", alert.reason),
    ]
    if event.rule:
        fields.append(_field("Rule", event.rule))
    blocks.append({"type": "section", "fields": fields[:MAX_FIELDS]})
    summary = "*Summary* " + fit(event.summary, TEXT_LIMIT - 12, slack_escape)
    blocks.append({"type": "section", "text": _mrkdwn(summary)})
    quoted = quotes(alert)
    if quoted:
        # The original sentence in each reporting language, as written (right-to-left text isolated).
        room = (TEXT_LIMIT - 20 * len(quoted)) // len(quoted)
        lines_of_quotes = [
            "> " + fit_quote(sentence, room, slack_escape) + (f" _({language})_" if language else "")
            for language, sentence in quoted
        ]
        blocks.append({"type": "section", "text": _mrkdwn("\n".join(lines_of_quotes))})
    lines: list[str] = []
    links = article_links(alert)
    for link in links[:max_links]:
        rendered = slack_link(link["url"], link["source"] or link["url"])
        if rendered is None:
            continue
        if sum(len(line) + 1 for line in lines) + len(rendered) + 40 > TEXT_LIMIT:
            break
        lines.append("• " + rendered)
    if len(links) > len(lines) and lines:
        lines.append(f"… and {len(links) - len(lines)} more")
    if lines:
        blocks.append({"type": "section", "text": _mrkdwn("\n".join(lines))})
    context = fit(f"newswatch alert {alert.id} · event {event.id}", TEXT_LIMIT, slack_escape)
    blocks.append({"type": "context", "elements": [_mrkdwn(context)]})
    fallback = fit(oneline(render_text(alert, template)), TEXT_LIMIT, slack_escape)
    return {"text": fallback, "blocks": blocks[:MAX_BLOCKS], "unfurl_links": False, "unfurl_media": False}


class SlackSink(HttpSink):
    """Posts one Block Kit message per alert; Slack allows about one message per second per hook."""

    default_rate_per_second = 1.0
    ok_body = "ok"

    async def send(self, alert: Alert) -> Outcome:
        message = build_message(alert, template=self.template_text(), max_links=self.config.max_links)
        return await self.post(orjson.dumps(message))
