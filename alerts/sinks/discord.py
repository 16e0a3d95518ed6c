"""Discord webhooks: one embed per alert, mentions disabled (``allowed_mentions.parse = []``)."""

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
from alerts.sinks.text import fit, fit_quote, markdown_escape, oneline, safe_url
from streams.records import Alert

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
QUOTE_LIMIT = 300  # per quoted sentence: an embed holds 6,000 characters in all


LABEL_LIMIT = 100


def link_lines(links: list[dict[str, str]], max_links: int, limit: int = DESCRIPTION_LIMIT) -> str:
    """One ``• [source](<url>)`` line per link, whole lines only, within ``limit`` characters.

    A line is never cut (a cut link is broken Markdown); links that do not fit are counted in a last
    ``… and N more`` line.
    """
    lines: list[str] = []
    shown = links[:max_links]
    for index, link in enumerate(shown):
        label = fit(oneline(link["source"] or "link"), LABEL_LIMIT, markdown_escape)
        line = f"• [{label}](<{safe_url(link['url'])}>)"
        rest = len(shown) - index - 1
        tail = f"\n… and {rest} more" if rest else ""
        if len("\n".join([*lines, line])) + len(tail) > limit:
            break
        lines.append(line)
    omitted = len(shown) - len(lines)
    if omitted:
        more = f"… and {omitted} more"
        if len("\n".join([*lines, more])) <= limit:
            lines.append(more)
    return "\n".join(lines)


def build_message(alert: Alert, *, template: str | None = None, max_links: int = 10) -> dict[str, Any]:
    """The Discord JSON body (content, one embed, no mentions)."""
    event = alert.event
    links = [link for link in article_links(alert) if safe_url(link["url"])]
    fields: list[dict[str, Any]] = [
        {"name": "Event type", "value": fit(event.type, FIELD_VALUE_LIMIT, markdown_escape), "inline": True},
        {"name": "Date", "value": fit(event.date, FIELD_VALUE_LIMIT, markdown_escape), "inline": True},
        {"name": "Sources", "value": sources_text(alert), "inline": True},
        {"name": "Participants", "value": fit(participants_text(alert), FIELD_VALUE_LIMIT, markdown_escape)},
        {"name": "Languages", "value": fit(languages_text(alert), FIELD_VALUE_LIMIT, markdown_escape)},
        {"name": "Summary", "value": fit(event.summary, FIELD_VALUE_LIMIT, markdown_escape)},
    ]
    for language, sentence in quotes(alert):
        # The original sentence of each reporting language, as written (right-to-left text isolated).
        name = f"Report ({language})" if language else "Report"
        fields.append({"name": name, "value": fit_quote(sentence, QUOTE_LIMIT, markdown_escape)})
    embed: dict[str, Any] = {
        "title": fit(oneline(event.headline) or event.type, TITLE_LIMIT, markdown_escape),
        "description": link_lines(links, max_links),
        # Discord rejects a field with an empty value (an event without a date, say): leave it out.
        "fields": [f for f in fields if str(f["value"]).strip()],
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
