"""The detection engine: one article in, events (one per identity) and near-misses out.

Runs the language tagger, the sentence splitter and every detector that covers the article's language,
then folds repeated reports of the same happening inside one article into a single event with one
evidence sentence. Plain Python, no Faust or Kafka: the stream agent only calls ``detect``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from streams.detect import metrics
from streams.detect.codes import code_for
from streams.detect.detector import ArticleText, Detector, Finding, Rejection
from streams.detect.gazetteer import Gazetteer
from streams.detect.language import language_and_words, load_model
from streams.detect.language_data import load_languages
from streams.detect.places import Places
from streams.detect.registry import DetectorContext, build_detectors
from streams.detect.rules import RuleDetector, RuleSet
from streams.detect.sentences import split_sentences, trim
from streams.events.source import report_source
from streams.records import Article, Event, Evidence
from streams.settings.detect import DetectSettings

# An article in a language no detector covers reports "unsupported_language" only when it holds one of
# these lower-case stems (plain substring tests), as it always has.
_ANY_STEMS = (
    "phon", "call", "rang", "ring", "dial", "contact", "video", "virtual", "hotline", "zoom", "spok", "speak",
    "talk", "convers", "met", "meet", "summit", "visit", "host", "sideline", "cease", "truce", "armistice",
    "hostilities",
)  # fmt: skip


@dataclass(frozen=True)
class NearMiss:
    """A candidate a detector looked at and rejected: the sentence, the pattern, and why."""

    sentence: str
    rule: str
    reason: str  # negated | plan | not_leaders | old_caption | old_background | in_person | appeal | ...


@dataclass(frozen=True)
class Detection:
    """What detection made of one article."""

    events: tuple[Event, ...]
    near_misses: tuple[NearMiss, ...]
    language: str | None
    covered_by: tuple[str, ...] = ()  # the detectors that read the language; () = undetected
    undated: frozenset[str] = frozenset()  # keys of events no sentence dates: their day is the publication's


class DetectionEngine:
    """Every detector behind one ``detect(article)`` call; build once, call per article."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        rules: RuleSet | None = None,
        max_age_days: int = 45,
        disabled: Iterable[str] = (),
        severities: Mapping[str, str] | None = None,
    ) -> None:
        self.disabled = frozenset(disabled)  # built-in types switched off: their findings are dropped
        self.severities = dict(severities or {})  # a type's severity chosen in the settings
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()
        self.rules = rules if rules is not None else RuleSet.empty()
        self.rules.bind(self.gazetteer)
        # A detector whose every type is switched off is not built: it costs nothing per article.
        context = DetectorContext(self.gazetteer, max_age_days, load_languages())
        detectors = build_detectors(context, self.disabled)
        self.detectors: tuple[Detector, ...] = (
            (*detectors, RuleDetector(self.rules)) if self.rules else detectors
        )
        self._covering: dict[str, tuple[Detector, ...]] = {}
        for detector in self.detectors:
            for language in detector.languages:
                self._covering[language] = (*self._covering.get(language, ()), detector)
        # Every lower-case word the article-level prefilters look up (see ``language_and_words``).
        self._gate_words = frozenset().union(*(d.gate_words() for d in self.detectors))

    @classmethod
    def from_settings(cls, settings: DetectSettings, *, take_checked: bool = False) -> DetectionEngine:
        """An engine with the settings' gazetteer extension and rule file (checked now, not per article).

        ``take_checked``: take the engine ``check_settings`` built for these settings and files, if it did
        (a worker builds its engine once, not once for the start check and again: ~1.5 s of start-up).
        """
        key = _settings_key(cls, settings)
        if take_checked and _CHECKED.get(key) is not None:
            return _CHECKED.pop(key)
        gazetteer = Gazetteer.load(settings.gazetteer_path)
        rules = RuleSet.load(settings.rules_path) if settings.rules_path else None
        return cls(
            gazetteer,
            rules,
            max_age_days=settings.max_event_age_days,
            disabled=settings.disabled_types(),
            severities=settings.severities(),
        )

    @classmethod
    def check_settings(cls, settings: DetectSettings) -> DetectionEngine:
        """Build an engine from ``settings`` (a ConfigError names what is wrong) and keep it, the last one
        only, for ``from_settings(settings, take_checked=True)``."""
        engine = cls.from_settings(settings)
        _CHECKED.clear()
        _CHECKED[_settings_key(cls, settings)] = engine
        return engine

    def warm(self) -> None:
        """Load now what detection otherwise loads at its first articles (the language model, the places
        index: a few seconds), so a worker does it at boot instead of in its first batch."""
        load_model()
        Places.load()

    @property
    def languages(self) -> frozenset[str]:
        """Languages some detector (built-in or user rule) covers."""
        return frozenset(self._covering)

    def detectors_for(self, language: str) -> tuple[str, ...]:
        """Names of the detectors that read ``language`` (empty: articles in it pass undetected)."""
        return tuple(detector.name for detector in self._covering.get(language, ()))

    def detect(self, article: Article) -> Detection:
        """Events found in ``article`` (one per identity, each with one evidence) and the near-misses."""
        started = time.perf_counter()
        text = _article_text(article)
        start = len(text) - len(article.text)  # where the body starts (the language is the body's)
        found, words = language_and_words(text, start, article.language, self._gate_words)
        language = found or "en"
        lower = text.lower()
        covering = self._covering.get(language)
        if not covering:
            # No detector reads this language: nothing to split or scan.
            near_misses: tuple[NearMiss, ...] = ()
            if self.rules or any(map(lower.__contains__, _ANY_STEMS)):
                near_misses = (NearMiss("", "language", f"unsupported_language:{language}"),)
            metrics.articles_undetected(language).inc()
            _record_metrics((), near_misses, language, time.perf_counter() - started)
            return Detection((), near_misses, language)
        names = tuple(detector.name for detector in covering)
        view = ArticleText(text, lower, language, article.published.date(), words, article.speaker)
        active = [detector for detector in covering if detector.may_fire(view)]
        if not active:
            _record_metrics((), (), language, time.perf_counter() - started)
            return Detection((), (), language, names)
        sentences = split_sentences(text)
        findings: list[Finding] = []
        rejections: list[Rejection] = []
        for detector in active:
            found_here, rejected = detector.detect(sentences, view)
            findings.extend(found_here)
            rejections.extend(rejected)
        if self.disabled:
            findings = [finding for finding in findings if finding.event_type not in self.disabled]
        built = list(_build_events(findings, article, language))
        events = tuple(event for event, _ in built)
        undated = frozenset(event.key for event, dated in built if not dated)
        if self.severities:
            events = tuple(
                event.replace(severity=self.severities.get(event.type, event.severity)) for event in events
            )
        near_misses = tuple(_dedupe_near_misses(rejections))
        _record_metrics(events, near_misses, language, time.perf_counter() - started)
        return Detection(events, near_misses, language, names, undated)


_CHECKED: dict[tuple[object, ...], DetectionEngine] = {}  # the engine the start check built, until taken


def _settings_key(cls: type, settings: DetectSettings) -> tuple[object, ...]:
    """What an engine is built from: the settings and the state of the files they name."""
    return (
        cls,
        settings.model_dump_json(),
        _file_state(settings.gazetteer_path),
        _file_state(settings.rules_path),
    )


def _file_state(path: str | None) -> tuple[str, int, int] | None:
    """A settings file's path, change time and size (None: not set or missing): a changed file is rebuilt."""
    if not path:
        return None
    try:
        stat = Path(path).expanduser().stat()
    except OSError:
        return None
    return str(path), stat.st_mtime_ns, stat.st_size


def _article_text(article: Article) -> str:
    """The body, with the title put first when the body does not already start with it."""
    title = article.title.strip()
    if title and title not in article.text[: len(title) + 200]:
        return f"{title}\n\n{article.text}"
    return article.text


def _identity(finding: Finding) -> tuple[str, str]:
    return finding.event_type, finding.identity()


def _assign_days(findings: list[Finding]) -> dict[int, date]:
    """Undated findings take the day of a dated finding of the same identity (nearest before, else after)."""
    days: dict[int, date] = {}
    for index, finding in enumerate(findings):
        days[index] = finding.day
        if finding.date_explicit:
            continue
        same = [
            (i, f) for i, f in enumerate(findings) if f.date_explicit and _identity(f) == _identity(finding)
        ]
        if same:
            before = [pair for pair in same if pair[0] < index]
            days[index] = (before[-1] if before else same[0])[1].day
    return days


def _build_events(findings: list[Finding], article: Article, language: str) -> Iterable[tuple[Event, bool]]:
    """Each event, and whether a sentence of the article dates it (else its day is the publication's)."""
    days = _assign_days(findings)
    grouped: dict[tuple[str, str, date], list[Finding]] = {}
    for index, finding in enumerate(findings):
        grouped.setdefault((*_identity(finding), days[index]), []).append(finding)
    source = report_source(article)
    for (event_type, _, day), group in grouped.items():
        best = next((f for f in group if f.date_explicit), group[0])
        yield _event(event_type, day, best, group, article, language, source), best.date_explicit


def _event(
    event_type: str,
    day: date,
    best: Finding,
    group: list[Finding],
    article: Article,
    language: str,
    source: str,
) -> Event:
    evidence = Evidence(
        article_id=article.id,
        url=article.url,
        sentence=best.sentence.text,
        source=source,
        published=article.published,
        rule=best.rule,
    )
    fields = best.fields(group)
    cameo = plover_category = plover_mode = None
    if fields.codes is not None:
        cameo, plover_category, plover_mode = fields.codes
    else:
        code = code_for(event_type)
        if code is not None:
            cameo, plover_category, plover_mode = code.cameo, code.plover_category, code.plover_mode
    return Event(
        type=event_type,
        date=day.isoformat(),
        participants=fields.participants,
        conflict=fields.conflict,
        place=fields.place,
        initiator=fields.initiator,
        alleged=fields.alleged,
        topics=fields.topics,
        cameo=cameo,
        plover_category=plover_category,
        plover_mode=plover_mode,
        severity=fields.severity,
        rule=best.rule,
        language=language,
        headline=article.title.strip() or trim(best.sentence.text),
        evidence=(evidence,),
        sources=(source,) if source else (),
        first_reported=article.published,
        last_reported=article.published,
    )


def _dedupe_near_misses(rejections: Iterable[Rejection]) -> Iterable[NearMiss]:
    seen: set[tuple[str, str]] = set()
    for rejection in rejections:
        key = (rejection.sentence, rejection.reason)
        if key in seen:
            continue
        seen.add(key)
        yield NearMiss(rejection.sentence, rejection.rule, rejection.reason)


def _record_metrics(
    events: tuple[Event, ...], near_misses: tuple[NearMiss, ...], language: str, seconds: float
) -> None:
    metrics.articles_detected(language).inc()
    metrics.DETECTION_SECONDS.observe(seconds)
    for event in events:
        metrics.EVENTS_DETECTED.labels(type=event.type).inc()
    for miss in near_misses:
        metrics.DETECTION_REJECTIONS.labels(reason=miss.reason.split(":")[0]).inc()
