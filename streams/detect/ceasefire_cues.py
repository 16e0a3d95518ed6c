"""English cues that tell a ceasefire mention is background, and what dates a truce's "first day" (issue 16).

Split out of ``ceasefire.py``: these read a clause that already holds a ceasefire noun and a declaration or
violation verb, and say why it reports no new event, or which day it means when it counts days of a truce.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from streams.detect.dates import MONTHS, DateMention, bare_month_ends, find_dates, pick_event_date
from streams.detect.sentences import Sentence
from streams.records import EventType

_NOUN = r"(?:cease-?fire|truce|armistice|cessation(?: of hostilities)?|hostilities)s?[\"'”’]?"
# "a ceasefire in Sudan that ...": a place or the parties between a truce and its relative clause.
_PLACE = r"(?:(?:in|of|for|on|between|with|across)\s+(?:[\w-]+\s+){1,3})?"
# "forge a ceasefire that has unfortunately been violated": a truce described by what has become of it
# (a perfect tense in a relative clause on the truce), not a breach reported; "that was broken" is a
# happening and stays.
_PERFECT_RELATIVE = re.compile(
    rf"\b{_NOUN}\s+{_PLACE}(?:that|which)\s+(?:has|have|had)\s+(?:\w+ly\s+)?(?:been\s+)?$", re.I
)
# "Hamas violated a ceasefire that was in place, ... basically started this war": the breach that began
# the war the article is about, told as its origin.
_ORIGIN = re.compile(
    r"\b(?:started|began|triggered|sparked|ignited|unleashed) "
    r"(?:this|the|that|the current) (?:war|conflict)\b",
    re.I,
)
# "the cessation of hostilities announced on November 26", "the partial cease-fire that began on Monday
# night", "the ceasefires that they have signed", "since the truce deal took effect": a truce named by its
# making is a known truce, not news of one.
_RELATIVE = re.compile(rf"\b{_NOUN}\s+{_PLACE}(?:that|which)\s+(?:[\w-]+\s+){{0,3}}$", re.I)
_PARTICIPLE = re.compile(rf"\b{_NOUN}\s+{_PLACE}$", re.I)
_SINCE = re.compile(rf"\bsince (?:the|a|an) (?:[\w-]+\s+){{0,3}}{_NOUN}\s+(?:deal\s+|agreement\s+)?$", re.I)
_PARTICIPLES = frozenset({"announced", "agreed", "brokered", "declared", "signed", "reached", "established"})
# "since the war began": the verb has another subject than the truce.
_OTHER_SUBJECT = re.compile(
    r"\b(?:war|fighting|conflict|violence|uprising|crisis|talks|negotiations|offensive)\s+$", re.I
)
# "agreed that the time is now", "had started yielding results": the verb's object is no truce.
_OTHER_OBJECT = re.compile(r"\s*(?:that\b|[\w]+ing\b|-)", re.I)
# "since a 1994 ceasefire", "the 2020 truce": a truce named by an earlier year.
_YEAR_BEFORE_NOUN = re.compile(rf"\b(?P<year>(?:19|20)\d\d)\s+(?:[\w-]+\s+)?{_NOUN}", re.I)
# "By 1994, when a ceasefire was agreed": a truce made before an earlier year's end.
_YEAR_BOUND = re.compile(r"\b(?:by|until|till|before)\s+(?P<year>(?:19|20)\d\d)\b", re.I)
# "67 years since the armistice", "decades ago", "as you all know": told as history or shared knowledge.
_HISTORY = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|many|several) (?:years|decades) "
    r"(?:since|ago|after|before|earlier)\b|\bdecades ago\b|\blast (?:month|year)\b|"
    r"\bas (?:you|we) (?:all )?(?:know|recall|remember)\b",
    re.I,
)
# "broken 15 times on the first day": counted in days of the truce, dated by the truce's start.
_TRUCE_DAY = re.compile(r"\bon (?:the|its) (?P<nth>first|second|third|fourth|fifth) day\b(?! of)", re.I)
_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4}
_STARTED = re.compile(
    r"\b(?:came into (?:force|effect)|took effect|went into (?:force|effect)|entered into force|"
    r"began|begun|started)\b",
    re.I,
)
# A truce's start may be told of "the deal" or "the agreement" once the article has named the truce.
_ANY_NOUN = re.compile(rf"{_NOUN}|\b(?:deal|agreement|accord)\b", re.I)


# "a local ceasefire deal agreed in September": the month a truce was made (read with ``bare_month_ends``).
_MONTH_NAME = r"(?:January|February|March|April|June|July|August|September|October|November|December)"
_TRUCE_MONTH = re.compile(
    r"\b(?:agreed|reached|declared|announced|brokered|signed|struck|began|started|took effect)\s+"
    rf"(?:in|last)\s+(?P<month>{_MONTH_NAME})\b|^\s*(?:In|Last) (?P<first>{_MONTH_NAME})\b(?=,)"
)


# "the cessation of hostilities in Syria, which came into force on Saturday, was broken": a clause split off
# at ", which" still speaks of the truce named just before it.
_TRUCE_THEN_WHICH = re.compile(
    rf"\b(?P<noun>{_NOUN})(?:\s+(?:in|of|for|on|between|with|across)(?:\s+[\w-]+){{1,3}})?\s*,\s*which\s+$",
    re.I,
)


def of_truce_before(text: str, start: int, clause: str) -> str | None:
    """``clause`` (at ``start`` in ``text``) with the truce it speaks of ("truce which came into force on
    Saturday, was broken ..."), when it is a ", which" clause right after a ceasefire noun; else None."""
    match = _TRUCE_THEN_WHICH.search(text[max(0, start - 80) : start])
    return f"{match.group('noun')} which {clause}" if match else None


def truce_month(sentence: str) -> str:
    """The words dating a truce by the month it was made ("agreed in September"), or ""."""
    match = _TRUCE_MONTH.search(sentence)
    return f"in {match.group('month') or match.group('first')}" if match else ""


# "where Russia said it extended a truce ..., rebels said the army shelled ... their posts", "bombed the
# town during the truce", "pounded towns inside the Idlib de-escalation zone": a strike while a truce is in
# force, or inside an agreed de-escalation zone, is a violation told indirectly. Only past-tense
# strikes count, and none placed before the truce ("shelled it before the truce was extended").
_IN_FORCE = re.compile(
    r"\b(?:extended|extending|extends) (?:a|the|its) (?:[\w-]+ ){0,2}(?:cease-?fire|truce)\b|"
    r"\b(?:during|throughout|in the middle of) (?:a|the) (?:[\w-]+ ){0,2}(?:cease-?fire|truce)\b|"
    r"\b(?:in|inside|within|into) (?:a|an|the) (?:[\w-]+ ){0,3}de-?escalation zone",
    re.I,
)
_STRUCK = re.compile(
    r"\b(?:shelled|bombed|bombarded|attacked|struck|pounded|stormed|raided|clashed|"
    r"launched an? (?:attack|offensive))\b",
    re.I,
)
_BEFORE = re.compile(r"\b(?:before|ahead of|prior to|until the truce)\b", re.I)


def strike_in_truce(clause: str) -> re.Match[str] | None:
    """The strike of a clause that tells one while a truce is in force, else None."""
    if _IN_FORCE.search(clause) is None or _BEFORE.search(clause) is not None:
        return None
    return _STRUCK.search(clause)


# "violence has spiraled since a ceasefire collapsed", "after a Feb. 27 ceasefire collapsed in April": a
# breakdown named as the start of what the sentence tells, not as news of its own.
_SINCE_BREAKDOWN = re.compile(
    r"\b(?:since|ever since)\s+(?:a|an|the|its|their)\s+(?:[\w.,-]+\s+){0,5}$", re.I
)
# "collapsed in April" read in May: a breakdown dated by an earlier month alone.
_IN_MONTH = re.compile(rf"\s+(?:in|last)\s+(?P<month>{_MONTH_NAME})\b")
# "almost a year ago", "two months ago": a breakdown dated long before the report.
_LONG_AGO = re.compile(
    r"\b(?:(?:almost|nearly|about|more than|over|some)\s+)?"
    r"(?:a|one|two|three|four|five|six|\d+|several|many)\s+(?:years?|months?)\s+ago\b",
    re.I,
)


def violation_background(
    sentence: str, clause: str, verb: re.Match[str], dated: bool, published: date | None = None
) -> bool:
    """Whether an undated violation is told as the truce's history, a starting point or the war's origin."""
    if dated:
        return False
    before = clause[max(0, verb.start() - 60) : verb.start()]
    if _PERFECT_RELATIVE.search(before) or _LONG_AGO.search(clause, verb.end()):
        return True
    month = _IN_MONTH.match(clause, verb.end())
    if (
        month is not None
        and published is not None
        and MONTHS[month.group("month").lower()] != published.month
    ):
        return True
    noun = _ANY_NOUN.search(before)
    if noun is not None and _SINCE_BREAKDOWN.search(before[: noun.start()]):
        return True
    return _ORIGIN.search(sentence) is not None


def declaration_background(clause: str, published: date) -> bool:
    """Whether a declaration clause names an older truce ("since a 1994 ceasefire", "By 1994, when a
    ceasefire was agreed") or tells history ("67 years since the armistice", "as you all know")."""
    for match in _YEAR_BEFORE_NOUN.finditer(clause):
        if int(match.group("year")) < published.year:
            return True
    for match in _YEAR_BOUND.finditer(clause):
        if int(match.group("year")) < published.year:
            return True
    return _HISTORY.search(clause) is not None


def is_reference(clause: str, verb: re.Match[str]) -> bool:
    """ "the truce announced on 26 November", "a truce that began on Wednesday", "a Russia-brokered truce",
    "agreed that ...": the verb names a known truce, or declares something else."""
    if clause[verb.start() - 1 : verb.start()] == "-" or _OTHER_OBJECT.match(clause, verb.end()):
        return True
    before = clause[max(0, verb.start() - 60) : verb.start()]
    if _RELATIVE.search(before) or _SINCE.search(before) or _OTHER_SUBJECT.search(before):
        return True
    return verb.group(0).lower() in _PARTICIPLES and _PARTICIPLE.search(before) is not None


# "is supposed to come into effect", "once the cease-fire comes into effect", "agreed to work toward a
# cessation", "agreed ... to implement", "agreed in principle", "agreed to the possibility of a truce": a
# truce not yet in force (the labels' `planned`).
_PLANNED_BEFORE = re.compile(
    r"\b(?:would|will|is supposed to|are supposed to|is due to|is set to|once|ahead of)\s+(?:\w+\s+)?$", re.I
)
_PLANNED_VERB = re.compile(r"^(?:comes|takes)\b", re.I)
_PLANNED_AFTER = re.compile(
    r"^(?:\s+(?:on\s+)?\w+)?\s+to\s+(?:implement|enforce|work\s+toward|work\s+towards|seek|pursue)\b|"
    r"^\s+(?:in\s+principle|(?:to|on)\s+the\s+[\"'“]?possibility)\b",
    re.I,
)
# "agreed on Friday to a limited cessation of hostilities, but the deal does not take effect until the end of
# this week": the sentence says the truce is not in force yet.
_NOT_YET = re.compile(
    r"\b(?:does|do|would|will|did) not (?:take effect|come into (?:force|effect)|start|begin) until\b|"
    r"\bnot yet (?:in (?:force|effect)|taken effect)\b",
    re.I,
)
# "even if there is international agreement on a temporary truce": a truce supposed, not made.
_IF_BEFORE = re.compile(r"\b(?:if|unless|whether)\b[^,;]*$", re.I)
# "a new joint center ... to monitor the ceasefire": what was announced serves the truce, it is not one.
_SERVES = re.compile(
    r"\bto (?:monitor|oversee|verify|police|support|save|salvage|preserve|strengthen)\b", re.I
)


def declaration_not_made(sentence: str, clause: str, verb: re.Match[str]) -> str | None:
    """Why a declaration verb announces no truce in force: "plan" (not yet in force), "conditional" or
    "other"."""
    if _NOT_YET.search(sentence):
        return "plan"
    if _IF_BEFORE.search(clause[max(0, verb.start() - 60) : verb.start()]):
        return "conditional"
    if _PLANNED_VERB.match(verb.group(0)) or _PLANNED_BEFORE.search(
        clause[max(0, verb.start() - 40) : verb.start()]
    ):
        return "plan"
    if _PLANNED_AFTER.match(clause[verb.end() : verb.end() + 40]):
        return "plan"
    noun = _ANY_NOUN.search(clause, verb.end())
    if noun is not None and _SERVES.search(clause, verb.end(), noun.start()):
        return "other"
    return None


# "a truce that would take effect on Saturday": the day the truce is to start, not the announcement's.
_START_AHEAD = re.compile(
    r"\b(?:would|will|to|is due to|is set to)\s+(?:take effect|come into (?:force|effect)|begin|start)"
    r"(?:\s+(?:on|at|from))?(?:\s+the)?\s*$",
    re.I,
)


def is_start_ahead(clause: str, mention: DateMention) -> bool:
    """Whether ``mention`` is the day a truce is to start ("that would take effect on Saturday")."""
    return _START_AHEAD.search(clause[max(0, mention.start - 50) : mention.start]) is not None


def is_start(verb: re.Match[str]) -> bool:
    """Whether a declaration verb tells the truce starting ("has begun", "took effect")."""
    return _STARTED.fullmatch(verb.group(0)) is not None


def truce_day(clause: str) -> int | None:
    """Days after the truce's start that "on the first day" (0), "on its second day" (1) ... name."""
    match = _TRUCE_DAY.search(clause)
    return _ORDINALS[match.group("nth").lower()] if match else None


def truce_start(sentences: Sequence[Sentence], published: date) -> date | None:
    """The day the article says its truce started ("the deal, which came into force on Saturday")."""
    for sentence in sentences:
        text = sentence.text
        if not _ANY_NOUN.search(text):
            continue
        for started in _STARTED.finditer(text):
            chosen = pick_event_date(find_dates(text, published), started.end())
            if chosen is not None and chosen.day is not None and chosen.start >= started.start():
                return chosen.day
    return None


def day_of_truce(start: date | None, offset: int | None) -> date | None:
    """The ``offset``-th day after a truce's ``start`` (0 is the first day), when both are known."""
    return start + timedelta(days=offset) if start is not None and offset is not None else None


# "Q    Yesterday, the ambassador said the ceasefire has collapsed ...": a transcript's question marker.
_QUESTION_MARK = re.compile(r"^Q[\s:.]")


def question_paragraphs(sentences: Sequence[Sentence]) -> set[int]:
    """Paragraphs of a transcript that are a reporter's question (they relay claims, they report nothing)."""
    return {s.paragraph for s in sentences if _QUESTION_MARK.match(s.text)}


# -- whether a violation is reported, and its day --------------------------------------------------------

# "if they violate the truce", "the truce will collapse", "expected breaches", "potential violations":
# a violation feared or threatened, not reported (looked at in the clause's words before the verb).
_SPECULATIVE = re.compile(
    r"\b(?:if|unless|will|would|could|might|may|expect\w*|potential|possible|risk of|threat\w* to|"
    r"warn\w*|fear\w*)\b",
    re.IGNORECASE,
)
# "many violations have been reported", "despite repeated violations", "over 7,000 breaches": a tally of
# violations over a span is background unless the clause dates it ("300 violations overnight").
_TALLY = re.compile(
    r"\b(?:many|repeated|numerous|frequent|countless|the most|dozens of|hundreds of|thousands of|"
    r"continued|continuing|ongoing|persistent|constant|daily|"
    r"(?:over|more than|some|nearly|almost) [\d,]+)\s+(?:[\w-]+\s+)?(?:violations|breaches)\b|"
    # "concerns about violations of a ceasefire": a worry about violations in general, not a report of one.
    r"\b(?:concerns?|concerned|worr\w+)\s+(?:about|over|by)\s+(?:[\w-]+\s+){0,6}(?:violations|breaches)\b",
    re.IGNORECASE,
)
# "despite the ceasefire, sporadic hostilities continued": fighting told as a habit over a span, not a
# happening; background unless the clause dates it ("sporadic shelling on Tuesday despite the truce").
_HABITUAL = re.compile(r"\b(?:sporadic|intermittent|occasional|periodic)(?:al)?(?:ly)?\b", re.IGNORECASE)
_PLURAL_VIOLATIONS = re.compile(r"\b(?:violations|breaches)\b", re.IGNORECASE)
TRUCE_DAY_TEXT = "day of the truce"
_EXAMPLE = re.compile(r"\s*(?:for example|for instance|in one (?:case|instance))\b", re.IGNORECASE)


def not_reported(
    text: str,
    clause: str,
    verb: re.Match[str],
    dates: list[DateMention],
    event_type: str,
    example_dated: bool = False,
) -> str | None:
    """Why a clause with a ceasefire verb reports no new event: a question, a threat, a tally (unless the
    clause or the example after it dates it: ``example_dated``)."""
    if text.rstrip().endswith("?"):
        return "question"
    if event_type != EventType.CEASEFIRE_VIOLATED:
        return None
    if _SPECULATIVE.search(clause, max(0, verb.start() - 60), verb.start()):
        return "conditional"
    if example_dated or truce_day(clause) is not None:
        return None
    if any(d.relation == "at" and d.day is not None for d in dates):
        return None
    if _TALLY.search(clause) or _HABITUAL.search(clause):
        return "old_background"
    # "allegations of truce violations since July 5": violations summed up over a span since a day.
    if any(d.relation == "since" for d in dates) and _PLURAL_VIOLATIONS.search(clause):
        return "old_background"
    return None


def truce_day_date(clause: str, truce_started: Callable[[], date | None]) -> DateMention | None:
    """ "broken 15 times on the first day": the day the truce started, plus the days counted."""
    offset = truce_day(clause)
    day = day_of_truce(truce_started(), offset) if offset is not None else None
    return DateMention(0, 0, TRUCE_DAY_TEXT, day, day.year) if day is not None else None


def start_memo(sentences: Sequence[Sentence], published: date, memo: list[date | None]) -> date | None:
    """``truce_start``, looked up once per article (``memo`` holds it)."""
    if not memo:
        memo.append(truce_start(sentences, published))
    return memo[0]


def example_date(following: Sentence | None, published: date) -> DateMention | None:
    """ "an uptick in violations. For example, a kindergarten shelled yesterday": the example dates them."""
    if following is None or not _EXAMPLE.match(following.text):
        return None
    return pick_event_date(find_dates(following.text, published), 0)


_TRUCE_NOUN = re.compile(_NOUN, re.I)
# The next sentence must tell the breach too ("which Mr. Sinwar decided to break"), not the truce's making.
_BREACH = re.compile(r"\b(?:violat\w*|breach\w*|break|broke|broken)\b", re.I)


def truce_dated_before(following: Sentence | None, published: date, max_age: timedelta) -> bool:
    """ "they violated a ceasefire. There was a ceasefire in place on the 6th of October, which he decided to
    break": the next sentence dates the breach long before publication."""
    if following is None or _TRUCE_NOUN.search(following.text) is None or not _BREACH.search(following.text):
        return False
    days = [d.day for d in find_dates(following.text, published) if d.relation == "at" and d.day is not None]
    return bool(days) and max(days) < published - max_age


def bare_month_is_old(clause: str, published: date, max_age: timedelta) -> bool:
    """ "collapsed in July" read in January: a month named alone that ended long before publication."""
    ends = bare_month_ends(clause, published)
    return bool(ends) and max(ends) < published - max_age


# -- headlines and recalled breaches (issue 15) ------------------------------------------------------------

# A breach is news for days: every labelled violation of the real-text and passage sets is told at most 11
# days after it; one dated a month or more before the report ("entre le 12 et le 14 septembre dernier, ...
# Bakou, qui a rompu le cessez-le-feu", read on 21 October) is recalled, whatever the age limit of events.
RECALLED_AFTER = timedelta(days=30)
# What ends a sentence of prose; a headline ends without it ("**哈马斯谴责以违反停火协议**").
_PROSE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")


def recalled_after(max_age: timedelta) -> timedelta:
    """How old a violation's day may be before the report only recalls it (the events' age limit, at most
    ``RECALLED_AFTER``)."""
    return min(max_age, RECALLED_AFTER)


def is_heading(sentences: Sequence[Sentence], position: int) -> bool:
    """Whether the sentence at ``position`` is a headline: alone in its paragraph, without a full stop, and
    followed by the paragraph it heads (its lead)."""
    sentence = sentences[position]
    if position + 1 >= len(sentences) or sentences[position + 1].paragraph == sentence.paragraph:
        return False
    if position > 0 and sentences[position - 1].paragraph == sentence.paragraph:
        return False
    return _PROSE_END.search(sentence.text.strip().strip("*_# ").rstrip()) is None
