"""Deduplication thresholds and windows (owned by streams.dedupe; extend here)."""

from __future__ import annotations

from pydantic import Field

from streams.settings.base import Section


class DedupeSettings(Section):
    window_days: float = Field(7.0, gt=0, description="How long an article is remembered for dedupe.")
