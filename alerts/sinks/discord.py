"""Discord webhooks: one embed per alert, mentions disabled (``allowed_mentions.parse = []``)."""

from __future__ import annotations

from typing import Any

import orjson

from alerts.outcome import Outcome
from alerts.payload import article_links, participants_text, render_text
from alerts.sinks.base import HttpSink
from alerts.sinks.text import fit, markdown_escape, oneline, safe_url
from streams.records import Alert

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024


def build_message(alert: Alert, *, template: str | None = None, max_links: int = 10) -> dict[str, Any]:
    """The Discord JSON body (content, one embed, no mentions)."""
    event = alert.event
    links = [link for link in article_links(alert) if safe_url(link["url"])]
    lines = []
    for link in links[:max_links]:
        label = markdown_escape(oneline(link["source"] or "link"))[:100]
        lines.append(f"• [{label}](<{safe_url(link['url'])}>)")
    description = "\n".join(lines)[:DESCRIPTION_LIMIT]
    fields = [
        {"name": "Event type", "value": fit(event.type, FIELD_VALUE_LIMIT, markdown_escape), "inline": True},
        {"name": "Date", "value": fit(event.date, FIELD_VALUE_LIMIT, markdown_escape), "inline": True},
        {"name": "Sources", "value": str(event.source_count), "inline": True},
        {"name": "Participants", "value": fit(participants_text(alert), FIELD_VALUE_LIMIT, markdown_escape)},
    ]
    embed: dict[str, Any] = {
        "title": fit(oneline(event.headline) or event.type, TITLE_LIMIT, markdown_escape),
        "description": description,
        "fields": fields,
        "footer": {"text": f"alert {alert.id} · {alert.reason}"},
        "timestamp": alert.created_at.isoformat(),
    }
    if links:
        embed["url"] = safe_url(links[0]["url"])
    content = fit(oneline(render_text(alert, template)), CONTENT_LIMIT, markdown_escape)
    return {"content": content, "embeds": [embed], "allowed_mentions": {"parse": []}}


class DiscordSink(HttpSink):
    """Posts one message per alert (Discord allows about 30 per minute per webhook)."""

    default_rate_per_second = 0.5

    async def send(self, alert: Alert) -> Outcome:
        message = build_message(alert, template=self.template_text(), max_links=self.config.max_links)
        return await self.post(orjson.dumps(message))
