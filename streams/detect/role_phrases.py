"""Where the role phrases of a language file stand in a sentence: office nouns, country words, their pairing.

The plain functions behind ``NativeCallReader.mentions``: the spans one alternation regex finds, the longest
span at a place, the country word nearest an office noun, and the country words chained to it by "and".
"""

from __future__ import annotations

import re


def spans(
    combined: re.Pattern[str], entries: tuple[tuple[re.Pattern[str], str], ...], text: str
) -> list[tuple[int, int, str]]:
    """(start, end, name) of every match of ``combined`` (see ``language_data._Compiler.alternation``)."""
    return [(m.start(), m.end(), entries[int((m.lastgroup or "g0")[1:])][1]) for m in combined.finditer(text)]


def longest(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans not inside a longer one, in text order (the first of two that only overlap)."""
    kept: list[tuple[int, int, str]] = []
    for span in sorted(found, key=lambda s: (s[0], -s[1])):
        if kept and span[1] <= kept[-1][1]:
            continue  # inside the span kept before it (it starts at or after that one's start)
        kept.append(span)
    return kept


def joined_countries(
    text: str,
    chosen: tuple[int, int, str],
    countries: list[tuple[int, int, str]],
    joined: re.Pattern[str] | None,
) -> list[tuple[int, int, str]]:
    """Country words chained to ``chosen`` by "and" or a comma, either side ("России и Франции")."""
    if joined is None:
        return []
    found: list[tuple[int, int, str]] = []
    index = countries.index(chosen)
    for step in (1, -1):
        current = chosen
        position = index + step
        while 0 <= position < len(countries):
            other = countries[position]
            low, high = (current[1], other[0]) if step == 1 else (other[1], current[0])
            if low > high or not joined.match(text[low:high]):
                break
            if other[2] != chosen[2]:
                found.append(other)
            current = other
            position += step
    return found


def nearest_country(
    text: str,
    start: int,
    end: int,
    countries: list[tuple[int, int, str]],
    offices: list[tuple[int, int, str]],
    gap: int,
) -> tuple[int, int, str] | None:
    """The country word nearest an office noun, at most ``gap`` characters away, no other office between."""
    best: tuple[int, tuple[int, int, str]] | None = None
    for country in countries:
        c_start, c_end, _ = country
        low = high = 0
        if c_start < end and start < c_end:
            distance = 0  # one word holds both ("президент" inside a longer match is not expected)
        elif c_end <= start:
            distance = start - c_end
            low, high = c_end, start
        else:
            distance = c_start - end
            low, high = end, c_start
        if distance > gap:
            continue
        between = text[low:high]
        if distance and (
            any(low <= s < high for s, _, _ in offices)
            or any(ch in between for ch in ",;:.،؛，。")
            or len(between.split()) > 2  # "de la", "of the" may stand between; a verb phrase may not
        ):
            continue
        if best is None or distance < best[0]:
            best = (distance, country)
    return best[1] if best is not None else None
