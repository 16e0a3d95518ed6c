"""Small curated word lists the detectors share: topics of leader calls and names of conflicts.

Kept as data in code (compiled once) because they are short, change rarely, and are read on every
candidate sentence; users extend topics and entities through rule files instead.
"""

from __future__ import annotations

import re

from streams.detect.textpatterns import trie_pattern

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
_TOPIC_PATTERNS = tuple(
    (name, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for name, pattern in _TOPICS.items()
)
# A lower-case substring each topic's pattern needs; the regex runs only when its stem is present.
_TOPIC_STEMS: dict[str, tuple[str, ...]] = {
    "Nagorno-Karabakh": ("karabakh", "artsakh"),
    "Ukraine": ("ukrain", "donbas", "crimea"),
    "Syria": ("syria", "idlib"),
    "Libya": ("liby",),
    "Iran nuclear deal": ("nuclear", "jcpoa"),
    "Gaza": ("gaza", "hamas"),
    "Israel": ("israel",),
    "Afghanistan": ("afghan", "taliban"),
    "Belarus": ("belarus", "lukashenk"),
    "Yemen": ("yemen", "houthi"),
    "North Korea": ("north korea", "pyongyang", "korean peninsula"),
    "COVID-19": ("covid", "coronavirus", "pandemic", "vaccine"),
    "trade": ("trade", "tariff", "export", "import"),
    "energy": ("energy", "gas", "oil", "pipeline", "nord stream"),
    "terrorism": ("terroris", "extremis", "mercenar", "jihadis"),
    "climate": ("climate", "emissions", "cop2"),
    "security": ("security", "defen", "military", "nato"),
    "migration": ("migra", "refugee", "asylum"),
    "sanctions": ("sanction",),
    "ceasefire": ("cease", "truce", "armistice", "cessation of hostilities"),
    "economy": ("econom", "investment", "inflation"),
    "bilateral relations": ("bilateral", " relations"),
    "elections": ("election", "vote", "referendum"),
    "humanitarian aid": ("humanitarian",),
}

# Canonical conflict -> the phrases that name it (matched on word boundaries, case-sensitive: proper names).
_CONFLICTS: dict[str, tuple[str, ...]] = {
    "Nagorno-Karabakh": (
        "Nagorno-Karabakh",
        "Nagorno Karabakh",
        "Upper Karabakh",
        "Karabakh",
        "Artsakh",
        "Stepanakert",
    ),
    "Donbas": (
        "Donbas",
        "Donbass",
        "Donetsk",
        "Luhansk",
        "Lugansk",
        "eastern Ukraine",
        "line of contact in eastern Ukraine",
    ),
    "Ukraine": ("Ukraine", "Ukrainian", "Mariupol", "Zaporizhzhia", "Kherson"),
    "Gaza": ("Gaza", "Hamas"),
    "Lebanon": ("Lebanon", "Hezbollah"),
    "Idlib": ("Idlib",),
    "Syria": ("Syria", "Syrian", "Aleppo", "Damascus"),
    "Yemen": ("Yemen", "Houthis", "Houthi", "Hodeidah"),
    "Libya": ("Libya", "Tripoli", "Sirte", "Haftar"),
    "Tigray": ("Tigray", "Tigrayan", "TPLF"),
    "Sudan": ("Sudan", "Khartoum", "Darfur", "Jeddah"),
    "South Sudan": ("South Sudan", "Central Equatoria"),
    "Kashmir": ("Kashmir", "Line of Control"),
    "Myanmar": ("Myanmar",),
    "Colombia": ("Colombia", "Colombian", "ELN", "FARC"),
    "Afghanistan": ("Afghanistan", "Taliban"),
    "Transnistria": ("Transnistria",),
    "South Ossetia": ("South Ossetia",),
    "Abkhazia": ("Abkhazia",),
    "Kosovo": ("Kosovo",),
    "Western Sahara": ("Western Sahara", "Polisario"),
    "Eastern Congo": ("M23", "eastern Congo", "North Kivu"),
    "Somalia": ("Somalia", "al-Shabaab"),
    "India-China border": ("Ladakh", "Galwan"),
}
_CONFLICT_INDEX: dict[str, list[tuple[str, str]]] = {}
for _name, _phrases in _CONFLICTS.items():
    for _phrase in _phrases:
        _CONFLICT_INDEX.setdefault(_phrase.split()[0], []).append((_phrase, _name))
_CONFLICT_INDEX_PHRASES = {phrase for phrases in _CONFLICTS.values() for phrase in phrases}
for _entries in _CONFLICT_INDEX.values():
    _entries.sort(key=lambda entry: -len(entry[0]))
# Any conflict phrase at all, as a plain substring (a character trie: a few microseconds per sentence);
# texts without one, most of them, skip the word loop in ``conflicts_in``.
_ANY_CONFLICT = re.compile(trie_pattern(_CONFLICT_INDEX_PHRASES))
_CONFLICT_WORD = re.compile(r"\b(?:[A-Z][\w-]*|eastern|line|al-Shabaab)\b")
# More specific names win when two are named together ("South Sudan" over "Sudan", "Idlib" over "Syria").
_SPECIFIC_FIRST = ("South Sudan", "Donbas", "Idlib", "Nagorno-Karabakh", "Gaza", "Lebanon", "Kashmir")


_ALL_TOPIC_STEMS = tuple(sorted({stem for stems in _TOPIC_STEMS.values() for stem in stems}))


def topics_in(text: str) -> tuple[str, ...]:
    """Canonical topics ``text`` mentions, in lexicon order."""
    lower = text.lower()
    present = {stem for stem in _ALL_TOPIC_STEMS if stem in lower}
    if not present:
        return ()
    return tuple(
        name
        for name, pattern in _TOPIC_PATTERNS
        if not present.isdisjoint(_TOPIC_STEMS[name]) and pattern.search(text)
    )


def conflicts_in(text: str) -> list[tuple[int, str]]:
    """(offset, canonical conflict name) for every conflict named in ``text``."""
    found: list[tuple[int, str]] = []
    if _ANY_CONFLICT.search(text) is None:
        return found
    resume = 0
    for word in _CONFLICT_WORD.finditer(text):
        if word.start() < resume:
            continue
        for phrase, name in _CONFLICT_INDEX.get(word.group(0), ()):
            end = word.start() + len(phrase)
            if text.startswith(phrase, word.start()) and (end == len(text) or not text[end].isalnum()):
                found.append((word.start(), name))
                resume = end
                break
    return found


def prefer_specific(names: list[str]) -> str | None:
    """The most specific conflict of several named together, else the first."""
    for name in _SPECIFIC_FIRST:
        if name in names:
            return name
    return names[0] if names else None
