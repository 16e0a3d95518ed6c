"""Ceasefires declared and violated in any language with a data file, clause by clause as in English.

A clause holding a ceasefire noun ("перемирие", "停火", "وقف إطلاق النار", "alto el fuego") and a
violation or declaration word of the language is a finding, unless the clause negates it or appeals for
it; the conflict is the one the language file names nearest (clause, sentence, three sentences before,
then the article's most named), the parties the countries the clause names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from streams.detect import ceasefire_cues as cues
from streams.detect.conflict_cues import lead_day
from streams.detect.dates import find_dates, oldest_year, pick_event_date
from streams.detect.detector import Rejection
from streams.detect.findings import CeasefireFinding
from streams.detect.language_data import CeasefireWords, LanguageData
from streams.detect.lexicon import prefer_specific
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType

_BEFORE_VERB = 60  # characters before a violation word where a purpose or condition governs it


class NativeCeasefireReader:
    """Finds ceasefire declarations and violations in the sentences of one language's articles."""

    def __init__(self, data: LanguageData, max_age: timedelta) -> None:
        assert data.ceasefire is not None
        self.language = data.code
        self.words: CeasefireWords = data.ceasefire
        self.countries = data.roles.countries if data.roles is not None else ()
        self.breaks = data.clause_breaks
        self.max_age = max_age

    def detect(
        self, sentences: Sequence[Sentence], published: date, lower_text: str | None = None
    ) -> tuple[list[CeasefireFinding], list[Rejection]]:
        """Findings and rejections; ``lower_text``, the article lower-cased, finds candidates at once."""
        findings: list[CeasefireFinding] = []
        rejections: list[Rejection] = []
        article_conflict: str | bool | None = False  # False: not worked out yet
        candidates = sentences_containing(lower_text, sentences, self.words.stems)
        named_before = False  # the sentence before names a ceasefire
        for position, sentence in enumerate(sentences):
            after_named = named_before and sentences[position - 1].paragraph == sentence.paragraph
            named_before = False
            if candidates is not None and position not in candidates and not after_named:
                continue
            names = self.words.nouns.search(sentence.text) is not None
            named_before = names
            # "Третий день перемирия... . ХАМАС обвинило Израиль в нарушении условий сделки": a violation told
            # in the sentence after the one naming the truce, in its paragraph, with no truce noun of its own.
            follows = not names and after_named and self.words.violated.search(sentence.text) is not None
            if not names and not follows:
                continue
            for offset, clause in _clauses(self.breaks, sentence.text):
                if self.words.nouns.search(clause) is None and not (
                    follows and self.words.violated.search(clause)
                ):
                    continue
                conflict = self._conflict(sentences, position, clause)
                if conflict is None:
                    if article_conflict is False:
                        article_conflict = self._most_named(sentences)
                    conflict = article_conflict if isinstance(article_conflict, str) else None
                lead = sentences[position + 1] if cues.is_heading(sentences, position) else None
                found, rejected = self._clause(sentence, offset, clause, published, conflict, lead)
                findings.extend(found)
                rejections.extend(rejected)
        return findings, rejections

    def _clause(
        self,
        sentence: Sentence,
        offset: int,
        clause: str,
        published: date,
        conflict: str | None,
        lead: Sentence | None = None,
    ) -> tuple[list[CeasefireFinding], list[Rejection]]:
        """The finding or rejection of one clause; ``lead``, when the sentence is a headline, the sentence
        that begins the report under it."""
        words = self.words
        violated = words.violated.search(clause)
        if violated is None and words.despite is not None and words.combat is not None:
            despite = words.despite.search(clause)
            violated = despite if despite is not None and words.combat.search(clause) else None
        declared = words.declared.search(clause)
        appeal = words.appeal.search(clause) if words.appeal is not None else None
        tag = self.language
        if words.negated is not None and words.negated.search(clause):
            kind = "violated" if violated else "declared"
            return [], [Rejection(sentence.text, f"ceasefire_{kind}/{tag}:negated", "negated")]
        if violated is None and declared is None:
            if appeal is not None:
                return [], [Rejection(sentence.text, f"ceasefire/{tag}:{appeal.group(0).lower()}", "appeal")]
            return [], []
        if (
            appeal is not None
            and (violated is None or appeal.start() < violated.start())
            and (declared is None or appeal.start() < declared.start())
        ):
            return [], [Rejection(sentence.text, f"ceasefire/{tag}:{appeal.group(0).lower()}", "appeal")]
        match, event_type = (
            (violated, EventType.CEASEFIRE_VIOLATED)
            if violated is not None
            else (declared, EventType.CEASEFIRE_DECLARED)
        )
        assert match is not None
        rule = f"{event_type}/{tag}:{match.group(0).lower()}"
        if event_type == EventType.CEASEFIRE_DECLARED:
            for pattern, why in ((words.plan, "plan"), (words.background, "old_background")):
                if pattern is not None and pattern.search(clause):
                    return [], [Rejection(sentence.text, rule, why)]
        else:
            # "dans le but de prévenir les violations": what a mission is for; "如果...破裂", "في حال": a
            # breach feared or threatened (both looked for before the violation word, as in English).
            before = max(0, match.start() - _BEFORE_VERB)
            for pattern, why in ((words.purpose, "purpose"), (words.conditional, "conditional")):
                if pattern is not None and pattern.search(clause, before, match.start()):
                    return [], [Rejection(sentence.text, rule, why)]
        # The sentence's dates, so that "3日报道，以色列军队当天再次违反停火协议" reads "当天" (that day)
        # as the 3rd named in the clause before; those inside this clause, at its offsets.
        in_sentence = find_dates(sentence.text, published, self.language)
        end = offset + len(clause)
        dates = [
            replace(d, start=d.start - offset, end=d.end - offset)
            for d in in_sentence
            if offset <= d.start and d.end <= end
        ]
        chosen = pick_event_date(dates, match.start())
        if chosen is None:
            # "哈马斯10日称，...当天...违反停火": the day is named in an earlier clause of the sentence.
            dates = in_sentence
            chosen = pick_event_date([d for d in dates if d.start < offset + match.start()], offset)
        parties = tuple(sorted({code for pattern, code in self.countries if pattern.search(clause)}))
        # An undated headline takes the day its lead states ("La Russie accuse l'Azerbaïdjan de violer
        # l'accord de cessez-le-feu" / "Le ministère de la défense russe a rapporté, samedi, ...").
        lead_day = (
            self._lead_day(lead, parties, conflict, published)
            if lead is not None and (chosen is None or chosen.day is None)
            else None
        )
        if (
            event_type == EventType.CEASEFIRE_VIOLATED
            and words.tally is not None
            and lead_day is None
            and (chosen is None or chosen.day is None)
            and words.tally.search(clause)
        ):
            # "les violations répétées de la déclaration de cessez-le-feu": summed up, and no day of a
            # statement or report (that "10日...指责以色列多次破坏停火协议" has): background.
            return [], [Rejection(sentence.text, rule, "old_background")]
        if chosen is not None and chosen.day is not None:
            oldest = published - (
                cues.recalled_after(self.max_age)
                if event_type == EventType.CEASEFIRE_VIOLATED
                else self.max_age
            )
            if chosen.day < oldest:
                return [], [Rejection(sentence.text, rule, "old_background")]
        elif (year := oldest_year(dates)) is not None and year < published.year:
            return [], [Rejection(sentence.text, rule, "old_background")]
        day = (
            chosen.day
            if chosen is not None and chosen.day is not None and chosen.day <= published
            else lead_day or published
        )
        alleged = (
            event_type == EventType.CEASEFIRE_VIOLATED
            and words.alleged is not None
            and words.alleged.search(clause) is not None
        )
        finding = CeasefireFinding(
            event_type,
            sentence,
            day,
            chosen is not None or lead_day is not None,
            conflict,
            parties,
            alleged,
            rule,
        )
        rejections = []
        if event_type == EventType.CEASEFIRE_VIOLATED and declared is not None:
            rejections.append(
                Rejection(sentence.text, f"{EventType.CEASEFIRE_DECLARED}/{tag}", "declared_then_violated")
            )
        return [finding], rejections

    def _lead_day(
        self, lead: Sentence, parties: tuple[str, ...], conflict: str | None, published: date
    ) -> date | None:
        """The day ``lead`` states, when it tells the headline's story: it names one of its parties or its
        conflict (the day nearest its own violation word, if it has one)."""
        same_story = any(
            code in parties for pattern, code in self.countries if pattern.search(lead.text)
        ) or (conflict is not None and conflict in (name for _, name in self._named(lead.text)))
        if not same_story:
            return None
        timing = lead_day((lead,), published, self.language, self.max_age, self.words.violated)
        return timing.day if timing is not None else None

    def _named(self, text: str) -> list[tuple[int, str]]:
        found = []
        for pattern, name in self.words.conflicts:
            match = pattern.search(text)
            if match is not None:
                found.append((match.start(), name))
        return sorted(found)

    def _conflict(self, sentences: Sequence[Sentence], position: int, clause: str) -> str | None:
        for text in (
            clause,
            sentences[position].text,
            *(s.text for s in sentences[max(0, position - 3) : position][::-1]),
        ):
            named = self._named(text)
            if named:
                return prefer_specific([name for _, name in named])
        return None

    def _most_named(self, sentences: Sequence[Sentence]) -> str | None:
        counts: Counter[str] = Counter(name for s in sentences for _, name in self._named(s.text))
        if not counts:
            return None
        best = counts.most_common(1)[0][1]
        return prefer_specific([name for name, count in counts.items() if count == best])


def _clauses(breaks: re.Pattern[str], text: str) -> list[tuple[int, str]]:
    """(offset, clause) for each clause of ``text``."""
    pieces = []
    start = 0
    for match in breaks.finditer(text):
        pieces.append((start, text[start : match.start()]))
        start = match.end()
    pieces.append((start, text[start:]))
    return [(o, p) for o, p in pieces if p.strip()]
