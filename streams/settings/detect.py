"""Event detection (owned by streams.detect; extend here)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from streams.records import EventType
from streams.settings.base import Section

Severity = Literal["info", "warning", "critical"]


class TypeSettings(Section):
    """One built-in event type's switches (``detect.types.<type>``)."""

    enabled: bool = Field(True, description="False: the engine drops every finding of this type.")
    severity: Severity | None = Field(
        None, description="Severity of this type's events (info, warning, critical); unset: the detector's."
    )


class DetectSettings(Section):
    gazetteer_path: str | None = Field(None, description="Extra gazetteer file merged over the shipped one.")
    rules_path: str | None = Field(None, description="YAML file of user rules (watchlists, event types).")
    max_event_age_days: int = Field(
        45,
        ge=1,
        description="Reports of a call or ceasefire older than this many days before publication "
        "are background.",
    )
    types: dict[str, TypeSettings] = Field(
        default_factory=dict,
        description="Per built-in event type (leader_call, armed_attack, ...): enabled and severity, e.g. "
        "NEWSWATCH_DETECT__TYPES__THREAT__ENABLED=false; where a type alerts is alerts.type_routes.",
    )

    @field_validator("types")
    @classmethod
    def _known_types(cls, types: dict[str, TypeSettings]) -> dict[str, TypeSettings]:
        unknown = sorted(set(types) - set(EventType.ALL))
        if unknown:
            known = ", ".join(EventType.ALL)
            raise ValueError(f"unknown event types in detect.types: {', '.join(unknown)}; known: {known}")
        return types

    def disabled_types(self) -> frozenset[str]:
        """The built-in types switched off."""
        return frozenset(name for name, chosen in self.types.items() if not chosen.enabled)

    def severities(self) -> dict[str, str]:
        """The severity chosen for each type that has one."""
        return {name: chosen.severity for name, chosen in self.types.items() if chosen.severity is not None}
