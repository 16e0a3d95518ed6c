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
    # The type's default code; a detector that tells the sub-kinds apart sets the finer one per finding
    # (leader meetings 042 "Make a visit" / 044 "Meet at a third location"; attacks 190-195).
    EventType.LEADER_MEETING: EventCode("043", "Host a visit", "CONSULT", "visit"),
    EventType.AGREEMENT_SIGNED: EventCode("057", "Sign formal agreement", "AGREE", None),
    EventType.ARMED_ATTACK: EventCode("190", "Use conventional military force", "ASSAULT", None),
    EventType.SANCTIONS: EventCode("163", "Impose embargo, boycott, or sanctions", "SANCTION", None),
    EventType.PROTEST: EventCode("140", "Engage in political dissent", "PROTEST", None),
    EventType.MOBILIZATION: EventCode("154", "Mobilize or increase armed forces", "MOBILIZE", None),
    EventType.THREAT: EventCode("130", "Threaten", "THREATEN", None),
    EventType.AID: EventCode("070", "Provide aid", "AID", None),
}

# Finer CAMEO codes a detector may give one finding, with their labels (for ``cameo_label``).
_FINER_LABELS = {
    "042": "Make a visit",
    "044": "Meet at a third location",
    "141": "Demonstrate or rally",
    "143": "Conduct strike or boycott",
    "145": "Protest violently, riot",
    "150": "Demonstrate military or police power",
    "152": "Increase military alert status",
    "138": "Threaten with military force",
    "131": "Threaten non-force",
    "132": "Threaten with administrative sanctions",
    "071": "Provide economic aid",
    "072": "Provide military aid",
    "073": "Provide humanitarian aid",
    "193": "Fight with small arms and light weapons",
    "194": "Fight with artillery and tanks",
    "195": "Employ aerial weapons",
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
    return _FINER_LABELS.get(cameo, cameo)
