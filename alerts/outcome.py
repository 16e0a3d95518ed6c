"""Delivery outcomes and the one HTTP status classifier every HTTP sink shares."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class Kind(enum.StrEnum):
    """What a sink saw: delivered, retry later, or a permanent failure."""

    DELIVERED = "delivered"
    RETRY = "retry"
    PERMANENT = "permanent"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A sink's classification of one attempt; ``detail`` must never hold a secret."""

    kind: Kind
    detail: str = ""
    retry_after: float | None = None
    status: int | None = None

    @classmethod
    def delivered(cls, detail: str = "", status: int | None = None) -> Outcome:
        return cls(Kind.DELIVERED, detail, None, status)

    @classmethod
    def retry(cls, detail: str, retry_after: float | None = None, status: int | None = None) -> Outcome:
        return cls(Kind.RETRY, detail, retry_after, status)

    @classmethod
    def permanent(cls, detail: str, status: int | None = None) -> Outcome:
        return cls(Kind.PERMANENT, detail, None, status)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def classify_http(
    status: int, headers: Mapping[str, str], body: str = "", *, ok_body: str | None = None
) -> Outcome:
    """2xx delivered; 408/429/5xx retry (Retry-After honoured); other 4xx permanent.

    ``ok_body`` (Slack: ``"ok"``): a 2xx whose body differs is a permanent failure (Slack reports
    some errors as HTTP 200 with an error word in the body).
    """
    snippet = body.strip()[:200]
    if 200 <= status < 300:
        if ok_body is not None and snippet and snippet != ok_body:
            return Outcome.permanent(f"HTTP {status} with error body: {snippet}", status)
        return Outcome.delivered(f"HTTP {status}", status)
    detail = f"HTTP {status}: {snippet}" if snippet else f"HTTP {status}"
    if status in (408, 429) or 500 <= status < 600:
        return Outcome.retry(detail, parse_retry_after(headers.get("Retry-After")), status)
    return Outcome.permanent(detail, status)
