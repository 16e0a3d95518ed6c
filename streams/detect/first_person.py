"""Calls a leader reports in the first person, on a source that speaks as that leader (``Article.speaker``).

A president's own transcripts say "Я провів телефонну розмову з ...", "Говорив сьогодні з канцлером
Німеччини", "Hablé con el presidente Trump el sábado": the other party is named, the speaker is not. When
the source names its speaker (a feed or spool setting), a clause whose subject is the speaker — a
first-person cue of the language before any named person — gets the speaker as a participant, one call
per counterpart. A talk verb with no medium ("говорив з", "hablé con") counts as a call only in such an
account, with a leader as the counterpart and no meeting word in the sentence: a leader's own account of
talking with another leader, when it names no visit or meeting, tells of a remote conversation.
Without a speaker nothing here fires, so "I spoke with ..." quoted in a news report is never a call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

from streams.detect.language_data import CallCues
from streams.detect.mentions import Mention, MentionFinder, distinct_people
from streams.detect.sentences import Sentence

_CHAIN_GAP = 40  # characters at most between the talk verb and the first person, and between two persons
_ACCOUNT_LOOKBACK = 3  # sentences before an undated line of the account where its time may be given


def speaker_mention(finder: MentionFinder, speaker: str, day: date, kind: str = "speaker") -> Mention | None:
    """The speaker as a participant on ``day``: the office held then (a leader's first), else None."""
    term = finder.gazetteer.leader_term_on(speaker, day)
    if term is None:
        terms = finder.gazetteer.terms_on(speaker, day)
        term = terms[0] if terms else None
    return None if term is None else finder.mention_of(term, 0, 0, "", kind)


@dataclass(frozen=True, slots=True)
class SpeakerCounterparts:
    """The speaker's mention and the people the speaker talked with in one clause."""

    speaker: Mention
    counterparts: tuple[Mention, ...]


class FirstPersonReader:
    """Decides whether a clause is the speaker's own account, and with whom the speaker talked."""

    def __init__(self, cues: CallCues, finder: MentionFinder) -> None:
        self.cues = cues
        self.finder = finder

    def talk_trigger(self, text: str) -> re.Match[str] | None:
        """A talk verb that is a call only in the speaker's own account ("говорив з", "hablé con")."""
        talk = self.cues.first_person_talk
        return talk.search(text) if talk is not None else None

    def speaker_mention(self, speaker: str, day: date) -> Mention | None:
        return speaker_mention(self.finder, speaker, day)

    def in_own_voice(
        self, text: str, trigger: re.Match[str], clause: tuple[int, int], mentions: list[Mention], talk: bool
    ) -> bool:
        """True when the clause's subject is the speaker: a first-person cue (or the talk verb itself)
        comes before every person the clause names."""
        start, end = clause
        if talk:
            anchor = trigger.start()
        else:
            cue = self.cues.first_person.search(text, start, end) if self.cues.first_person else None
            if cue is None:
                return False
            anchor = cue.start()
        return not any(start <= m.start < anchor and m.person_id is not None for m in mentions)

    def counterparts(self, speaker: str, day: date, mentions: list[Mention]) -> SpeakerCounterparts | None:
        """The speaker and the people named in the clause, leaders only when one is named (a minister
        "on the call with President X" is no separate call); None when the clause names nobody else."""
        me = self.speaker_mention(speaker, day)
        if me is None:
            return None
        others = [m for m in distinct_people(mentions) if m.person_id != speaker]
        leaders = [m for m in others if m.is_leader]
        chosen = leaders or others
        if not chosen:
            return None
        return SpeakerCounterparts(me, tuple(chosen))

    @staticmethod
    def talked_with(mentions: list[Mention], after: int) -> list[Mention]:
        """The people of the talk verb's "with" phrase: named right after it, one after another
        ("з Президентом Франції Еммануелем Макроном, Президентом Польщі ..."), not later in the clause."""
        kept: list[Mention] = []
        last = after
        for mention in sorted(mentions, key=lambda m: m.start):
            if mention.start < after:
                continue
            if mention.start - last > _CHAIN_GAP:
                break
            kept.append(mention)
            last = max(last, mention.end)
        return kept

    def accounts_before(self, sentences: Sequence[Sentence], position: int) -> Iterator[Sentence]:
        """Of the three sentences before, in the same paragraph, those that are the speaker's account too,
        nearest first ("Вчора говорив з ... . Особливо я вдячний ... . Говорив з ...")."""
        current = sentences[position]
        for before in reversed(sentences[max(0, position - _ACCOUNT_LOOKBACK) : position]):
            if before.paragraph != current.paragraph:
                return
            if self.talk_trigger(before.text) is not None or (
                self.cues.first_person is not None
                and self.cues.first_person.search(before.text)
                and self.cues.triggers.search(before.text)
            ):
                yield before

    def counterpart_before(
        self,
        speaker: str,
        day: date,
        sentences: Sequence[Sentence],
        position: int,
        mentions_in: Callable[[str, date], list[Mention]],
    ) -> SpeakerCounterparts | None:
        """The speaker and the one leader the sentence before (same paragraph) names, if exactly one."""
        if position == 0 or sentences[position - 1].paragraph != sentences[position].paragraph:
            return None
        named = [m for m in mentions_in(sentences[position - 1].text, day) if m.person_id != speaker]
        leaders = [m for m in distinct_people(named) if m.is_leader]
        if len(leaders) != 1:
            return None
        me = self.speaker_mention(speaker, day)
        return None if me is None else SpeakerCounterparts(me, (replace(leaders[0], kind="coreference"),))
