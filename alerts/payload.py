"""The versioned alert payload: a CloudEvents 1.0 style envelope around the event (see docs/alerts.md)."""

from __future__ import annotations

from string import Template
from typing import Any
from urllib.parse import urlsplit

from streams.records import Alert

PAYLOAD_VERSION = "1"
EVENT_TYPE_PREFIX = "org.newswatch.alert"
DATA_SCHEMA = f"urn:newswatch:alert:v{PAYLOAD_VERSION}"
DEFAULT_TEXT_TEMPLATE = "[$severity] $headline ($type, $date; $participants; $sources sources)"


def alert_payload(alert: Alert, source: str = "urn:newswatch") -> dict[str, Any]:
    """The JSON-ready envelope: id, source, type, time, data = alert + event with codes, evidence, links."""
    event = alert.event
    data = event.to_dict()
    data["links"] = article_links(alert)
    return {
        "specversion": "1.0",
        "id": alert.id,
        "source": source,
        "type": f"{EVENT_TYPE_PREFIX}.{event.type}.v{PAYLOAD_VERSION}",
        "subject": event.id,
        "time": alert.created_at.isoformat(),
        "datacontenttype": "application/json",
        "dataschema": DATA_SCHEMA,
        "newswatchpayloadversion": PAYLOAD_VERSION,
        "data": {"alert_id": alert.id, "reason": alert.reason, "event": data},
    }


def is_web_link(url: str) -> bool:
    """Only http(s) links with a host go out: ``javascript:``, ``data:`` and the like are dropped."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def article_links(alert: Alert) -> list[dict[str, str]]:
    """Distinct http(s) article links of the evidence, in report order: url, source, published."""
    seen: set[str] = set()
    links: list[dict[str, str]] = []
    for item in alert.event.evidence:
        if not item.url or item.url in seen or not is_web_link(item.url):
            continue
        seen.add(item.url)
        published = item.published.isoformat() if item.published else ""
        links.append({"url": item.url, "source": item.source, "published": published})
    return links


def participants_text(alert: Alert) -> str:
    """Participants as 'Name (CTRY), ...' or the conflict name."""
    names = [f"{p.name} ({p.country})" if p.country else p.name for p in alert.event.participants]
    return ", ".join(names) or (alert.event.conflict or "-")


def quotes(alert: Alert, limit: int = 3) -> list[tuple[str, str]]:
    """(language code or "", sentence as written) of the first evidence in each language, at most
    ``limit``: the original wording of the report in every language that reported the event."""
    found: dict[str, str] = {}
    for item in alert.event.evidence:
        language = item.language or ""
        if item.sentence and language not in found:
            found[language] = item.sentence
    return list(found.items())[:limit]


def sources_text(alert: Alert) -> str:
    """Independent sources, and the outlets that printed the reports when copies of one wire story add
    more: "2" or "2 (5 outlets)"."""
    event = alert.event
    count = event.source_count
    return f"{count} ({len(event.outlets)} outlets)" if len(event.outlets) > count else str(count)


def languages_text(alert: Alert) -> str:
    """The languages that reported the event, as "en, ru, zh" (or "-")."""
    return ", ".join(alert.event.reported_languages) or "-"


def template_fields(alert: Alert) -> dict[str, str]:
    """The fields a user template may use (all untrusted text; sinks escape the result)."""
    event = alert.event
    links = article_links(alert)
    return {
        "id": alert.id,
        "reason": alert.reason,
        "headline": event.headline or event.type,
        "type": event.type,
        "date": event.date,
        "severity": event.severity,
        "rule": event.rule or "",
        "participants": participants_text(alert),
        "sources": str(event.source_count),
        "outlets": ", ".join(event.outlets) or "-",
        "url": links[0]["url"] if links else "",
        "languages": languages_text(alert),
        "summary": event.summary,
    }


def render_text(alert: Alert, template: str | None = None) -> str:
    """A one-line summary from a ``$name`` template; unknown names stay as written."""
    return Template(template or DEFAULT_TEXT_TEMPLATE).safe_substitute(template_fields(alert))
