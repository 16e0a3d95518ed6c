"""Find date expressions in a sentence and resolve them against the publication date.

News dates events relative to the report ("on Tuesday", "last night", "late Saturday"), so an event's own
date must be worked out from the article's publication date. Each mention also records how it relates to
the sentence ("since the September 27 outbreak" is a start point, not the event's date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b")),
    ("day_month", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b")),
    ("month_day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s*{_YEAR})?(?!\s*(?:%|percent|per cent))")),
    (
        "weekday",
        re.compile(rf"\b(?P<mod>last|next|this|this past|this coming)?\s*{_WEEKDAY}\b", re.IGNORECASE),
    ),
    (
        "yesterday",
        re.compile(r"\b(?:yesterday|last night|overnight|the previous day|the day before)\b", re.I),
    ),
    (
        "today",
        re.compile(
            r"\b(?:today|tonight|this morning|this afternoon|this evening|earlier in the day)\b", re.I
        ),
    ),
    (
        "ago",
        re.compile(
            r"\b(?P<count>a|one|two|three|four|five|six|seven|\d+)\s+(?P<unit>days?|weeks?)\s+ago\b", re.I
        ),
    ),
    ("month_year", re.compile(rf"\b{_MONTH}\s+{_YEAR}\b")),
    ("year", re.compile(rf"(?:\b(?i:in|of|the|since)\s+|,\s*|\(){_YEAR}\b(?!-)")),
)

# Cheap tests that must pass before a pattern is worth running.
_DIGIT = re.compile(r"\d")
_NEEDS_DIGIT = frozenset({"iso", "day_month", "month_day", "month_year", "year"})
# Case-sensitive substrings the digit patterns also need: every month name starts with one of these,
# a year with 19 or 20, an ISO date holds a hyphen.
_MONTH_PREFIXES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NEEDS_MONTH = frozenset({"day_month", "month_day", "month_year"})
_STEMS: dict[str, tuple[str, ...]] = {
    "weekday": ("day",),
    "yesterday": ("yesterday", "night", "previous day", "day before"),
    "today": ("today", "tonight", "this ", "earlier in the day"),
    "ago": (" ago",),
}

# Words just before a date that make it a boundary rather than the event's own date.
_RELATION = re.compile(
    r"\b(?P<rel>since|until|till|before|after|from|by|ahead of|starting)\s+"
    r"(?:the\s+|early\s+|late\s+|mid-?)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a sentence: where it is, what day (or only year) it means, how it is attached."""

    start: int
    end: int
    text: str
    day: date | None  # None when only a year or month is known
    year: int | None
    relation: str = "at"  # at | since | until | before | after | from | by
    explicit_year: bool = False


def _weekday_date(published: date, weekday: int, modifier: str) -> date:
    back = (published.weekday() - weekday) % 7
    modifier = modifier.lower()
    if modifier == "next" or modifier == "this coming":
        return published + timedelta(days=(weekday - published.weekday()) % 7 or 7)
    if modifier == "last" and back == 0:
        back = 7
    return published - timedelta(days=back)


def _month_day(published: date, month: int, day: int, year: int | None) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(published.year, month, day)
    except ValueError:
        return None
    if candidate > published + timedelta(days=14):
        try:
            return date(published.year - 1, month, day)
        except ValueError:
            return None
    return candidate


def _resolve(kind: str, match: re.Match[str], published: date) -> tuple[date | None, int | None, bool]:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if kind == "iso":
        try:
            day = date.fromisoformat(groups["iso"])
        except ValueError:
            return None, None, False
        return day, day.year, True
    if kind in ("day_month", "month_day"):
        month = MONTHS[groups["month"].lower()]
        resolved = _month_day(published, month, int(groups["day"]), year)
        return resolved, resolved.year if resolved else year, year is not None
    if kind == "weekday":
        weekday = _weekday_index(groups["weekday"])
        return _weekday_date(published, weekday, groups.get("mod") or ""), published.year, False
    if kind == "yesterday":
        return published - timedelta(days=1), published.year, False
    if kind == "today":
        return published, published.year, False
    if kind == "ago":
        raw = groups["count"].lower()
        count = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 1)
        days = count * (7 if groups["unit"].lower().startswith("week") else 1)
        return published - timedelta(days=days), published.year, False
    # month_year and year: only a year (or month) is known.
    return None, year, True


def _weekday_index(word: str) -> int:
    """Monday = 0; ignoring case as the pattern does, so "FRİDAY" (a Turkish upper case) is Friday too."""
    lower = word.lower()
    if lower in WEEKDAYS:
        return WEEKDAYS.index(lower)
    return next(i for i, name in enumerate(WEEKDAYS) if re.fullmatch(name, word, re.IGNORECASE))


def find_dates(text: str, published: date) -> list[DateMention]:
    """Every date expression in ``text`` resolved against ``published``; overlaps keep the first kind."""
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    lower = text.lower()
    has_digit = _DIGIT.search(text) is not None
    has_month = has_digit and any(prefix in text for prefix in _MONTH_PREFIXES)
    for kind, pattern in _PATTERNS:
        if kind in _NEEDS_DIGIT:
            if not has_digit:
                continue
            if kind in _NEEDS_MONTH:
                if not has_month:
                    continue
            elif kind == "iso":
                if "-" not in text:
                    continue
            elif "19" not in text and "20" not in text:  # "year"
                continue
        elif not any(stem in lower for stem in _STEMS[kind]):
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and end > t_start for t_start, t_end in taken):
                continue
            if kind == "weekday" and match.group("weekday")[0].islower():
                continue  # "may" and lower-case weekday words are not dates here
            try:
                day, year, explicit = _resolve(kind, match, published)
            except OverflowError:
                # ``published`` at the calendar's edge (callers pass date.max to read explicit years only):
                # a relative date cannot be resolved against it, and an explicit year never overflows.
                continue
            if day is None and year is None:
                continue
            relation = _RELATION.search(text[max(0, start - 16) : start])
            rel = relation.group("rel").lower() if relation else "at"
            if kind == "year" and match.group(0).lower().startswith("since"):
                rel = "since"
            taken.append((start, end))
            mentions.append(DateMention(start, end, match.group(0).strip(" ,("), day, year, rel, explicit))
    mentions.sort(key=lambda m: m.start)
    return mentions


def pick_event_date(mentions: list[DateMention], anchor: int) -> DateMention | None:
    """The mention most likely dating the happening at ``anchor``: the nearest "at" mention with a day."""
    usable = [m for m in mentions if m.relation == "at" and m.day is not None]
    if not usable:
        return None
    return min(usable, key=lambda m: min(abs(m.start - anchor), abs(m.end - anchor)))


def oldest_year(mentions: list[DateMention]) -> int | None:
    """The earliest explicit year in the mentions that are not boundaries ("since 2019" does not count)."""
    years = [m.year for m in mentions if m.explicit_year and m.year is not None and m.relation == "at"]
    return min(years) if years else None
