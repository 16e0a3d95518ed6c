"""Small curated word lists the detectors share: topics of leader calls and names of conflicts.

Kept as data in code (compiled once) because they are short, change rarely, and are read on every
candidate sentence; users extend topics and entities through rule files instead.
"""

from __future__ import annotations

import re

# Canonical topic -> pattern (case-insensitive) of the ways news names it.
_TOPICS: dict[str, str] = {
    "Nagorno-Karabakh": r"nagorno[- ]karabakh|upper karabakh|karabakh|artsakh",
    "Ukraine": r"ukrain\w*|donbass?|crimea\w*",
    "Syria": r"syria\w*|idlib",
    "Libya": r"liby\w*",
    "Iran nuclear deal": r"iran nuclear|jcpoa|nuclear deal",
    "Gaza": r"gaza|hamas",
    "Israel": r"israel\w*",
    "Afghanistan": r"afghan\w*|taliban",
    "Belarus": r"belarus\w*|lukashenk\w*",
    "Yemen": r"yemen\w*|houthi\w*",
    "North Korea": r"north korea\w*|pyongyang|korean peninsula",
    "COVID-19": r"covid(?:-19)?|coronavirus|pandemic|vaccines?",
    "trade": r"trade|tariffs?|exports?|imports?",
    "energy": r"energy|gas|oil|pipeline|nord stream",
    "terrorism": r"terroris\w*|extremis\w*|mercenar\w*|jihadis\w*",
    "climate": r"climate|emissions|cop2\d",
    "security": r"security|defen[cs]e|military|nato",
    "migration": r"migra\w*|refugees?|asylum",
    "sanctions": r"sanctions?",
    "ceasefire": r"cease-?fire|truce|armistice|cessation of hostilities",
    "economy": r"econom\w*|investment|inflation",
    "bilateral relations": r"bilateral (?:relations|ties|cooperation)|(?:[A-Z]\w+-[A-Z]\w+) relations",
    "elections": r"elections?|vote|referendum",
    "humanitarian aid": r"humanitarian",
}
_TOPIC_PATTERNS = tuple((name, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for name, pattern in _TOPICS.items())
_TOPIC_PREFILTER = re.compile(r"\b(?:" + "|".join(_TOPICS.values()) + r")\b", re.IGNORECASE)

# Canonical conflict -> pattern of its names (case-sensitive: these are proper names).
_CONFLICTS: dict[str, str] = {
    "Nagorno-Karabakh": r"Nagorno[- ]Karabakh|Upper Karabakh|Karabakh|Artsakh|Stepanakert",
    "Donbas": r"Donbass?|Donetsk|Luhansk|eastern Ukraine",
    "Ukraine": r"Ukraine",
    "Gaza": r"Gaza|Hamas",
    "Lebanon": r"Lebanon|Hezbollah",
    "Idlib": r"Idlib",
    "Syria": r"Syria",
    "Yemen": r"Yemen|Houthis?|Hodeidah",
    "Libya": r"Libya|Tripoli|Sirte",
    "Tigray": r"Tigray\w*",
    "Sudan": r"Sudan|Khartoum|Darfur",
    "South Sudan": r"South Sudan",
    "Kashmir": r"Kashmir|Line of Control",
    "Myanmar": r"Myanmar",
    "Colombia": r"Colombia|ELN|FARC",
    "Afghanistan": r"Afghanistan|Taliban",
    "Transnistria": r"Transnistria",
    "South Ossetia": r"South Ossetia",
    "Abkhazia": r"Abkhazia",
    "Kosovo": r"Kosovo",
    "Western Sahara": r"Western Sahara|Polisario",
    "Eastern Congo": r"M23|eastern Congo|North Kivu",
    "Somalia": r"Somalia|al-Shabaab",
    "Mali": r"Mali",
    "Cameroon": r"Ambazonia|Anglophone Cameroon",
    "Thailand-Cambodia": r"Preah Vihear",
    "India-China border": r"Ladakh|Galwan",
}
_CONFLICT_PATTERN = re.compile(
    "|".join(rf"(?P<c{i}>\b(?:{pattern})\b)" for i, pattern in enumerate(_CONFLICTS.values()))
)
_CONFLICT_NAMES = tuple(_CONFLICTS)
# More specific names win when two overlap ("South Sudan" over "Sudan", "Idlib" over "Syria").
_SPECIFIC_FIRST = ("South Sudan", "Donbas", "Idlib", "Nagorno-Karabakh")


def topics_in(text: str) -> tuple[str, ...]:
    """Canonical topics ``text`` mentions, in lexicon order."""
    if not _TOPIC_PREFILTER.search(text):
        return ()
    return tuple(name for name, pattern in _TOPIC_PATTERNS if pattern.search(text))


def conflicts_in(text: str) -> list[tuple[int, str]]:
    """(offset, canonical conflict name) for every conflict named in ``text``."""
    found: list[tuple[int, str]] = []
    for match in _CONFLICT_PATTERN.finditer(text):
        index = int((match.lastgroup or "c0")[1:])
        found.append((match.start(), _CONFLICT_NAMES[index]))
    names = {name for _, name in found}
    if "South Sudan" in names:
        found = [(pos, name) for pos, name in found if name != "Sudan" or "South Sudan" not in names]
    return found


def prefer_specific(names: list[str]) -> str | None:
    """The most specific conflict of several named together, else the first."""
    for name in _SPECIFIC_FIRST:
        if name in names:
            return name
    return names[0] if names else None
