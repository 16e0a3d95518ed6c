"""What the armed-attack and mobilization detectors share: their per-language cue files, country words,
clauses and the day of a happening (or why it is no news).

A cue file (``data/events/<type>.yaml``) holds one section per language; each key is a list of regex
fragments (one pattern, matched ignoring case) or a mapping of kind -> fragments (the kind says which
sub-code fired). Format in docs/detection.md, "Cue files of the newer event types".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from streams.detect.dates import find_dates, oldest_year, pick_event_date
from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData
from streams.detect.sentences import Sentence
from streams.errors import ConfigError

EVENTS_DIR = Path(__file__).resolve().parent / "data" / "events"
_PUNCTUATION = re.compile(r"\\?[^\w\\(\[]")  # a phrase that starts with a punctuation mark
_FORMAT_KEYS = frozenset(
    {"word_boundaries", "clitics", "stems", "clause_breaks", "countries", "numbers", "gate"}
)
_ENGLISH_BREAKS = (
    r";|\.\s+|\s[—–-]{1,2}\s|,\s*(?:but|while|whereas|although|which|who|after|as|when)\s+|\s+but\s+"
)


@dataclass(frozen=True)
class LanguageCues:
    """One language's compiled cues: stems (substrings every trigger holds), lists and kind mappings."""

    code: str
    stems: tuple[str, ...]
    lists: Mapping[str, re.Pattern[str]]
    kinds: Mapping[str, tuple[tuple[str, re.Pattern[str]], ...]]
    clause_breaks: re.Pattern[str] | None
    countries: tuple[tuple[re.Pattern[str], str], ...]  # extra country words (capitals, parliaments)
    numbers: Mapping[str, int] = field(default_factory=dict)
    # Whole-word prefilter for plain-ASCII text: alternatives, each a list of word sets that must all occur.
    gate: tuple[tuple[frozenset[bytes], ...], ...] = ()

    def may_fire(self, lower: str, words: AbstractSet[bytes] | None) -> bool:
        """False only when no trigger can occur: the gate over the article's words, else a stem in it."""
        if words is not None and self.gate:
            return any(all(not group.isdisjoint(words) for group in option) for option in self.gate)
        return any(map(lower.__contains__, self.stems))

    def gate_words(self) -> frozenset[bytes]:
        return frozenset(word for option in self.gate for group in option for word in group)

    def find(self, key: str, text: str, start: int = 0) -> re.Match[str] | None:
        """The first match of list ``key`` in ``text`` (None when absent or the file has no such list)."""
        pattern = self.lists.get(key)
        return pattern.search(text, start) if pattern is not None else None

    def first_kind(self, key: str, text: str) -> tuple[str, re.Match[str]] | None:
        """The earliest match of any kind of mapping ``key`` in ``text``, with its kind."""
        best: tuple[str, re.Match[str]] | None = None
        for kind, pattern in self.kinds.get(key, ()):
            match = pattern.search(text)
            if match is not None and (best is None or match.start() < best[1].start()):
                best = (kind, match)
        return best

    def number(self, key: str, text: str) -> int | None:
        """The figure a ``key`` pattern captures in group ``n`` ("killing at least 12", "two were killed")."""
        pattern = self.lists.get(key)
        match = pattern.search(text) if pattern is not None else None
        figure = (
            next((v for k, v in match.groupdict().items() if k.startswith("n") and v), None)
            if match
            else None
        )
        if figure is None:
            return None
        raw = figure.lower().replace(",", "").replace("\u00a0", "").replace(" ", "")
        return int(raw) if raw.isdigit() else self.numbers.get(raw)


def load_event_cues(
    event_type: str, lists: Iterable[str], kinds: Iterable[str], folder: Path = EVENTS_DIR
) -> dict[str, LanguageCues]:
    """Every language's cues of ``data/events/<event_type>.yaml``; a bad key or pattern fails at start-up."""
    path = folder / f"{event_type}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, Mapping) or not isinstance(doc.get("languages"), Mapping):
        raise ConfigError(f"cue file {path}: must be a mapping with 'languages'")
    list_keys, kind_keys = frozenset(lists), frozenset(kinds)
    return {
        str(code): _language(str(code), raw, path, list_keys, kind_keys)
        for code, raw in doc["languages"].items()
    }


def _language(
    code: str, raw: Any, path: Path, list_keys: frozenset[str], kind_keys: frozenset[str]
) -> LanguageCues:
    where = f"cue file {path}: languages.{code}"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: must be a mapping")
    unknown = sorted(set(raw) - list_keys - kind_keys - _FORMAT_KEYS)
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown key")
    boundaries = bool(raw.get("word_boundaries", True))
    clitics = "|".join(re.escape(c) for c in _phrases(raw.get("clitics") or [], f"{where}.clitics", True))
    prefix = f"(?:{clitics})?" if clitics else ""

    def compiled(phrases: Any, key: str) -> re.Pattern[str]:
        ordered = sorted(_phrases(phrases, f"{where}.{key}"), key=len, reverse=True)
        # A figure's group ``n`` may stand in every phrase: numbered per phrase, as one pattern needs.
        body = "|".join(phrase.replace("(?P<n>", f"(?P<n{i}>") for i, phrase in enumerate(ordered))
        # Punctuation cues ("\?", "؟") stand right after a word: no word boundary around them.
        bounded = boundaries and not all(_PUNCTUATION.match(phrase) for phrase in ordered)
        text = rf"(?<!\w){prefix}(?:{body})(?!\w)" if bounded else f"(?:{body})"
        try:
            return re.compile(text, re.IGNORECASE)
        except re.error as exc:
            raise ConfigError(f"{where}.{key}: bad pattern: {exc}") from exc

    lists = {key: compiled(raw[key], key) for key in list_keys if raw.get(key)}
    kinds: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {}
    for key in kind_keys:
        mapping = raw.get(key)
        if mapping is None:
            continue
        if not isinstance(mapping, Mapping):
            raise ConfigError(f"{where}.{key}: must be a mapping of kind -> phrases")
        kinds[key] = tuple((str(kind), compiled(v, f"{key}.{kind}")) for kind, v in mapping.items())
    countries = raw.get("countries") or {}
    if not isinstance(countries, Mapping):
        raise ConfigError(f"{where}.countries: must be a mapping of ISO3 -> phrases")
    gate = raw.get("gate") or []
    if not isinstance(gate, list) or not all(isinstance(o, list) and o for o in gate):
        raise ConfigError(f"{where}.gate: must be a list of lists of space-separated words")
    breaks = raw.get("clause_breaks")
    numbers = raw.get("numbers") or {}
    if not isinstance(numbers, Mapping) or not all(isinstance(v, int) for v in numbers.values()):
        raise ConfigError(f"{where}.numbers: must map number words to integers")
    return LanguageCues(
        code=code,
        stems=tuple(s.lower() for s in _phrases(raw.get("stems"), f"{where}.stems")),
        lists=lists,
        kinds=kinds,
        clause_breaks=re.compile("|".join(_phrases(breaks, f"{where}.clause_breaks"))) if breaks else None,
        countries=tuple((compiled(v, f"countries.{iso}"), str(iso)) for iso, v in countries.items()),
        numbers={str(k).lower(): int(v) for k, v in numbers.items()},
        gate=tuple(
            tuple(frozenset(w.lower().encode() for w in str(group).split()) for group in option)
            for option in gate
        ),
    )


def _phrases(raw: Any, where: str, empty: bool = False) -> list[str]:
    if isinstance(raw, list) and (empty or raw) and all(isinstance(p, str) and p.strip() for p in raw):
        return [p.strip() for p in raw]
    raise ConfigError(f"{where}: must be a non-empty list of phrases")


class CountryWords:
    """Country words of each language (names, adjectives, capitals) -> ISO3, found in a clause in order.

    Each language's patterns are found with one scan: a lookahead over all of them marks every place where
    one matches, and each pattern is tried only there (the same matches as scanning it alone). A clause
    asked about again (the detectors ask 2-3 times) is answered from a small cache."""

    _CACHE_SIZE = 256

    def __init__(
        self,
        gazetteer: Gazetteer,
        languages: Mapping[str, LanguageData],
        cues: Mapping[str, LanguageCues],
    ) -> None:
        english = {w: c.code for c in gazetteer.countries().values() for w in (*c.words, *c.metonyms)}
        self._english = re.compile(
            r"\b(?:" + "|".join(sorted(map(re.escape, english), key=len, reverse=True)) + r")\b"
        )
        self._english_codes = english
        self._native: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {}
        for code, data in languages.items():
            own = data.roles.countries if data.roles is not None else ()
            self._native[code] = (*own, *(cues[code].countries if code in cues else ()))
        if "en" in cues:
            self._english_extra = cues["en"].countries
        else:
            self._english_extra = ()
        self._anywhere = {code: _anywhere(entries) for code, entries in self._native.items()}
        self._english_anywhere = _anywhere(self._english_extra)
        self._cache: dict[tuple[str, str], tuple[tuple[int, int, str], ...]] = {}

    def find(self, text: str, language: str) -> list[tuple[int, int, str]]:
        """(start, end, ISO3) of each country word in ``text``, in order of appearance."""
        key = (text, language)
        cached = self._cache.get(key)
        if cached is None:
            cached = tuple(self._find(text, language))
            if len(self._cache) >= self._CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = cached
        return list(cached)

    def _find(self, text: str, language: str) -> list[tuple[int, int, str]]:
        if language == "en":
            found = [
                (m.start(), m.end(), self._english_codes[m.group(0)]) for m in self._english.finditer(text)
            ]
            entries: Sequence[tuple[re.Pattern[str], str]] = self._english_extra
            anywhere = self._english_anywhere
        else:
            found = []
            entries = self._native.get(language, ())
            anywhere = self._anywhere.get(language)
        found.extend(scan_patterns(entries, anywhere, text))
        return sorted(found)


def _anywhere(entries: Sequence[tuple[re.Pattern[str], str]]) -> re.Pattern[str] | None:
    """A zero-width pattern that matches wherever one of ``entries`` does (None when they cannot share one:
    no entries, different flags, a group name used twice)."""
    flags = {pattern.flags for pattern, _ in entries}
    if len(flags) != 1:
        return None
    try:
        return re.compile(
            "(?=" + "|".join(f"(?:{pattern.pattern})" for pattern, _ in entries) + ")", flags.pop()
        )
    except re.error:
        return None


def scan_patterns(
    entries: Sequence[tuple[re.Pattern[str], str]], anywhere: re.Pattern[str] | None, text: str
) -> list[tuple[int, int, str]]:
    """(start, end, label) of every match of each pattern (as its own ``finditer`` finds them), pattern by
    pattern; ``anywhere`` (see ``_anywhere``) limits the patterns to the places where one of them matches."""
    if anywhere is None:
        return _scan_each(entries, text)
    starts = [m.start() for m in anywhere.finditer(text)]
    found: list[tuple[int, int, str]] = []
    for pattern, label in entries:
        free = 0  # a pattern's next match starts after its previous one ends
        for start in starts:
            if start < free:
                continue
            match = pattern.match(text, start)
            if match is None:
                continue
            if match.end() == start:  # an empty match: finditer's stepping rules apply
                return _scan_each(entries, text)
            found.append((start, match.end(), label))
            free = match.end()
    return found


def _scan_each(entries: Sequence[tuple[re.Pattern[str], str]], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), label) for pattern, label in entries for m in pattern.finditer(text)]


def clauses(breaks: re.Pattern[str] | None, text: str) -> list[tuple[int, str]]:
    """(offset, clause) for each clause of ``text`` (the whole text when the language gives no breaks)."""
    if breaks is None:
        breaks = _DEFAULT_BREAKS
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in breaks.finditer(text):
        pieces.append((start, text[start : match.start()]))
        start = match.end()
    pieces.append((start, text[start:]))
    return [(o, p) for o, p in pieces if p.strip()]


_DEFAULT_BREAKS = re.compile(_ENGLISH_BREAKS, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class When:
    """The day a clause's happening took place, whether the text gave it, or why it is no news."""

    day: date
    explicit: bool
    reject: str | None = None  # old_background | plan


def when(
    clause: str,
    sentence: str,
    clause_offset: int,
    anchor: int,
    published: date,
    language: str,
    max_age: timedelta,
) -> When:
    """The date nearest ``anchor`` in the clause (else an earlier one in the sentence), checked for age."""
    mentions = find_dates(clause, published, language)
    chosen = pick_event_date(mentions, anchor)
    if chosen is None and clause_offset:
        earlier = [m for m in find_dates(sentence, published, language) if m.end <= clause_offset]
        chosen = pick_event_date(earlier, clause_offset)
    if chosen is not None and chosen.day is not None:
        if chosen.day < published - max_age:
            return When(chosen.day, True, "old_background")
        if chosen.day > published:
            return When(chosen.day, True, "plan")
        return When(chosen.day, True)
    year = oldest_year(mentions)
    if year is not None and year < published.year:
        return When(published, False, "old_background")
    return When(published, False)


def lead_day(
    window: Iterable[Sentence],
    published: date,
    language: str,
    max_age: timedelta,
    near: re.Pattern[str] | None = None,
) -> When | None:
    """The first day a sentence of ``window`` states (a report's lead dates what its headline tells), if
    any is recent and not ahead of publication: the one nearest ``near``'s first match when the sentence
    has one ("今天凌晨...打击...。卡西姆5日...违反停火" with ``near`` the violation words: the 5th)."""
    for sentence in window:
        found = near.search(sentence.text) if near is not None else None
        anchor = found.start() if found is not None else 0
        timing = when(sentence.text, sentence.text, 0, anchor, published, language, max_age)
        if timing.explicit and timing.reject is None:
            return timing
    return None
