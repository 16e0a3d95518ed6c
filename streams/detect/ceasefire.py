"""Ceasefire detector: a ceasefire declared or taking effect, and a ceasefire violated (alleged when accused).

Works clause by clause, because one sentence often tells a whole story ("the truce took effect on 10 October
and was violated almost immediately, following which ... another ceasefire on 18 October also ended with an
eruption of hostilities"). Appeals ("called for a ceasefire", "must observe the truce") are near-misses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

from streams.detect import ceasefire_cues as cues
from streams.detect.conflict_cues import lead_day
from streams.detect.dates import (
    DateMention,
    find_dates,
    oldest_year,
    pick_event_date,
)
from streams.detect.detector import ArticleText, Rejection
from streams.detect.findings import CeasefireFinding
from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData
from streams.detect.lexicon import conflicts_in, prefer_specific
from streams.detect.native_ceasefire import NativeCeasefireReader
from streams.detect.sentences import Sentence, sentences_containing
from streams.detect.textpatterns import trie_pattern
from streams.records import EventType

LANGUAGES = frozenset({"en"})
DEFAULT_MAX_AGE_DAYS = 45

_CEASEFIRE = re.compile(
    r"\b(?:cease-?fire|truce|armistice|cessation of hostilities|de-?escalation zone|"
    r"halt to (?:the )?(?:fighting|hostilities))s?\b",
    re.IGNORECASE,
)
# Substrings every ceasefire candidate holds (the engine also uses them to skip articles without any).
CEASEFIRE_STEMS = ("cease", "truce", "armistice", "hostilities", "cessation", "escalation zone")
_CLAUSES = re.compile(
    r";|,\s*(?:following which|after which|whereupon|but|while|whereas|although|where|which)\s+"
    r"|\s+but\s+|\.\s+"
    r"|,\s*(?:(?:a|one|two|three|several|\d+) (?:hours?|days?|weeks?|months?)|hours|days|weeks|shortly|soon|"
    r"just|only) after\s+",
    re.IGNORECASE,
)
_VIOLATED = re.compile(
    r"\b(?:violat\w*|breach\w*|broken|broke\b(?! out)|break(?:s|ing)?\b(?! out| the deadlock)|collaps\w*|"
    r"crumbl\w*|shatter\w*|unravel\w*|wreck\w*|fell apart|"
    r"falling apart|did not hold|didn't hold|failed to hold|short-lived|flouted|in tatters|"
    r"ended (?:with|in) (?:an? )?(?:eruption|resumption|outbreak|renewal) of "
    r"(?:hostilities|fighting|violence)|"
    r"(?:shelling|fighting|clashes|attacks|strikes|hostilities) (?:resumed|continued|erupted) despite|"
    # "the truce has reduced violence although not halted the fighting": fighting a truce did not stop.
    r"(?:not|never|failed to) (?:halted|stopped|ended|halt|stop|end) (?:the )?(?:fighting|violence|attacks|"
    r"shelling|clashes|hostilities))\b",
    re.IGNORECASE,
)
_DESPITE = re.compile(r"\bdespite (?:a|the) (?:[\w-]+ )?(?:cease-?fire|truce)\b", re.IGNORECASE)
# "mounted the first air strike since the start of the cessation", "continued their offensive on the final
# day of the truce": fighting placed inside a truce's time is a violation told indirectly.
_INSIDE = re.compile(
    r"\b(?:since the (?:start|beginning|onset) of|"
    r"on the (?:first|second|third|fourth|fifth|final|last) day of) "
    r"(?:a|the) (?:[\w-]+ ){0,3}(?:cease-?fire|truce|cessation(?! of (?!hostilities)))\b",
    re.IGNORECASE,
)
_COMBAT = re.compile(
    r"\b(?:shell\w*|fight\w*|clash\w*|attack\w*|strikes?|killed|fire[ds]?|bombard\w*|offensive|violence)\b",
    re.I,
)
# "fighting has subsided since the start of the truce": calm inside a truce, no violation.
_CALM = re.compile(
    r"\b(?:stopp\w*|ceased|halt\w*|subsid\w*|fell|fallen|dropp\w*|eased|easing|declin\w*|calm\w*|quiet\w*|"
    r"lull|reduc\w*|no)\b",
    re.IGNORECASE,
)
_ALLEGED = re.compile(
    r"\b(?:accus\w*|alleg\w*|blam\w*|claim\w*|charged|reportedly|purported\w*|denied|denies)\b", re.I
)
_DECLARED = re.compile(
    r"\b(?:declar\w*|announc\w*|agreed|agree(?:s|ment) (?:on|to)|brokered|took effect|takes? effect|"
    r"reached (?:an? |the )?(?:[\w-]+ ){0,3}(?:deal|agreement|accord|understanding|truce|cease-?fire)|"
    r"came into (?:force|effect)|went into (?:force|effect)|entered into force|comes? into (?:force|effect)|"
    r"signed|implemented|began|begun|begins|started|went into|in force|established)\b",
    re.IGNORECASE,
)
_APPEAL = re.compile(
    r"\b(?:call(?:ed|s|ing)? (?:for|on|upon)|urg\w*|appeal\w*|demand\w*|press(?:ed|es|ing)? for|"
    r"push(?:ed|es|ing)? for|seek\w*|sought|propos\w*|need(?:s|ed)? (?:to|for)|must|should|"
    r"to (?:re-?establish|achieve|agree|reach|restore|secure|negotiate|broker|respect|observe)|"
    r"plea|hopes?|efforts? to|bid to|would|ready to|offer\w* to|"
    r"willing|insist\w*|ask\w*|respect)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(?:no|not|never|without)\b[^,;]{0,30}\b(?:violat\w*|breach\w*|broken|broke|collaps\w*|agree\w*|"
    r"declar\w*)|"
    r"\b(?:cease-?fire|truce)\s+(?:has\s+|had\s+|largely\s+|mostly\s+)*held\b|"
    r"\b(?:is|was|has been|largely) holding\b|\bfailed to (?:agree|reach)\b",
    re.IGNORECASE,
)
# The clause patterns above, for a lower-cased ASCII clause: their literals are all lower case, so without
# IGNORECASE they find the same spans there, about three times faster (``_clause`` picks the set).
_IGNORING_CASE = (_VIOLATED, _DESPITE, _COMBAT, _DECLARED, _APPEAL, _NEGATED, _ALLEGED, _INSIDE, _CALM)
_FOR_LOWER_ASCII = tuple(re.compile(pattern.pattern) for pattern in _IGNORING_CASE)
# Conflict names that are armed groups, not places: "violations by Russia and Hezbollah" in Syria is Syria's.
_ACTORS = ("Hezbollah", "Hamas", "Houthi", "Taliban", "FARC", "ELN", "TPLF", "Polisario", "M23", "al-Shabaab")
_MEDIATOR = re.compile(
    r"\b(?P<who>[A-Z][\w-]+)-(?:brokered|mediated|backed)\b|\bmediated by (?P<by>[A-Z]\w+)"
)


class CeasefireDetector:
    """Finds ceasefire declarations and violations in an article's sentences."""

    name = "ceasefire"

    def __init__(
        self,
        gazetteer: Gazetteer,
        max_age_days: int = DEFAULT_MAX_AGE_DAYS,
        languages: Mapping[str, LanguageData] | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.max_age = timedelta(days=max_age_days)
        words = {w: c.code for c in gazetteer.countries().values() for w in (c.name, *c.names, *c.adjectives)}
        self._country_code = words
        # The longest country word at each place, as a longest-first alternation would find it; shaped as a
        # character trie (the greedy branches backtrack to shorter words), which scans many times faster.
        self._countries = re.compile(rf"\b(?:{trie_pattern(words)})\b")
        # English has its own patterns (above); every other language is read from its file.
        self._native = {
            code: (data.ceasefire.stems, NativeCeasefireReader(data, self.max_age))
            for code, data in (languages or {}).items()
            if data.ceasefire is not None and code not in LANGUAGES
        }
        self.languages = LANGUAGES | frozenset(self._native)

    def gate_words(self) -> frozenset[bytes]:
        return frozenset()

    def may_fire(self, article: ArticleText) -> bool:
        native = self._native.get(article.language)
        return any(map(article.lower.__contains__, native[0] if native is not None else CEASEFIRE_STEMS))

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[CeasefireFinding], list[Rejection]]:
        """Every ceasefire finding and rejected candidate in ``sentences`` (an article, in order)."""
        native = self._native.get(article.language)
        if native is not None:
            return native[1].detect(sentences, article.published, article.lower_text)
        return self.detect_english(sentences, article.published, article.lower_text)

    def detect_english(
        self, sentences: Sequence[Sentence], published: date, lower_text: str | None = None
    ) -> tuple[list[CeasefireFinding], list[Rejection]]:
        """The English path; ``lower_text``, the lower-cased text, lets candidates be found in one pass."""
        findings: list[CeasefireFinding] = []
        rejections: list[Rejection] = []
        article_conflict: str | bool | None = False  # computed lazily: False = not yet
        named: dict[str, list[tuple[int, str]]] = {}  # conflicts_in per text, for this article only
        questions: set[int] | None = None  # paragraphs that are a reporter's question, found once
        starts: list[date | None] = []  # the truce's start day, looked up once when a clause counts its days
        candidates = sentences_containing(lower_text, sentences, CEASEFIRE_STEMS)
        for position, sentence in enumerate(sentences):
            if candidates is not None and position not in candidates:
                continue
            if candidates is None and not any(stem in sentence.text.lower() for stem in CEASEFIRE_STEMS):
                continue
            if not (_CEASEFIRE.search(sentence.text) or _INSIDE.search(sentence.text)):
                continue
            for start, piece in _clauses(sentence.text):
                clause: str | None = piece
                if not (_CEASEFIRE.search(piece) or _INSIDE.search(piece)):
                    clause = cues.of_truce_before(sentence.text, start, piece)
                if clause is None:
                    continue
                conflict = self._conflict(sentences, position, clause, named)
                if conflict is None:
                    if article_conflict is False:
                        article_conflict = _most_named_conflict(sentences, named)
                    conflict = article_conflict if isinstance(article_conflict, str) else None
                if questions is None:
                    questions = cues.question_paragraphs(sentences)
                if sentence.paragraph in questions:
                    # "Q  ... saying that the ceasefire has collapsed": a reporter's question in a transcript.
                    rejections.append(Rejection(sentence.text, "ceasefire/transcript_question", "question"))
                    continue
                following = sentences[position + 1] if position + 1 < len(sentences) else None
                found, rejected = self._clause(
                    sentence,
                    clause,
                    published,
                    conflict,
                    following,
                    lambda: cues.start_memo(sentences, published, starts),
                    following if cues.is_heading(sentences, position) else None,
                )
                findings.extend(found)
                rejections.extend(rejected)
        return findings, rejections

    def _clause(
        self,
        sentence: Sentence,
        clause: str,
        published: date,
        conflict: str | None,
        following: Sentence | None = None,
        truce_started: Callable[[], date | None] = lambda: None,
        lead: Sentence | None = None,
    ) -> tuple[list[CeasefireFinding], list[Rejection]]:
        """Findings and rejections of one clause; ``lead``, when the sentence is a headline, the sentence
        that begins the report under it (an undated headline takes the day it states)."""
        dates = find_dates(clause, published)
        if clause.isascii():
            probe = clause.lower()
            patterns = _FOR_LOWER_ASCII
        else:
            probe = clause
            patterns = _IGNORING_CASE
        violated_p, despite_p, combat_p, declared_p, appeal_p, negated_p, alleged_p, inside_p, calm_p = (
            patterns
        )
        violated = (
            violated_p.search(probe)
            or (
                (despite_p.search(probe) or (None if calm_p.search(probe) else inside_p.search(probe)))
                if combat_p.search(probe)
                else None
            )
            or (None if calm_p.search(probe) else cues.strike_in_truce(probe))
        )
        # "the start of the cessation" names a truce for a violation inside it, never for a declaration.
        declared = declared_p.search(probe) if _CEASEFIRE.search(clause) else None
        appeal = appeal_p.search(probe)
        if negated_p.search(probe):
            kind = "violated" if violated else "declared"
            return [], [Rejection(sentence.text, f"ceasefire_{kind}/negated", "negated")]
        if violated is None and declared is None:
            if appeal is not None:
                return [], [Rejection(sentence.text, f"ceasefire/appeal:{appeal.group(0).lower()}", "appeal")]
            return [], []
        if (
            appeal is not None
            and (violated is None or appeal.start() < violated.start())
            and (declared is None or appeal.start() < declared.start())
        ):
            return [], [Rejection(sentence.text, f"ceasefire/appeal:{appeal.group(0).lower()}", "appeal")]
        parties = self._parties(clause)
        findings: list[CeasefireFinding] = []
        rejections: list[Rejection] = []
        for event_type, match in (
            (EventType.CEASEFIRE_DECLARED, declared),
            (EventType.CEASEFIRE_VIOLATED, violated),
        ):
            if match is None:
                continue
            rule = f"{event_type}/{match.group(0).lower()}"
            if event_type == EventType.CEASEFIRE_DECLARED and violated is not None:
                # "took effect on 10 October and was violated": the news is the breach, the truce background.
                rejections.append(Rejection(sentence.text, rule, "declared_then_violated"))
                continue
            if event_type == EventType.CEASEFIRE_DECLARED:
                # A truce not in force yet first ("a cease-fire that is supposed to come into effect"), then
                # a known truce named by its making ("the truce announced on 26 November"), then history.
                news = _declaration_told(declared_p, probe, match)
                not_made = cues.declaration_not_made(sentence.text, clause, news or match)
                if not_made is None and (news is None or cues.declaration_background(clause, published)):
                    not_made = "old_background"
                if not_made is not None:
                    rejections.append(Rejection(sentence.text, rule, not_made))
                    continue
                match = news or match
            if _appeal_between(clause, match):
                rejections.append(Rejection(sentence.text, rule, "appeal"))
                continue
            violation = event_type == EventType.CEASEFIRE_VIOLATED
            example = cues.example_date(following, published) if violation else None
            reason = cues.not_reported(sentence.text, clause, match, dates, event_type, example is not None)
            if reason is None and event_type == EventType.CEASEFIRE_VIOLATED:
                dated = any(d.relation == "at" and d.day is not None for d in dates)
                if cues.violation_background(
                    sentence.text, clause, match, dated or cues.truce_day(clause) is not None, published
                ) or (not dated and cues.truce_dated_before(following, published, self.max_age)):
                    reason = "old_background"
            if reason is not None:
                rejections.append(Rejection(sentence.text, rule, reason))
                continue
            chosen = pick_event_date(
                [d for d in dates if not cues.is_start_ahead(clause, d)]
                if event_type == EventType.CEASEFIRE_DECLARED
                else dates,
                match.start(),
            )
            if chosen is None and event_type == EventType.CEASEFIRE_VIOLATED:
                chosen = cues.truce_day_date(clause, truce_started) or example
            elif not dates and cues.is_start(match):
                # "A five-day ceasefire has begun in Yemen": the day the article says the truce started.
                chosen = cues.truce_day_date("on the first day", truce_started)
            if (
                self._is_old(chosen, dates, published, event_type)
                or (chosen is None and cues.bare_month_is_old(clause, published, self.max_age))
                or (
                    # "a local truce agreed in September, but ... some fighting despite the truce", read in
                    # January: an undated breach of a truce the sentence dates long before.
                    chosen is None
                    and cues.bare_month_is_old(cues.truce_month(sentence.text), published, self.max_age)
                )
            ):
                rejections.append(Rejection(sentence.text, rule, "old_background"))
                continue
            lead_day = (
                self._lead_day(lead, parties, conflict, published)
                if lead is not None and (chosen is None or chosen.day is None)
                else None
            )
            day = chosen.day if chosen is not None and chosen.day is not None else lead_day or published
            # A day counted from the truce's start is this clause's own, not one to lend to undated mentions.
            explicit = (chosen is not None and chosen.text != cues.TRUCE_DAY_TEXT) or lead_day is not None
            alleged = event_type == EventType.CEASEFIRE_VIOLATED and bool(alleged_p.search(probe))
            findings.append(
                CeasefireFinding(event_type, sentence, day, explicit, conflict, parties, alleged, rule)
            )
        return findings, rejections

    def _is_old(
        self, chosen: DateMention | None, dates: list[DateMention], published: date, event_type: str
    ) -> bool:
        if chosen is not None and chosen.day is not None:
            violation = event_type == EventType.CEASEFIRE_VIOLATED
            return chosen.day < published - (cues.recalled_after(self.max_age) if violation else self.max_age)
        year = oldest_year(dates)
        return year is not None and year < published.year

    def _lead_day(
        self, lead: Sentence, parties: tuple[str, ...], conflict: str | None, published: date
    ) -> date | None:
        """The day ``lead`` states when it tells the headline's story (names one of its parties or its
        conflict): the one nearest its own violation word, if it has one."""
        same_story = bool(set(parties) & set(self._parties(lead.text))) or (
            conflict is not None and conflict in (name for _, name in conflicts_in(lead.text))
        )
        timing = lead_day((lead,), published, "en", self.max_age, _VIOLATED) if same_story else None
        return timing.day if timing is not None else None

    def _parties(self, clause: str) -> tuple[str, ...]:
        mediators = {m.group("who") or m.group("by") for m in _MEDIATOR.finditer(clause)}
        mediator_codes = {self._country_code.get(w) for w in mediators if w}
        mediator_codes |= {self.gazetteer.country_of_word(w) for w in mediators if w}
        codes = {self._country_code[m.group(0)] for m in self._countries.finditer(clause)}
        return tuple(sorted(code for code in codes if code not in mediator_codes))

    @staticmethod
    def _conflict(
        sentences: Sequence[Sentence],
        position: int,
        clause: str,
        named: dict[str, list[tuple[int, str]]],
    ) -> str | None:
        """The conflict named nearest: the clause, the sentence, then up to three sentences before."""
        for text in (
            clause,
            sentences[position].text,
            *(s.text for s in sentences[max(0, position - 3) : position][::-1]),
        ):
            found = _conflicts_memo(text, named)
            places = [name for offset, name in found if not text.startswith(_ACTORS, offset)]
            names = places or [name for _, name in found]
            if names:
                return prefer_specific(names)
        return None


def _declaration_told(pattern: re.Pattern[str], probe: str, first: re.Match[str]) -> re.Match[str] | None:
    """The first declaration verb that tells news, not one naming a known truce ("the truce announced on")."""
    if not cues.is_reference(probe, first):
        return first
    return next((m for m in pattern.finditer(probe, first.end()) if not cues.is_reference(probe, m)), None)


def _appeal_between(clause: str, verb: re.Match[str]) -> bool:
    """ "agreed to ask the parties for a cessation of hostilities": an appeal between verb and ceasefire."""
    nouns = list(_CEASEFIRE.finditer(clause)) or list(_INSIDE.finditer(clause))
    nearest = min(nouns, key=lambda n: abs(n.start() - verb.start()))
    low, high = sorted((verb.end(), nearest.start()))
    return bool(_APPEAL.search(clause[low:high])) if nearest.start() > verb.end() else False


def _clauses(text: str) -> list[tuple[int, str]]:
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in _CLAUSES.finditer(text):
        pieces.append((start, text[start : match.start()]))
        start = match.end()
    pieces.append((start, text[start:]))
    return [(s, p) for s, p in pieces if p.strip()]


def _conflicts_memo(text: str, named: dict[str, list[tuple[int, str]]]) -> list[tuple[int, str]]:
    """``conflicts_in(text)``, computed once per text of one article (sentences are looked at repeatedly)."""
    found = named.get(text)
    if found is None:
        found = named[text] = conflicts_in(text)
    return found


def _most_named_conflict(
    sentences: Sequence[Sentence], named: dict[str, list[tuple[int, str]]] | None = None
) -> str | None:
    counts: Counter[str] = Counter()
    memo = named if named is not None else {}
    for sentence in sentences:
        for _, name in _conflicts_memo(sentence.text, memo):
            counts[name] += 1
    if not counts:
        return None
    top = counts.most_common()
    best = top[0][1]
    return prefer_specific([name for name, count in top if count == best])
