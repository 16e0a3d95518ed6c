"""Event detection (owned by streams.detect; extend here)."""

from __future__ import annotations

from pydantic import Field

from streams.settings.base import Section


class DetectSettings(Section):
    gazetteer_path: str | None = Field(None, description="Extra gazetteer file merged over the shipped one.")
    rules_path: str | None = Field(None, description="YAML file of user rules (watchlists, event types).")
    max_event_age_days: int = Field(
        45,
        ge=1,
        description="Reports of a call or ceasefire older than this many days before publication "
        "are background.",
    )
