"""What every detector driven by a cue file (``data/events/<type>.yaml``) shares: its cues per language, the
country words of those languages, the whole-word prefilter and the clause breaks.

A subclass names its event type (``name``, also the cue file's name) and the cue file's lists and kinds
(``cue_lists``, ``cue_kinds``), and writes its own ``detect``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from re import Pattern

from streams.detect.conflict_cues import CountryWords, load_event_cues
from streams.detect.detector import ArticleText
from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData


class CueDetector:
    """The shared half of a cue-file detector (see the module docstring)."""

    name: str
    cue_lists: Iterable[str]
    cue_kinds: Iterable[str]

    def __init__(
        self,
        gazetteer: Gazetteer,
        max_age_days: int = 45,
        languages: Mapping[str, LanguageData] | None = None,
    ) -> None:
        self.cues = load_event_cues(self.name, self.cue_lists, self.cue_kinds)
        self.languages = frozenset(self.cues)
        self.max_age = timedelta(days=max_age_days)
        self._languages = languages or {}
        self.countries = CountryWords(gazetteer, self._languages, self.cues)
        self._names = {code: entry.name for code, entry in gazetteer.countries().items()}

    def gate_words(self) -> frozenset[bytes]:
        return frozenset().union(*(cues.gate_words() for cues in self.cues.values()))

    def may_fire(self, article: ArticleText) -> bool:
        cues = self.cues.get(article.language)
        return cues is not None and cues.may_fire(article.lower, article.words)

    def clause_breaks(self, language: str) -> Pattern[str] | None:
        """The cue file's clause breaks for ``language``, else the language file's."""
        breaks = self.cues[language].clause_breaks
        if breaks is None and language in self._languages:
            breaks = self._languages[language].clause_breaks
        return breaks
