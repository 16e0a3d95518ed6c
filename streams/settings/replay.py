"""Replay of stored articles and backfill of archives (owned by streams.replay; extend here)."""

from __future__ import annotations

from pydantic import Field

from streams.settings.base import Section


class ReplaySettings(Section):
    stored_articles_retention_ms: int = Field(
        -1,
        ge=-1,
        description="retention.ms given to articles.unique when it is created: the article store that "
        "`newswatch replay` reads (-1 keeps every article).",
    )
    context_days: float | None = Field(
        None,
        ge=0,
        description="Replay also detects originals published this many days around the range, so duplicates "
        "inside it re-use their reports (default: dedupe.window_days).",
    )
    progress_interval_seconds: float = Field(
        10.0,
        gt=0,
        description="How often replay/backfill write a progress line when stderr is not a terminal.",
    )
