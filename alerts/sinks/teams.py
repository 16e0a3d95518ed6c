"""Microsoft Teams (Workflows / incoming webhook): an Adaptive Card per alert, Markdown escaped."""

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

TEXT_LIMIT = 2000


def build_message(alert: Alert, *, template: str | None = None, max_links: int = 10) -> dict[str, Any]:
    """The Teams message: one Adaptive Card 1.4 attachment with facts and link buttons."""
    event = alert.event

    def fact(title: str, value: str) -> dict[str, str]:
        return {"title": title, "value": fit(oneline(value), 500, markdown_escape)}

    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": fit(oneline(event.headline) or event.type, 500, markdown_escape),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        },
        {
            "type": "FactSet",
            "facts": [
                fact("Event type", event.type),
                fact("Date", event.date),
                fact("Participants", participants_text(alert)),
                fact("Sources", sources_text(alert)),
                fact("Languages", languages_text(alert)),
                fact("Severity", event.severity),
                fact("Summary", event.summary),
            ],
        },
        # The original sentence of each reporting language, as written (right-to-left text isolated).
        *(
            {
                "type": "TextBlock",
                "text": fit_quote(sentence, 500, markdown_escape) + (f" ({language})" if language else ""),
                "wrap": True,
                "isSubtle": True,
            }
            for language, sentence in quotes(alert)
        ),
        {
            "type": "TextBlock",
            "text": fit(oneline(render_text(alert, template)), TEXT_LIMIT, markdown_escape),
            "wrap": True,
            "isSubtle": True,
        },
    ]
    actions = []
    for link in article_links(alert)[: min(max_links, 5)]:
        url = safe_url(link["url"])
        if url:
            actions.append(
                {"type": "Action.OpenUrl", "title": fit(link["source"] or "article", 60), "url": url}
            )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": actions,
    }
    attachment = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None,
        "content": card,
    }
    return {"type": "message", "attachments": [attachment]}


class TeamsSink(HttpSink):
    """Posts one Adaptive Card per alert."""

    default_rate_per_second = 1.0

    async def send(self, alert: Alert) -> Outcome:
        message = build_message(alert, template=self.template_text(), max_links=self.config.max_links)
        return await self.post(orjson.dumps(message))
