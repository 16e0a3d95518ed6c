"""Leader-call detector: two or more sitting leaders talking by phone or video, with date, initiator, topics.

Works one sentence at a time: a cheap trigger regex picks candidates, then the sentence's clause around the
trigger is checked for negation, plans and requests, old background, captions and in-person meetings, and
its people are resolved through the gazetteer on the call's date. Calls between officials who are not
leaders become the lower-tier ``official_contact``; everything rejected is reported with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from streams.detect.call_patterns import (
    ADJUNCT,
    ADJUNCT_BEFORE,
    APPEAL,
    BACKGROUND,
    CALL_FOR,
    CLAUSE_BREAK,
    DENIED_AFTER,
    FUTURE_AFTER,
    FUTURE_ONLY,
    IN_PERSON,
    INITIATING_VERBS,
    INITIATOR,
    MEDIUM_CONTEXT,
    MEDIUM_PLANNED,
    NAME_CALLING,
    NAMED_CALL,
    NEGATION,
    OBJECT_GAP,
    PARTICIPANT_LIST,
    PLAN,
    PLURAL_SUBJECT,
    SPEAKER_AFTER,
    SPOKE_ALONE,
    SPOKE_TOGETHER_BEFORE,
    SPOKE_WITH,
    STAFF_AFTER,
    STAFF_BEFORE,
    STRONG,
    STRONG_STEMS,
    TITLE_SUBJECT,
    WEAK_CUE,
    WEAK_STEMS,
    find_triggers,
    gate_words,
    is_attributive_date,
    may_hold_call,
)
from streams.detect.dates import DateMention, find_dates, oldest_year, pick_event_date
from streams.detect.detector import ArticleText, Rejection
from streams.detect.findings import CallFinding
from streams.detect.first_person import speaker_mention
from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData
from streams.detect.lexicon import topics_in
from streams.detect.mentions import Mention, MentionFinder, distinct_people
from streams.detect.native_calls import NativeCallReader
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType

LANGUAGES = frozenset({"en"})
_FIRST_PERSON = re.compile(r"\b(?:I|[Ww]e)\b")  # the subject, when the source speaks as a leader
DEFAULT_MAX_AGE_DAYS = 45


class LeaderCallDetector:
    """Finds leader calls (and official contacts) in an article's sentences."""

    name = "leader_call"

    def __init__(
        self,
        gazetteer: Gazetteer,
        max_age_days: int = DEFAULT_MAX_AGE_DAYS,
        languages: Mapping[str, LanguageData] | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.finder = MentionFinder(gazetteer)
        self.max_age = timedelta(days=max_age_days)
        # English has its own tuned patterns (call_patterns.py); every other language is read from its file.
        self._native = {
            code: (data.calls.stems, NativeCallReader(data, self.finder, self.max_age))
            for code, data in (languages or {}).items()
            if data.calls is not None and code not in LANGUAGES
        }
        self.languages = LANGUAGES | frozenset(self._native)

    def gate_words(self) -> frozenset[bytes]:
        return gate_words() | self.finder.gate_words()

    def may_fire(self, article: ArticleText) -> bool:
        """A trigger stem (and, in English, somebody: a name or an office word) must occur in the article."""
        native = self._native.get(article.language)
        if native is not None:
            return any(map(article.lower.__contains__, native[0]))
        return may_hold_call(article.text, article.lower, article.words) and self.finder.may_mention_anyone(
            article.text, article.words
        )

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[CallFinding], list[Rejection]]:
        """Every call finding and every rejected candidate in ``sentences`` (an article, in order)."""
        native = self._native.get(article.language)
        if native is not None:
            return native[1].detect(sentences, article.published, article.lower_text, article.speaker)
        return self.detect_english(sentences, article.published, article.lower_text, article.speaker)

    def detect_english(
        self,
        sentences: Sequence[Sentence],
        published: date,
        lower_text: str | None = None,
        speaker: str | None = None,
    ) -> tuple[list[CallFinding], list[Rejection]]:
        """The English path; ``lower_text``, the lower-cased text, lets candidates be found in one pass;
        ``speaker``, the leader the source speaks as, is the "I" of its sentences."""
        findings: list[CallFinding] = []
        rejections: list[Rejection] = []
        candidates = sentences_containing(lower_text, sentences, STRONG_STEMS + WEAK_STEMS)
        headline = _headline_medium(sentences)
        for position, sentence in enumerate(sentences):
            if candidates is not None:
                if position not in candidates:
                    continue
            elif not any(stem in sentence.text.lower() for stem in STRONG_STEMS + WEAK_STEMS):
                continue
            triggers = find_triggers(sentence.text)
            if not triggers:
                continue
            promoted = _medium_nearby(sentences, position, headline, triggers)
            if not (promoted or any(t.lastgroup in STRONG for t in triggers)) and not (
                sentence.is_caption or WEAK_CUE.search(sentence.text)
            ):
                continue
            outcome = self._examine(sentences, position, published, triggers, promoted, speaker)
            if isinstance(outcome, CallFinding):
                findings.append(outcome)
            elif isinstance(outcome, Rejection):
                rejections.append(outcome)
            elif isinstance(outcome, tuple):
                findings.append(outcome[0])
                rejections.append(outcome[1])
        return findings, rejections

    # -- one sentence -------------------------------------------------------------------------------------

    def _examine(
        self,
        sentences: Sequence[Sentence],
        position: int,
        published: date,
        triggers: list[re.Match[str]],
        promoted: bool = False,
        speaker: str | None = None,
    ) -> CallFinding | Rejection | tuple[CallFinding, Rejection] | None:
        sentence = sentences[position]
        text = sentence.text
        dates = find_dates(text, published)
        first_day = pick_event_date(dates, 0)
        resolve_day = (
            first_day.day if first_day and first_day.day and first_day.day <= published else published
        )
        mentions = self.finder.find(text, resolve_day)
        if PARTICIPANT_LIST.match(text):
            mentions = self._add_host(sentences, position, mentions, resolve_day)
        elif len(distinct_people(mentions)) < 2:
            me = self._speaker_subject(text, triggers[0], mentions, speaker, resolve_day)
            if me is not None:
                mentions = [me, *mentions]
            elif PLURAL_SUBJECT.match(text):
                mentions = self._add_pair(sentences, position, mentions, resolve_day)
            elif self.finder.starts_with_pronoun(text) or TITLE_SUBJECT.match(text):
                mentions = self._add_antecedent(sentences, position, mentions, resolve_day)
        if len(distinct_people(mentions)) < 2:
            return None
        strong = [t for t in triggers if t.lastgroup in STRONG]
        if promoted:
            strong += [t for t in triggers if _spoke_together(text, t)]
        first_rejection: Rejection | None = None
        for trigger in strong:
            outcome = self._try(sentence, trigger, mentions, dates, published)
            if isinstance(outcome, Rejection):
                first_rejection = first_rejection or outcome
                continue
            if outcome is not None:
                return outcome
        if first_rejection is not None:
            return first_rejection
        return self._weak_rejection(sentence, triggers, mentions)

    def _try(
        self,
        sentence: Sentence,
        trigger: re.Match[str],
        mentions: list[Mention],
        dates: list[DateMention],
        published: date,
    ) -> CallFinding | Rejection | tuple[CallFinding, Rejection] | None:
        text = sentence.text
        kind = trigger.lastgroup or ""
        rule = f"leader_call/{'spoke_medium' if kind == 'spoke' else kind}:{trigger.group(0).lower()}"
        clause_start, clause_end, via_who = _clause(text, trigger.start())
        in_clause = [m for m in mentions if clause_start <= m.start < clause_end or m.kind == "coreference"]
        if via_who:
            before = [m for m in mentions if m.end <= clause_start]
            if before:
                in_clause.insert(0, before[-1])
        if kind == "called" and not self._has_object(text, trigger, in_clause):
            return None
        in_clause = [m for m in in_clause if not _is_speaker_or_staff(text, m)]
        people = distinct_people(in_clause)
        if len(people) < 2:
            return None
        reason = _reject_reason(text, trigger, sentence, clause_start)
        if reason is not None:
            return Rejection(text, rule, reason)
        dates = [d for d in dates if not is_attributive_date(text, d.start, d.end)]
        clause_dates = [d for d in dates if clause_start <= d.start < clause_end] or dates
        chosen = pick_event_date(clause_dates, trigger.start())
        if chosen is not None and chosen.day is not None and chosen.day > published:
            return Rejection(text, rule, "plan")
        if self._is_old(chosen, clause_dates, text, published):
            return Rejection(text, rule, "old_caption" if sentence.is_caption else "old_background")
        day = chosen.day if chosen is not None and chosen.day is not None else published
        leaders = [p for p in people if p.is_leader]
        participants = tuple(
            sorted(
                (p.participant() for p in (leaders if len(leaders) >= 2 else people)),
                key=lambda p: p.person_id or p.name,
            )
        )
        finding = CallFinding(
            event_type=EventType.LEADER_CALL,
            sentence=sentence,
            participants=participants,
            day=day,
            date_explicit=chosen is not None,
            initiator=_initiator(text, trigger, in_clause),
            topics=topics_in(text),
            rule=rule,
        )
        if len(leaders) >= 2:
            return finding
        rejection = Rejection(text, rule, "not_leaders")
        if all(p.office for p in people):
            contact = CallFinding(
                EventType.OFFICIAL_CONTACT,
                sentence,
                participants,
                day,
                chosen is not None,
                finding.initiator,
                finding.topics,
                rule.replace("leader_call", "official_contact"),
            )
            return contact, rejection
        return rejection

    def _speaker_subject(
        self, text: str, trigger: re.Match[str], mentions: list[Mention], speaker: str | None, day: date
    ) -> Mention | None:
        """On a source that speaks as a leader, "I" or "we" before the trigger, with nobody named before
        it, is that leader ("Today I spoke by phone with President Zelenskyy")."""
        if speaker is None:
            return None
        subject = _FIRST_PERSON.search(text, 0, trigger.start())
        if subject is None or any(m.start < subject.start() and m.person_id for m in mentions):
            return None
        return speaker_mention(self.finder, speaker, day, kind="coreference")

    def _is_old(
        self, chosen: DateMention | None, dates: list[DateMention], text: str, published: date
    ) -> bool:
        if chosen is not None and chosen.day is not None:
            return chosen.day < published - self.max_age
        year = oldest_year(dates)
        if year is not None and year < published.year:
            return True
        named = NAMED_CALL.search(text)
        if named is not None and self.gazetteer.country_of_word(named.group("place")) is not None:
            return True
        return bool(BACKGROUND.search(text))

    def _has_object(self, text: str, trigger: re.Match[str], mentions: list[Mention]) -> bool:
        """ "X called Y": a person must follow the verb directly, and not as in "called Y a liar"."""
        for mention in mentions:
            if mention.start >= trigger.end() and OBJECT_GAP.match(text[trigger.end() : mention.start]):
                return not NAME_CALLING.match(text[mention.end :])
        return False

    def _add_antecedent(
        self, sentences: Sequence[Sentence], position: int, mentions: list[Mention], day: date
    ) -> list[Mention]:
        """For "He spoke by phone with X": the last leader named in the two sentences before."""
        for back in range(position - 1, max(-1, position - 3), -1):
            earlier = [m for m in self.finder.find(sentences[back].text, day) if m.is_leader]
            known = {m.person_id for m in mentions}
            candidates = [m for m in earlier if m.person_id not in known]
            if candidates:
                antecedent = candidates[0]
                pronoun = Mention(
                    0,
                    0,
                    "he/she",
                    antecedent.person_id,
                    antecedent.name,
                    antecedent.country,
                    antecedent.office,
                    antecedent.is_leader,
                    "coreference",
                )
                return [pronoun, *mentions]
        return mentions

    def _add_host(
        self, sentences: Sequence[Sentence], position: int, mentions: list[Mention], day: date
    ) -> list[Mention]:
        """For "Participants in the call included A, B": the leader who held it, named earlier."""
        known = {m.person_id for m in mentions}
        for back in range(position - 1, -1, -1):
            earlier = [m for m in self.finder.find(sentences[back].text, day) if m.is_leader]
            if earlier and earlier[0].person_id not in known:
                return [replace(earlier[0], start=0, end=0, kind="coreference"), *mentions]
        return mentions

    def _add_pair(
        self, sentences: Sequence[Sentence], position: int, mentions: list[Mention], day: date
    ) -> list[Mention]:
        """For "The two leaders also spoke by phone": the leaders named together in the sentence before."""
        if position == 0:
            return mentions
        earlier = distinct_people(
            m for m in self.finder.find(sentences[position - 1].text, day) if m.is_leader
        )
        if len(earlier) < 2:
            return mentions
        return [replace(m, start=0, end=0, kind="coreference") for m in earlier] + mentions

    def _weak_rejection(
        self, sentence: Sentence, triggers: list[re.Match[str]], mentions: list[Mention]
    ) -> Rejection | None:
        text = sentence.text
        weak = [t for t in triggers if t.lastgroup in ("spoke", "met")]
        if not weak:
            return None
        trigger = weak[0]
        rule = f"leader_call/{trigger.lastgroup}:{trigger.group(0).lower()}"
        leaders = [m for m in distinct_people(mentions) if m.is_leader]
        if len(leaders) < 2:
            return None
        if sentence.is_caption:
            return Rejection(
                text, rule, "old_caption" if oldest_year(find_dates(text, date.max)) else "caption"
            )
        if APPEAL.search(text):
            return Rejection(text, rule, "appeal")
        window = text[max(0, trigger.start() - 40) : trigger.start()]
        if NEGATION.search(window):
            return Rejection(text, rule, "negated")
        if PLAN.search(window):
            return Rejection(text, rule, "plan")
        if IN_PERSON.search(text):
            return Rejection(text, rule, "in_person")
        return None


def _headline_medium(sentences: Sequence[Sentence]) -> bool:
    """Whether the headline (or lede) names a call medium for a call that took place, not one planned."""
    if not sentences:
        return False
    first = sentences[0].text
    return MEDIUM_CONTEXT.search(first) is not None and MEDIUM_PLANNED.search(first) is None


def _spoke_together(text: str, trigger: re.Match[str]) -> bool:
    """A "spoke" trigger that says two parties talked: "spoke (today) with Y", "X and Y spoke"."""
    if trigger.lastgroup != "spoke":
        return False
    if SPOKE_WITH.match(text, trigger.start()) is not None:
        return True
    return SPOKE_ALONE.match(text, trigger.start()) is not None and (
        SPOKE_TOGETHER_BEFORE.search(text, 0, trigger.start()) is not None
    )


def _medium_nearby(
    sentences: Sequence[Sentence], position: int, headline: bool, triggers: list[re.Match[str]]
) -> bool:
    """Whether a "spoke with" sentence gets its medium from the headline or a neighbouring sentence."""
    text = sentences[position].text
    if not any(_spoke_together(text, t) for t in triggers):
        return False
    if headline and position > 0:
        return True
    return any(
        0 < near < len(sentences) and MEDIUM_CONTEXT.search(sentences[near].text) is not None
        for near in (position - 1, position + 1)
    )


def _clause(text: str, position: int) -> tuple[int, int, bool]:
    """The span of the clause holding ``position``, and whether it opened with ", who" (a relative clause)."""
    start, end, via_who = 0, len(text), False
    for match in CLAUSE_BREAK.finditer(text):
        if match.end() <= position:
            start = match.end()
            via_who = "who" in match.group(0).lower()
        elif match.start() >= position:
            end = match.start()
            break
    return start, end, via_who


def _reject_reason(text: str, trigger: re.Match[str], sentence: Sentence, clause_start: int) -> str | None:
    if sentence.is_caption:
        return "old_caption" if re.search(r"\b(?:19|20)\d\d\b", text) else "caption"
    if text.rstrip().endswith("?"):
        return "question"
    window = _window(text, clause_start, trigger.start())
    adjunct = bool(ADJUNCT.match(trigger.group(0)) or ADJUNCT_BEFORE.search(text[: trigger.start()]))
    # "warned X not to ... during a call": a negation before a call *noun* adjunct belongs to what was said;
    # "did not speak with X by phone" keeps the whole window, since "by phone" hangs on the negated verb.
    noun_adjunct = adjunct and (
        trigger.lastgroup == "call_noun" or trigger.group(0).lower().startswith(("in ", "during "))
    )
    if NEGATION.search(window[-14:] if noun_adjunct else window):
        return "negated"
    plan = FUTURE_ONLY if adjunct else PLAN
    if plan.search(window) or FUTURE_AFTER.search(text[trigger.end() : trigger.end() + 60]):
        return "plan"
    if DENIED_AFTER.search(text, trigger.end()):
        return "disputed"
    if trigger.lastgroup == "call_noun" and CALL_FOR.search(text[trigger.start() : trigger.end() + 6]):
        return "appeal"
    return None


def _window(text: str, clause_start: int, position: int) -> str:
    """The words governing the trigger: back to the clause start or the last comma, at most 90 characters."""
    window = text[max(clause_start, position - 90) : position]
    comma = window.rfind(",")
    return window[comma + 1 :] if comma >= 0 else window


def _is_speaker_or_staff(text: str, mention: Mention) -> bool:
    if mention.kind == "coreference":
        return False
    before = text[: mention.start].rstrip()
    if before.endswith(",") and SPEAKER_AFTER.match(text[mention.end :]):
        return True
    before_window = text[max(0, mention.start - 40) : mention.start]
    return bool(STAFF_AFTER.match(text[mention.end :]) or STAFF_BEFORE.search(before_window))


def _initiator(text: str, trigger: re.Match[str], mentions: list[Mention]) -> str | None:
    """Who placed the call, when the text says: "X called Y", "at the request of X", "a call from X"."""
    explicit = INITIATOR.search(text)
    if explicit:
        word = explicit.group("who")
        for mention in mentions:
            if word in mention.surface or (mention.country and word.startswith(mention.country[:2].title())):
                return mention.person_id or mention.name
    verb = trigger.group(0).lower()
    if verb in INITIATING_VERBS:
        subject = [m for m in mentions if m.end <= trigger.start()]
        if subject:
            return subject[-1].person_id or subject[-1].name
    return None
