"""Leader calls in any language with a data file: the same decisions as the English path, from vocabulary.

A sentence with a call trigger ("телефонный разговор", "通电话", "اتصال هاتفي") and two people in the
trigger's clause is a call, unless a cue of the language rejects it (negated, plan, appeal, caption,
background) or its date is in the future or too old. People are the gazetteer's names (it knows every
script and inflected form) plus role phrases from the language file ("президент Франции", "法国总统",
"الرئيس الفرنسي"), resolved on the call's date; calls between officials who are not leaders are contacts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from streams.detect import role_phrases
from streams.detect.dates import DateMention, find_dates, oldest_year, pick_event_date
from streams.detect.detector import Rejection
from streams.detect.findings import CallFinding
from streams.detect.first_person import FirstPersonReader
from streams.detect.language_data import CallCues, LanguageData, RoleWords
from streams.detect.mentions import Mention, MentionFinder, distinct_people
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType

_NAME_AFTER_ROLE = re.compile(r"^[\s,:«»\"“”'()-]{0,3}$")
_SURNAME_AFTER_ROLE = re.compile(r"[ \t]{1,2}([^\W\d_][^\W\d_]+)")  # "İngiltere Başbakanı May'in": May
_WINDOW = 80  # characters before a trigger where its negation, plan or appeal cues are looked for
# A full stop between two words; the splitter ends sentences only before a capital, so one before a letter of
# a script without capitals (an Arabic paragraph, read as one sentence) ends a sentence it did not split off.
_FULL_STOP = re.compile(r"(?<=[^\W\d_])[.!?؟]\s+([^\W\d_])")
_JOINED = re.compile(r"\s+(?:et|and|y|und|ve|и|і)\s+")  # "avec A et B": the talk's second partner
_ROUND_OF_TALKS = 4  # counterparts of one undated "I talked with ..." beyond which it is a summary


class NativeCallReader:
    """Finds leader calls (and official contacts) in the sentences of one language's articles."""

    def __init__(self, data: LanguageData, finder: MentionFinder, max_age: timedelta) -> None:
        assert data.calls is not None
        self.language = data.code
        self.cues: CallCues = data.calls
        self.roles: RoleWords | None = data.roles
        self.breaks = data.clause_breaks
        self.finder = finder
        self.max_age = max_age
        self.first_person = FirstPersonReader(self.cues, finder)
        self._surnames: dict[str, Mention] | None = None

    def detect(
        self,
        sentences: Sequence[Sentence],
        published: date,
        lower_text: str | None = None,
        speaker: str | None = None,
    ) -> tuple[list[CallFinding], list[Rejection]]:
        """Calls and rejected candidates; ``lower_text``, the article lower-cased, finds candidates fast;
        ``speaker``, the leader the source speaks as, is the one who says "I" (``first_person.py``)."""
        findings: list[CallFinding] = []
        rejections: list[Rejection] = []
        self._surnames = None  # learnt on the article's first call sentence (most articles have none)
        # A speaker's account also holds lines with no call word ("З Прем'єр-міністром Ізраїлю."): read all.
        candidates = None
        if speaker is None:
            candidates = sentences_containing(lower_text, sentences, self.cues.stems)
        for position, sentence in enumerate(sentences):
            if candidates is not None and position not in candidates:
                continue
            trigger = self.cues.triggers.search(sentence.text)
            talk = False
            if trigger is None and speaker is not None:
                trigger = self.first_person.talk_trigger(sentence.text)
                talk = trigger is not None
            remote = False
            if trigger is None and self.cues.talk is not None:
                trigger = self.cues.talk.search(sentence.text)
                remote = trigger is not None
            if trigger is None:
                rejection = self._weak(sentence, published)
                if rejection is not None:
                    rejections.append(rejection)
                continue
            for outcome in self._examine(sentences, position, trigger, published, speaker, talk, remote):
                if isinstance(outcome, CallFinding):
                    findings.append(outcome)
                else:
                    rejections.append(outcome)
        return self._dated_by_reference(findings, sentences, published), rejections

    def _dated_by_reference(
        self, findings: list[CallFinding], sentences: Sequence[Sentence], published: date
    ) -> list[CallFinding]:
        """Undated calls take the date of a later sentence that refers back to "the call" with one ("ركزا
        خلال الاتصال الذي جرى الليلة الماضية": the two focused, during the call last night, on ...)."""
        reference = self.cues.reference
        undated = [f for f in findings if not f.date_explicit]
        if reference is None or not undated:
            return findings
        first = min(f.sentence.index for f in undated)
        for sentence in sentences[first + 1 :]:
            cue = reference.search(sentence.text)
            if cue is None or self.cues.triggers.search(sentence.text):
                continue  # no reference, or a call of its own
            dates = [d for d in find_dates(sentence.text, published, self.language) if d.day is not None]
            chosen = pick_event_date(dates, cue.end())
            if chosen is None or chosen.day is None or chosen.day > published:
                continue
            day = chosen.day
            return [
                replace(f, day=day, date_explicit=True)
                if not f.date_explicit and f.sentence.index < sentence.index
                else f
                for f in findings
            ]
        return findings

    # -- people -------------------------------------------------------------------------------------------

    def _surnames_after_roles(self, sentences: Sequence[Sentence], published: date) -> dict[str, Mention]:
        """Surnames the gazetteer does not list, learnt from an office right before them in the article
        ("İngiltere Başbakanı May'in ..."), so that the bare surname elsewhere ("May, Trump ve Merkel ile
        telefonda görüştü") is that leader too. Only capitalised words in scripts with capitals."""
        learnt: dict[str, Mention] = {}
        for sentence in sentences:
            text = sentence.text
            if not self._may_hold_role(text):
                continue  # no office word: no role to learn from, and names alone are the costly part
            for role in self.mentions(text, published):
                if role.kind != "role" or role.person_id is None:
                    continue
                word = _SURNAME_AFTER_ROLE.match(text, role.end)
                if word is None or not word.group(1)[0].isupper() or word.group(1)[1:].isupper():
                    continue
                if self.finder.find(word.group(1), published) or self._roles(word.group(1), published):
                    continue  # a known name or a role word, not an unlisted surname
                learnt.setdefault(word.group(1), role)
        return learnt

    def _may_hold_role(self, text: str) -> bool:
        """Whether ``text`` holds a word that ``_roles`` could build a role phrase on."""
        roles = self.roles
        if roles is None:
            return False
        if roles.office_any.search(text):
            return True
        if roles.counterpart is not None and roles.counterpart.search(text):
            return True
        return any(pattern.search(text) for pattern, _, _ in roles.home)

    def _surname_mentions(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """The article's learnt surnames standing alone in ``text`` (not right after their office)."""
        found = []
        for word, role in (self._surnames or {}).items():
            for match in re.finditer(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", text):
                if any(m.start <= match.start() <= m.end + 3 for m in mentions):
                    continue
                start, end = match.span()
                found.append(replace(role, start=start, end=end, surface=word, kind="coreference"))
        return found

    def mentions(self, text: str, day: date) -> list[Mention]:
        """Named people and role phrases in ``text``, resolved for ``day``; a role before a name joins it."""
        names = self.finder.find(text, day)
        roles = self._roles(text, day)
        kept = [
            role
            for role in roles
            if not any(
                (0 <= name.start - role.end <= 3 and _NAME_AFTER_ROLE.match(text[role.end : name.start]))
                or (role.start < name.end and name.start < role.end)
                for name in names
            )
        ]
        mentions = sorted([*names, *kept], key=lambda m: m.start)
        return self.finder.resolve_counterparts(mentions, day)

    def _roles(self, text: str, day: date) -> list[Mention]:
        roles = self.roles
        if roles is None:
            return []
        found: list[Mention] = []
        countries = role_phrases.spans(roles.country_any, roles.countries, text)
        offices = role_phrases.spans(roles.office_any, roles.offices, text)
        if roles.counterpart is not None:
            offices += [(m.start(), m.end(), "counterpart") for m in roles.counterpart.finditer(text)]
        # The longest word at a place: "глава МИД" (foreign minister), not its "глава" (leader); "白俄罗斯"
        # (Belarus), not the "俄罗斯" (Russia) inside it.
        offices = role_phrases.longest(offices)
        countries = role_phrases.longest(countries)
        for start, end, office in offices:
            country = role_phrases.nearest_country(text, start, end, countries, offices, roles.gap)
            if country is None:
                continue
            c_start, c_end, code = country
            if c_start >= end and self._institution_after(text, c_end):
                continue  # "Президентка німецького Бундестагу": an institution's office, not the country's
            span_start, span_end = min(start, c_start), max(end, c_end)
            found.append(self._role(text[span_start:span_end], span_start, span_end, code, office, day))
            # "президентов России и Франции", "德国、意大利两国总理": one role per joined country.
            for other in role_phrases.joined_countries(text, country, countries, roles.joined):
                o_start, o_end, o_code = other
                found.append(self._role(text[o_start:o_end], o_start, o_end, o_code, office, day))
        for pattern, code, office in roles.home:
            for match in pattern.finditer(text):
                if any(m.start < match.end() and match.start() < m.end for m in found):
                    continue  # the title is part of a role phrase with its own country
                term = self.finder.role_term(code, office, day)
                if term is not None:
                    found.append(
                        self.finder.mention_of(term, match.start(), match.end(), match.group(0), "role")
                    )
        if roles.designate is not None or roles.designate_after is not None:
            # "dem künftigen Bundeskanzler", "le président élu": the next holder, nobody in office that day.
            found = [m for m in found if not _designated(roles, text, m.start, m.end)]
        return found

    def _institution_after(self, text: str, position: int) -> bool:
        institutions = self.roles.institutions if self.roles is not None else None
        return institutions is not None and institutions.match(text[position:].lstrip()) is not None

    def _role(self, surface: str, start: int, end: int, code: str, office: str, day: date) -> Mention:
        if office == "counterpart":
            return Mention(start, end, surface, None, surface, code, None, False, "counterpart")
        term = self.finder.role_term(code, office, day)
        if term is not None:
            # "沙特王储兼首相": the crown prince who is also prime minister is a leader that day.
            term = self.finder.gazetteer.leader_term_on(term.person_id, day) or term
        mention = self.finder.mention_of(term, start, end, surface, "role")
        return mention if term is not None else replace(mention, country=code, office=office)

    # -- one sentence -------------------------------------------------------------------------------------

    def _examine(
        self,
        sentences: Sequence[Sentence],
        position: int,
        trigger: re.Match[str],
        published: date,
        speaker: str | None = None,
        talk: bool = False,
        remote: bool = False,
    ) -> list[CallFinding | Rejection]:
        """``talk``: a first-person talk verb; ``remote``: a third-person one (``talk`` cue, "s'est entretenu
        avec"), a call between its subject and the one it talked with unless the sentence says in person."""
        sentence = sentences[position]
        text = sentence.text
        dates = find_dates(text, published, self.language)
        first = pick_event_date(dates, trigger.start())
        day = (
            first.day if first is not None and first.day is not None and first.day <= published else published
        )
        clause_start, clause_end = _clause(self.breaks, text, trigger.start())
        mentions = self.mentions(text, day)
        if self._surnames is None:
            self._surnames = self._surnames_after_roles(sentences, published)
        if self._surnames:
            mentions = sorted([*mentions, *self._surname_mentions(text, mentions)], key=lambda m: m.start)
        mentions = [m for m in mentions if clause_start <= m.start < clause_end]
        voice = speaker is not None and self.first_person.in_own_voice(
            text, trigger, (clause_start, clause_end), mentions, talk
        )
        if talk and not voice:
            return []
        if voice and speaker is not None:
            if talk:
                mentions = self.first_person.talked_with(mentions, trigger.end())
            own = self.first_person.counterparts(speaker, day, mentions)
            if own is None and not talk:
                # "Muchas gracias al presidente Trump. Tuvimos una excelente llamada": the one leader
                # named in the sentence before.
                own = self.first_person.counterpart_before(speaker, day, sentences, position, self.mentions)
            if own is None:
                return []
            mentions = [own.speaker, *own.counterparts]
        elif len(distinct_people(mentions)) < 2 and position > 0:
            plural = self.cues.plural_subject
            if plural is not None and plural.search(text[clause_start : trigger.start()]):
                earlier = distinct_people(
                    m for m in self.mentions(sentences[position - 1].text, day) if m.is_leader
                )
                if len(earlier) >= 2:
                    mentions = [replace(m, start=0, end=0, kind="coreference") for m in earlier] + mentions
        if remote:
            # "Alors qu'Emmanuel Macron s'est entretenu avec Vladimir Poutine, Joe Biden redoute ...": the
            # subject named last before the verb and those it talked with, not everyone in the clause.
            subjects = [m for m in mentions if m.end <= trigger.start()]
            after = self.first_person.talked_with(mentions, trigger.end())[:1]
            for mention in mentions:  # "avec A et B": those joined to the first by a conjunction only
                last = after[-1].end if after else len(text)
                if mention.start > last and _JOINED.fullmatch(text, last, mention.start):
                    after.append(mention)
            mentions = [*subjects[-1:], *after] if after else subjects
        people = distinct_people(mentions)
        if len(people) < 2:
            return []
        voiced = ":first_person" if voice else ""
        rule = f"leader_call/{self.language}{voiced}:{trigger.group(0).lower()}"
        reason = self._reject_reason(sentence, trigger, clause_start, clause_end)
        if reason is None and talk and self._meeting_in(text, clause_start, clause_end):
            reason = "in_person"  # "talked with" and a meeting word in its clause: not remote
        if reason is None and remote and self._meeting_in(text, 0, len(text)):
            reason = "in_person"  # "s'est entretenu avec ..., samedi, à Moscou": a meeting
        if reason is not None:
            return [Rejection(text, rule, reason)]
        stop_start, stop_end = _uncased_sentence(text, trigger.start())
        own_dates = [d for d in dates if max(clause_start, stop_start) <= d.start < min(clause_end, stop_end)]
        background = self.cues.background
        if not own_dates and background is not None and background.search(text, clause_start, clause_end):
            # "nous avons échangé de nombreuses fois au téléphone, car ... les affrontements des 13 et 14
            # septembre": calls summed up in their own clause; the other clause's date is not theirs.
            return [Rejection(text, rule, "old_background")]
        # No date in the trigger's clause: another clause's, within the trigger's own sentence (an Arabic
        # paragraph's later sentence, "... واوقع الثلاثاء 32 قتيلا", dates another happening).
        clause_dates = own_dates or [d for d in dates if stop_start <= d.start < stop_end]
        context, anchor = text, trigger.start()
        if voice and not dates:
            # "Вчора говорив з ... . Говорив з ...": an undated line of the account takes the time of the
            # nearest line before it that is the account too and gives one (a date, or "that night").
            for before in self.first_person.accounts_before(sentences, position):
                before_dates = find_dates(before.text, published, self.language)
                background = self.cues.background
                if before_dates or (background is not None and background.search(before.text)):
                    clause_dates = before_dates
                    context, anchor = f"{before.text} {text}", len(before.text)
                    break
        chosen = pick_event_date(clause_dates, anchor)
        if chosen is not None and chosen.day is not None and chosen.day > published:
            return [Rejection(text, rule, "plan")]
        if self._is_old(chosen, clause_dates, context, published):
            return [Rejection(text, rule, "old_background")]
        if talk and chosen is None and len(people) > _ROUND_OF_TALKS:
            # "hablé con el presidente de Rusia, hablé con el presidente de China, ..., con todos" undated:
            # a summary of many conversations, not one event.
            return [Rejection(text, rule, "old_background")]
        day = chosen.day if chosen is not None and chosen.day is not None else published
        separate = self.cues.separate
        if voice:
            # The speaker's account: one call with each counterpart ("Говорив з ... і з ...").
            groups = [[people[0], other] for other in people[1:]]
        elif len(people) > 2 and separate is not None and separate.search(text):
            # "held phone calls with A and B", "分别通话": one call between the first named and each other.
            groups = [[people[0], other] for other in people[1:]]
        else:
            groups = [people]
        outcomes: list[CallFinding | Rejection] = []
        initiator = self._initiator(text, mentions)
        for group in groups:
            leaders = [p for p in group if p.is_leader]
            participants = tuple(
                sorted(
                    (p.participant() for p in (leaders if len(leaders) >= 2 else group)),
                    key=lambda p: p.person_id or p.name,
                )
            )
            finding = CallFinding(
                EventType.LEADER_CALL, sentence, participants, day, chosen is not None, initiator, (), rule
            )
            if len(leaders) >= 2:
                outcomes.append(finding)
                continue
            outcomes.append(Rejection(text, rule, "not_leaders"))
            if not (talk or remote) and all(p.office for p in group):
                contact_rule = rule.replace("leader_call", "official_contact")
                outcomes.append(replace(finding, event_type=EventType.OFFICIAL_CONTACT, rule=contact_rule))
        return outcomes

    def _reject_reason(
        self, sentence: Sentence, trigger: re.Match[str], clause_start: int, clause_end: int
    ) -> str | None:
        text = sentence.text
        cues = self.cues
        if sentence.is_caption or (cues.caption is not None and cues.caption.search(text)):
            return "caption"
        if text.rstrip().endswith(("?", "？", "؟")):
            return "question"
        window = text[max(clause_start, trigger.start() - _WINDOW) : trigger.start()]
        after = text[trigger.end() : min(clause_end, trigger.end() + 40)]
        if cues.negation is not None and (cues.negation.search(window) or cues.negation.search(after)):
            return "negated"
        if cues.appeal is not None and cues.appeal.search(window):
            return "appeal"
        if cues.plan is not None and (cues.plan.search(window) or cues.plan.search(after)):
            return "plan"
        return None

    def _meeting_in(self, text: str, start: int, end: int) -> bool:
        in_person = self.cues.in_person
        return in_person is not None and in_person.search(text, start, end) is not None

    def _is_old(
        self, chosen: DateMention | None, dates: list[DateMention], text: str, published: date
    ) -> bool:
        if chosen is not None and chosen.day is not None:
            return chosen.day < published - self.max_age
        year = oldest_year(dates)
        if year is not None and year < published.year:
            return True
        return self.cues.background is not None and self.cues.background.search(text) is not None

    def _initiator(self, text: str, mentions: list[Mention]) -> str | None:
        """The person named right after "at the request of" (or, for "at the other's request", the other)."""
        for pattern in (self.cues.initiator, self.cues.initiator_other):
            cue = pattern.search(text) if pattern is not None else None
            if cue is None:
                continue
            after = [m for m in mentions if m.person_id and 0 <= m.start - cue.end() <= 60]
            if after:
                return after[0].person_id
        return None

    def _weak(self, sentence: Sentence, published: date) -> Rejection | None:
        """A talk or meeting word (no phone or video) with two leaders: a near-miss, if a cue says why."""
        cues = self.cues
        weak = cues.weak.search(sentence.text) if cues.weak is not None else None
        if weak is None:
            return None
        text = sentence.text
        reason = None
        if cues.in_person is not None and cues.in_person.search(text):
            reason = "in_person"
        elif cues.appeal is not None and cues.appeal.search(text):
            reason = "appeal"
        elif cues.plan is not None and cues.plan.search(text[: weak.start()]):
            reason = "plan"
        if reason is None:
            return None
        if len([m for m in distinct_people(self.mentions(text, published)) if m.is_leader]) < 2:
            return None
        return Rejection(text, f"leader_call/{self.language}:{weak.group(0).lower()}", reason)


def _clause(breaks: re.Pattern[str], text: str, position: int) -> tuple[int, int]:
    start, end = 0, len(text)
    for match in breaks.finditer(text):
        if match.end() <= position:
            start = match.end()
        elif match.start() >= position:
            end = match.start()
            break
    return start, end


def _uncased_sentence(text: str, position: int) -> tuple[int, int]:
    """The span of ``text`` around ``position`` between full stops before letters without case (". و")."""
    start, end = 0, len(text)
    for match in _FULL_STOP.finditer(text):
        letter = match.group(1)
        if letter.lower() != letter.upper():
            continue  # a capital or small letter: the splitter's own business (abbreviations, initials)
        if match.start(1) <= position:
            start = match.start(1)
        elif match.start() >= position:
            end = match.start()
            break
    return start, end


def _designated(roles: RoleWords, text: str, start: int, end: int) -> bool:
    """True when a designate word stands right before the role at ``start:end``, or in or right after it."""
    before = text[max(0, start - 40) : start].rstrip()
    designate = roles.designate
    if designate is not None and any(m.end() == len(before) for m in designate.finditer(before)):
        return True
    after = roles.designate_after
    # Inside the phrase ("président élu des États-Unis") or right after it ("le président américain élu").
    return after is not None and (
        after.search(text, start, end) is not None or after.match(text[end : end + 40].lstrip()) is not None
    )
