"""The detection engine: one article in, events (one per identity) and near-misses out.

Runs the language tagger, the sentence splitter and every detector that covers the article's language,
then folds repeated reports of the same happening inside one article into a single event with one
evidence sentence. Plain Python, no Faust or Kafka: the stream agent only calls ``detect``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from streams.detect import metrics
from streams.detect.ceasefire import CEASEFIRE_STEMS, CeasefireDetector, CeasefireFinding
from streams.detect.codes import code_for
from streams.detect.gazetteer import Gazetteer
from streams.detect.language import language_and_words
from streams.detect.leader_calls import CallFinding, LeaderCallDetector, Rejection
from streams.detect.rules import RuleFinding, RuleSet
from streams.detect.sentences import split_sentences, trim
from streams.records import Article, Event, EventType, Evidence, Participant
from streams.settings.detect import DetectSettings

Finding = CallFinding | CeasefireFinding | RuleFinding

# An article in a language no detector covers reports "unsupported_language" only when it holds one of
# these lower-case stems (plain substring tests), as it always has.
_ANY_STEMS = (
    "phon", "call", "rang", "ring", "dial", "contact", "video", "virtual", "hotline", "zoom", "spok", "speak",
    "talk", "convers", "met", "meet", "summit", "visit", "host", "sideline", "cease", "truce", "armistice",
    "hostilities",
)  # fmt: skip
# The article-level prefilter: every leader-call trigger (call_patterns.TRIGGER) starts a word with one of
# these stems, so an article without any cannot yield a call finding or near-miss and is not split into
# sentences at all. Literal-led and case-sensitive over the lower-cased text (fast); texts that are not
# ASCII also get the case-insensitive scan of the original, as the trigger regex's fallback path uses.
_CALL_GATE_WORDS = (
    r"(?:tele)?phon(?:e|ed|ic|ically|ing)\b|video|virtual\b|hotline\b|zoom\b|call(?:ed|s)?\b|rang\b|rings?\b|"
    r"dial(?:l?ed)\b|contact(?:ed|s)\b|spok(?:e|en)\b|speak(?:s|ing)?\b|talk(?:ed|s|ing)?\b|"
    r"convers(?:ation|ed)\b|met\b|meet(?:s|ing)?\b|summit\b|visit(?:ed|ing)?\b|hosted\b|sidelines\b"
)
_CALL_GATE = re.compile(rf"\b(?:{_CALL_GATE_WORDS})")
_CALL_GATE_ANY_CASE = re.compile(rf"\b(?:{_CALL_GATE_WORDS})", re.IGNORECASE)
# The same test for an ASCII text by its set of letter-run words (a whole word before \b is a whole
# letter run there): every whole word the pattern spells out, and "video", its one open-ended stem.
_CALL_GATE_WORD_LIST = """telephone telephoned telephonic telephonically telephoning phone phoned phonic
    phonically phoning virtual hotline zoom call called calls rang ring rings dialed dialled contacted
    contacts spoke spoken speak speaks speaking talk talked talks talking conversation conversed met meet
    meets meeting summit visit visited visiting hosted sidelines"""
_CALL_GATE_SET = frozenset(w.encode() for w in _CALL_GATE_WORD_LIST.split())
_SEVERITY = {
    EventType.LEADER_CALL: "warning",
    EventType.OFFICIAL_CONTACT: "info",
    EventType.CEASEFIRE_DECLARED: "warning",
    EventType.CEASEFIRE_VIOLATED: "critical",
}


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


class DetectionEngine:
    """Every detector behind one ``detect(article)`` call; build once, call per article."""

    def __init__(
        self, gazetteer: Gazetteer | None = None, rules: RuleSet | None = None, max_age_days: int = 45
    ) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()
        self.rules = rules if rules is not None else RuleSet.empty()
        self.leader_calls = LeaderCallDetector(self.gazetteer, max_age_days)
        self.ceasefires = CeasefireDetector(self.gazetteer, max_age_days)
        self.rules.bind(self.gazetteer)
        # Every lower-case word the article-level prefilters look up (see ``language_and_words``).
        self._gate_words = _CALL_GATE_SET | self.leader_calls.finder.gate_words()

    @classmethod
    def from_settings(cls, settings: DetectSettings) -> DetectionEngine:
        """An engine with the settings' gazetteer extension and rule file (checked now, not per article)."""
        gazetteer = Gazetteer.load(settings.gazetteer_path)
        rules = RuleSet.load(settings.rules_path) if settings.rules_path else None
        return cls(gazetteer, rules, max_age_days=settings.max_event_age_days)

    @property
    def languages(self) -> frozenset[str]:
        """Languages the built-in detectors cover (user rules may declare others)."""
        return self.leader_calls.languages | self.ceasefires.languages

    def detect(self, article: Article) -> Detection:
        """Events found in ``article`` (one per identity, each with one evidence) and the near-misses."""
        started = time.perf_counter()
        text = _article_text(article)
        start = len(text) - len(article.text)  # where the body starts (the language is the body's)
        found, words = language_and_words(text, start, article.language, self._gate_words)
        language = found or "en"
        lower = text.lower()
        rules = bool(self.rules)
        if language not in self.languages and not (rules and self.rules.covers(language)):
            # No detector (built-in or user rule) reads this language: nothing to split or scan.
            near_misses: tuple[NearMiss, ...] = ()
            if rules or any(map(lower.__contains__, _ANY_STEMS)):
                near_misses = (NearMiss("", "language", f"unsupported_language:{language}"),)
            _record_metrics((), near_misses, language, time.perf_counter() - started)
            return Detection((), near_misses, language)
        run_calls = (
            language in self.leader_calls.languages
            and _may_hold_call(text, lower, words)
            and self.leader_calls.finder.may_mention_anyone(text, words)
        )
        run_ceasefires = language in self.ceasefires.languages and any(
            map(lower.__contains__, CEASEFIRE_STEMS)
        )
        run_rules = rules and self.rules.may_fire(text, language)
        if not (run_rules or run_calls or run_ceasefires):
            _record_metrics((), (), language, time.perf_counter() - started)
            return Detection((), (), language)
        sentences = split_sentences(text)
        lower_text = lower if len(lower) == len(text) else None  # offsets must still match
        published = article.published.date()
        findings: list[Finding] = []
        rejections: list[Rejection] = []
        if run_calls:
            calls, rejected = self.leader_calls.detect(sentences, published, lower_text)
            findings.extend(calls)
            rejections.extend(rejected)
        if run_ceasefires:
            ceasefires, rejected_cf = self.ceasefires.detect(sentences, published, lower_text)
            findings.extend(ceasefires)
            rejections.extend(rejected_cf)
        if run_rules:
            rule_findings, rejected_rules = self.rules.detect(sentences, published, language)
            findings.extend(rule_findings)
            rejections.extend(rejected_rules)
        events = tuple(_build_events(findings, article, language))
        near_misses = tuple(_dedupe_near_misses(rejections))
        if language not in self.languages and not self.rules.covers(language):
            near_misses += (NearMiss("", "language", f"unsupported_language:{language}"),)
        _record_metrics(events, near_misses, language, time.perf_counter() - started)
        return Detection(events, near_misses, language)


def _may_hold_call(text: str, lower: str, words: AbstractSet[bytes] | None = None) -> bool:
    """False only when no sentence of ``text`` can hold a leader-call trigger (see ``_CALL_GATE``).

    ``words``: the lower-case letter runs of ``text`` (those among ``_CALL_GATE_SET`` will do) when its
    word characters are all ASCII, for a set test instead of a scan.
    """
    if words is not None:
        return not words.isdisjoint(_CALL_GATE_SET) or "video" in lower
    if _CALL_GATE.search(lower) is not None:
        return True
    return not text.isascii() and _CALL_GATE_ANY_CASE.search(text) is not None


def _article_text(article: Article) -> str:
    """The body, with the title put first when the body does not already start with it."""
    title = article.title.strip()
    if title and title not in article.text[: len(title) + 200]:
        return f"{title}\n\n{article.text}"
    return article.text


def _source(article: Article) -> str:
    return article.source_site or urlsplit(article.url).hostname or ""


def _identity(finding: Finding) -> tuple[str, str]:
    if isinstance(finding, CeasefireFinding):
        return finding.event_type, (finding.conflict or "-".join(finding.parties)).lower()
    return finding.event_type, ",".join(sorted(p.person_id or p.name.lower() for p in finding.participants))


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


def _build_events(findings: list[Finding], article: Article, language: str) -> Iterable[Event]:
    days = _assign_days(findings)
    grouped: dict[tuple[str, str, date], list[Finding]] = {}
    for index, finding in enumerate(findings):
        grouped.setdefault((*_identity(finding), days[index]), []).append(finding)
    source = _source(article)
    for (event_type, _, day), group in grouped.items():
        best = next((f for f in group if f.date_explicit), group[0])
        yield _event(event_type, day, best, group, article, language, source)


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
    participants: tuple[Participant, ...] = ()
    conflict: str | None = None
    initiator: str | None = None
    alleged = False
    topics: list[str] = []
    severity = _SEVERITY.get(event_type, "info")
    cameo = plover_category = plover_mode = None
    code = code_for(event_type)
    if code is not None:
        cameo, plover_category, plover_mode = code.cameo, code.plover_category, code.plover_mode
    if isinstance(best, CeasefireFinding):
        conflict = best.conflict or ("-".join(best.parties) or None)
        alleged = all(isinstance(f, CeasefireFinding) and f.alleged for f in group)
        topics = [f"party:{code}" for code in best.parties]
    elif isinstance(best, CallFinding):
        participants = best.participants
        initiator = next((f.initiator for f in group if isinstance(f, CallFinding) and f.initiator), None)
        for finding in group:
            topics.extend(t for t in getattr(finding, "topics", ()) if t not in topics)
    else:
        participants = best.participants
        severity = best.severity
        cameo, plover_category, plover_mode = best.cameo, best.plover_category, best.plover_mode
        topics = list(best.keywords)
    return Event(
        type=event_type,
        date=day.isoformat(),
        participants=participants,
        conflict=conflict,
        initiator=initiator,
        alleged=alleged,
        topics=tuple(topics),
        cameo=cameo,
        plover_category=plover_category,
        plover_mode=plover_mode,
        severity=severity,
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
