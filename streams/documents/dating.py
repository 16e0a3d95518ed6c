"""The publication date a document states about itself, for inputs that come with no metadata.

Text: a dateline, a line that is only a date ("October 21, 2020", "21 October 2020", "2020-10-21",
optionally after "Published"/"Updated" and before a time), near the top. HTML: the page's ``<time>`` and
meta tags through htmldate, then the dateline rule on its text. A date in running prose ("a summit in
Ashgabat, October 11, 2019") is never taken: it is usually not the article's.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime

log = logging.getLogger(__name__)

DATELINE_MAX_LINES = 40
MIN_YEAR = 1990
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_LEAD = r"(?:(?:published|updated|posted|date|last updated)(?:\s+on)?\s*:?\s*)?(?:[A-Za-z]{3,9},?\s+)?"
_TAIL = (
    r"(?:\s*(?:[,|/-]|at)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,5}|\s*[+-]\d{2}:?\d{2})?)?\s*"
)
_DATELINES = (
    re.compile(rf"^{_LEAD}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){_TAIL}$", re.I),
    re.compile(rf"^{_LEAD}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}}){_TAIL}$", re.I),
    re.compile(
        rf"^{_LEAD}(?P<year>\d{{4}})-(?P<month>\d{{2}})-(?P<day>\d{{2}})(?:T[\d:.]+Z?)?{_TAIL}$", re.I
    ),
)


def _valid(year: int, month: int, day: int, today: date) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if year >= MIN_YEAR and found <= today else None


def dateline_date(text: str, today: date | None = None) -> date | None:
    """The date of the first line near the top that is only a date, or None."""
    today = today or datetime.now(UTC).date()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[:DATELINE_MAX_LINES]:
        if len(line) > 60:
            continue
        for pattern in _DATELINES:
            found = pattern.match(line)
            if not found:
                continue
            month_text = found.group("month")
            month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.lower(), 0)
            if month:
                day = _valid(int(found.group("year")), month, int(found.group("day")), today)
                if day is not None:
                    return day
    return None


def html_date(markup: str) -> date | None:
    """The page's own publication date from its markup (``<time>``, meta tags, JSON-LD), or None."""
    try:
        from htmldate import find_date

        found = find_date(markup, extensive_search=False, original_date=True)
    except Exception as exc:  # htmldate raises parser errors on hostile markup
        log.debug("htmldate failed: %s", exc)
        return None
    if not found:
        return None
    try:
        return date.fromisoformat(found)
    except ValueError:
        return None


def document_date(text: str, markup: str | None = None) -> datetime | None:
    """Noon UTC of the date the document states (markup first, then a dateline), or None."""
    day = (html_date(markup) if markup else None) or dateline_date(text)
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC) if day else None
