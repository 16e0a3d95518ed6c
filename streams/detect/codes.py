"""CAMEO codes and PLOVER category/mode for each built-in event type, so events join GDELT-style data.

CAMEO is the coding scheme GDELT uses (041 "discuss by telephone", 0871 "declare truce, ceasefire",
196 "violate ceasefire"); PLOVER is its successor, mapped here as the Open Event Data Alliance's
CAMEO-to-PLOVER table does (041 -> CONSULT/phone, 0871 -> RETREAT/ceasefire, 196 -> ASSAULT).
"""

from __future__ import annotations

from dataclasses import dataclass

from streams.records import EventType


@dataclass(frozen=True, slots=True)
class EventCode:
    """The codes an event type carries: CAMEO code and description, PLOVER category and mode."""

    cameo: str
    cameo_label: str
    plover_category: str
    plover_mode: str | None


CODES: dict[str, EventCode] = {
    EventType.LEADER_CALL: EventCode("041", "Discuss by telephone", "CONSULT", "phone"),
    EventType.OFFICIAL_CONTACT: EventCode("041", "Discuss by telephone", "CONSULT", "phone"),
    EventType.CEASEFIRE_DECLARED: EventCode("0871", "Declare truce, ceasefire", "RETREAT", "ceasefire"),
    EventType.CEASEFIRE_VIOLATED: EventCode("196", "Violate ceasefire", "ASSAULT", None),
}

# PLOVER top-level categories, for validating user rules that name one.
_PLOVER_NAMES = """AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN PROTEST
    SANCTION MOBILIZE COERCE ASSAULT DEMAND"""
PLOVER_CATEGORIES = frozenset(_PLOVER_NAMES.split())


def code_for(event_type: str) -> EventCode | None:
    """The codes of a built-in event type; None for user rule types (their rule file may name codes)."""
    return CODES.get(event_type)


def cameo_label(cameo: str) -> str:
    """A human label for a CAMEO code known here, else the code itself."""
    for code in CODES.values():
        if code.cameo == cameo:
            return code.cameo_label
    return cameo
