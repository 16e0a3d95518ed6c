"""Find date expressions in a sentence and resolve them against the publication date.

News dates events relative to the report ("on Tuesday", "last night", "late Saturday"), so an event's own
date must be worked out from the article's publication date. Each mention also records how it relates to
the sentence ("since the September 27 outbreak" is a start point, not the event's date). English has
its own patterns below; other languages' words are data (data/date_words.yaml, read by ``_Language``):
"в пятницу", "el martes", "周五", "24日", "يوم الثلاثاء", "hier soir".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from streams.errors import ConfigError

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


def find_dates(text: str, published: date, language: str | None = None) -> list[DateMention]:
    """Every date expression in ``text`` resolved against ``published``; overlaps keep the first kind.

    English expressions are always looked for; those of ``language`` too when its words are known. With
    no ``language``, a text with Cyrillic, Arabic or Chinese letters is read in those languages as well.
    """
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    same_day: frozenset[str] = frozenset()
    if language != "en" and not text.isascii():
        for other in _languages_for(text, language):
            mentions += other.find(text, published, taken)
            same_day |= other.same_day
    elif language is not None and language != "en":
        known = date_languages().get(language)
        if known is not None:
            mentions += known.find(text, published, taken)
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
            # The weekday pattern may take the blank before the day: the boundary word stands before it.
            lead = len(match.group(0)) - len(match.group(0).lstrip())
            relation = _RELATION.search(text[max(0, start + lead - 16) : start + lead])
            rel = relation.group("rel").lower() if relation else "at"
            if kind == "year" and match.group(0).lower().startswith("since"):
                rel = "since"
            taken.append((start, end))
            mentions.append(DateMention(start, end, match.group(0).strip(" ,("), day, year, rel, explicit))
    mentions.sort(key=lambda m: m.start)
    if same_day and len(mentions) > 1:
        mentions = _same_day_resolved(mentions, same_day)
    return mentions


def _same_day_resolved(mentions: list[DateMention], same_day: frozenset[str]) -> list[DateMention]:
    """ "12日...当天": a "that same day" word takes the day of the last date named before it."""
    resolved: list[DateMention] = []
    for mention in mentions:
        before = next((m for m in reversed(resolved) if m.day is not None), None)
        if before is not None and mention.text.lower() in same_day:
            mention = replace(mention, day=before.day, year=before.year)
        resolved.append(mention)
    return resolved


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


# -- other languages, from data/date_words.yaml ---------------------------------------------------------

_DATA = Path(__file__).resolve().parent / "data" / "date_words.yaml"
_YEAR_FRAGMENT = r"\d{4}"
_KINDS = ("day_month", "day_only", "weekday", "days_back", "ago", "year")
_SCRIPTS = {  # languages read when no language is given, by a letter of their script in the text
    "ru": re.compile("[\u0400-\u04ff]"),
    "uk": re.compile("[\u0400-\u04ff]"),
    "ar": re.compile("[\u0600-\u06ff]"),
    "zh": re.compile("[\u4e00-\u9fff]"),
}


class _Language:
    """One language's date patterns, compiled from its entry in data/date_words.yaml."""

    def __init__(self, code: str, raw: Mapping[str, Any]) -> None:
        self.code = code
        where = f"{_DATA.name}: languages.{code}"
        edge_before, edge_after = (r"(?<!\w)", r"(?!\w)") if raw.get("spaced", True) else ("", "")
        months = raw.get("months") or []
        self.months = [re.compile(f"(?:{m})$", re.IGNORECASE) for m in months]
        month_alternation = "|".join(f"(?:{m})" for m in months) or r"\d{1,2}"
        patterns: dict[str, str] = {}
        for kind in ("day_month", "day_only", "ago", "year"):
            if raw.get(kind):
                patterns[kind] = (
                    raw[kind].replace("{months}", month_alternation).replace("{year}", _YEAR_FRAGMENT)
                )
        weekdays = raw.get("weekdays") or []
        if weekdays and len(weekdays) != 7:
            raise ConfigError(f"{where}: 'weekdays' must list seven fragments, Monday first")
        if months and len(months) != 12:
            raise ConfigError(f"{where}: 'months' must list twelve fragments, January first")
        if weekdays:
            patterns["weekday"] = "|".join(f"(?P<w{i}>{w})" for i, w in enumerate(weekdays))
        self.days_back = {k.lower(): int(v) for k, v in (raw.get("days_back") or {}).items()}
        if self.days_back:
            words = sorted(self.days_back, key=len, reverse=True)
            patterns["days_back"] = "(?P<back>" + "|".join(re.escape(w) for w in words) + ")"
        try:
            self.patterns = [
                (kind, re.compile(f"{edge_before}(?:{patterns[kind]}){edge_after}", re.IGNORECASE))
                for kind in _KINDS
                if kind in patterns
            ]
            self.last = _modifier(raw.get("last"), before=True)
            self.next = _modifier(raw.get("next"), before=True)
            self.last_week = _modifier(raw.get("last_week"), before=True)
            self.next_week = _modifier(raw.get("next_week"), before=True)
            self.last_after = _modifier(raw.get("last_after"), before=False)
            self.next_after = _modifier(raw.get("next_after"), before=False)
            self.week = re.compile(raw.get("week") or "(?!)", re.IGNORECASE)
            self.relations = [
                (name, re.compile(f"(?<!\\w)(?:{words})\\s*$", re.IGNORECASE))
                for name, words in (raw.get("relations") or {}).items()
            ]
            self.relations_after = [
                (name, re.compile(f"^(?:{words})(?!\\w)", re.IGNORECASE))
                for name, words in (raw.get("relations_after") or {}).items()
            ]
        except re.error as exc:
            raise ConfigError(f"{where}: a pattern does not compile: {exc}") from exc
        self.numbers = {str(k).lower(): int(v) for k, v in (raw.get("numbers") or {}).items()}
        self.same_day = frozenset(str(w).lower() for w in raw.get("same_day") or [])

    def find(self, text: str, published: date, taken: list[tuple[int, int]]) -> list[DateMention]:
        """This language's date mentions in ``text`` not overlapping ``taken`` (which they extend)."""
        found: list[DateMention] = []
        for kind, pattern in self.patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(start < t_end and end > t_start for t_start, t_end in taken):
                    continue
                try:
                    resolved = self._resolve(kind, match, text, published)
                except (OverflowError, ValueError):
                    continue  # an impossible date, or a relative one against date.max (explicit years only)
                if resolved is None:
                    continue
                day, year, explicit = resolved
                taken.append((start, end))
                relation = self._relation(text, start, end)
                found.append(DateMention(start, end, match.group(0), day, year, relation, explicit))
        return found

    def _resolve(
        self, kind: str, match: re.Match[str], text: str, published: date
    ) -> tuple[date | None, int | None, bool] | None:
        groups = match.groupdict()
        year = int(groups["year"]) if groups.get("year") else None
        if year is not None and not 1900 <= year <= 2099:
            return None
        if kind == "day_month":
            month = self._month(groups["month"])
            if month is None:
                return None
            day = _month_day(published, month, int(groups["day"]), year)
            return (day, day.year, year is not None) if day is not None else None
        if kind == "day_only":
            return self._day_only(int(groups["day"]), published)
        if kind == "weekday":
            weekday = next(i for i in range(7) if groups.get(f"w{i}"))
            before = text[max(0, match.start() - 24) : match.start()]
            after = text[match.end() : match.end() + 24]
            if self.last_week.search(before) or self.next_week.search(before):
                monday = published - timedelta(days=published.weekday())
                shift = -7 if self.last_week.search(before) else 7
                return monday + timedelta(days=shift + weekday), published.year, False
            modifier = ""
            if self.next.search(before) or self.next_after.match(after):
                modifier = "next"
            elif self.last.search(before) or self.last_after.match(after):
                modifier = "last"
            return _weekday_date(published, weekday, modifier), published.year, False
        if kind == "days_back":
            return published - timedelta(days=self.days_back[groups["back"].lower()]), published.year, False
        if kind == "ago":
            raw = (groups.get("count") or "").lower()
            count = int(raw) if raw.isdigit() else self.numbers.get(raw, 1 if not raw else 0)
            unit = groups["unit"]
            if count == 0 and raw:
                return None  # a word before the unit that is no number: not this expression
            count = count or (2 if unit.endswith(("ين", "两")) else 1)
            days = count * (7 if self.week.search(unit) else 1)
            return published - timedelta(days=days), published.year, False
        return None, year, True  # "year": only a year is known

    def _month(self, word: str) -> int | None:
        if word.isdigit():
            number = int(word)
            return number if 1 <= number <= 12 else None
        return next((i + 1 for i, pattern in enumerate(self.months) if pattern.match(word)), None)

    @staticmethod
    def _day_only(day: int, published: date) -> tuple[date, int, bool] | None:
        """ "24日": that day of the publication's month, or of the month before if it is still to come."""
        if not 1 <= day <= 31:
            return None
        month_start = published.replace(day=1)
        for first in (month_start, (month_start - timedelta(days=1)).replace(day=1)):
            try:
                candidate = first.replace(day=day)
            except ValueError:
                continue
            if candidate <= published:
                return candidate, candidate.year, False
        return None

    def _relation(self, text: str, start: int, end: int) -> str:
        before = text[max(0, start - 24) : start]
        for name, pattern in self.relations:
            if pattern.search(before):
                return name
        after = text[end : end + 24]
        for name, pattern in self.relations_after:
            if pattern.match(after):
                return name
        return "at"


def _modifier(words: str | None, before: bool) -> re.Pattern[str]:
    if not words:
        return re.compile("(?!)")
    if before:
        return re.compile(f"(?<!\\w)(?:{words})\\s*$", re.IGNORECASE)
    return re.compile(f"^\\s*(?:{words})(?!\\w)", re.IGNORECASE)


@functools.cache
def date_languages() -> dict[str, _Language]:
    """Every language of data/date_words.yaml, compiled once per process."""
    try:
        doc = yaml.safe_load(_DATA.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{_DATA}: cannot read date words: {exc}") from exc
    return {str(code): _Language(str(code), raw) for code, raw in (doc.get("languages") or {}).items()}


def _languages_for(text: str, language: str | None) -> list[_Language]:
    known = date_languages()
    if language is not None:
        found = known.get(language)
        return [found] if found is not None else []
    return [known[code] for code, script in _SCRIPTS.items() if code in known and script.search(text)]


_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_BARE_MONTH = re.compile(
    r"\b(?:in|last|since|during)\s+(?P<month>January|February|March|April|June|July|August|September|"
    r"October|November|December)\b(?!\s+\d)(?!,?\s+(?:19|20)\d\d)"
)


def bare_month_ends(text: str, published: date) -> list[date]:
    """The last day of each month named alone ("collapsed in July", "last July"): its latest on or before
    publication, so a month long past reads as old background ("May" is left out: it is also a verb)."""
    ends: list[date] = []
    for match in _BARE_MONTH.finditer(text):
        month = _MONTHS.index(match.group("month").lower()) + 1
        year = published.year if month <= published.month else published.year - 1
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        ends.append(following - timedelta(days=1))
    return ends
