"""People named in a sentence of any language, resolved for a day: the gazetteer's names everywhere, plus the
role phrases of a language file ("президент Франции", "法国总统") in the languages other than English; and
the town nearest a cue (``place_near``).

Shared by the detectors that need leaders but are no call detector (meetings, agreements); the call
reader's ``mentions`` is the one place role phrases are built, so they read people exactly as calls do.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData
from streams.detect.mentions import Mention, MentionFinder, distinct_people
from streams.detect.native_calls import NativeCallReader
from streams.detect.places import Places
from streams.records import Place

_DEPUTY = "副"  # Chinese "deputy, vice-": 副总统 vice-president, 副总理 vice-premier


class LeaderMentions:
    """Finds the people of a sentence in English and in every language with a data file."""

    def __init__(self, gazetteer: Gazetteer, languages: Mapping[str, LanguageData]) -> None:
        self.finder = MentionFinder(gazetteer)
        self.gazetteer = gazetteer
        self._native = {
            code: NativeCallReader(data, self.finder, timedelta(days=1))
            for code, data in languages.items()
            if data.calls is not None and code != "en"
        }

    def people(self, text: str, language: str, day: date) -> list[Mention]:
        """Every distinct person named in ``text`` (names and role phrases), resolved for ``day``."""
        reader = self._native.get(language)
        mentions = reader.mentions(text, day) if reader is not None else self.finder.find(text, day)
        # "尼日利亚副总统": the vice-president, whose role phrase holds the president's "总统".
        mentions = [m for m in mentions if not (m.kind == "role" and _DEPUTY in m.surface)]
        return distinct_people(mentions)

    def leaders(self, text: str, language: str, day: date) -> list[Mention]:
        """The heads of state or government among ``people``, one per person."""
        return [m for m in self.people(text, language, day) if m.is_leader and m.person_id is not None]


def place_near(text: str, start: int, end: int, language: str, reach: int = 150) -> Place | None:
    """The town or region named nearest to ``text[start:end]`` within ``reach`` characters (countries are
    parties, not places): where a meeting or a signing happened, when the text says it."""
    window_start = max(0, start - reach)
    window = text[window_start : end + reach]
    towns = [m for m in Places.load().find(window, language) if m.kind != "country"]
    if not towns:
        return None
    anchor = start - window_start
    return min(towns, key=lambda m: abs(m.start - anchor)).to_place()
