"""Prometheus metrics of event detection, in one place so names stay consistent (newswatch_<noun>_<unit>)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_DETECTED = Counter(
    "newswatch_events_detected_total", "Events found by the detectors, per event type.", ["type"]
)
DETECTION_REJECTIONS = Counter(
    "newswatch_detection_rejections_total",
    "Candidate sentences a detector looked at and rejected, per reason (negated, plan, not_leaders, ...).",
    ["reason"],
)
ARTICLES_DETECTED = Counter(
    "newswatch_detection_articles_total", "Articles run through detection, per language tag.", ["language"]
)
ARTICLES_UNDETECTED = Counter(
    "newswatch_articles_undetected_total",
    "Articles in a language no detector (built-in or user rule) covers, so nothing was looked for, per "
    "language tag.",
    ["language"],
)
DETECTION_SECONDS = Histogram(
    "newswatch_detection_seconds",
    "Time to run every detector over one article.",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5),
)
GAZETTEER_AGE = Gauge(
    "newswatch_gazetteer_age_days",
    "Days since the newest as_of date of the gazetteer files in use (shipped or user file): how stale "
    "the leaders data may be.",
)

# ``ARTICLES_DETECTED`` per language, looked up once: ``labels()`` costs a few microseconds a call, paid
# per article otherwise. The metric is never cleared, so a child stays the one it exports.
_ARTICLES_BY_LANGUAGE: dict[str, Counter] = {}


def articles_detected(language: str) -> Counter:
    """``ARTICLES_DETECTED.labels(language=language)``, cached for the languages seen first."""
    child = _ARTICLES_BY_LANGUAGE.get(language)
    if child is None:
        child = ARTICLES_DETECTED.labels(language=language)
        if len(_ARTICLES_BY_LANGUAGE) < 256:  # feeds may declare any language: keep the usual ones only
            _ARTICLES_BY_LANGUAGE[language] = child
    return child


_UNDETECTED_BY_LANGUAGE: dict[str, Counter] = {}


def articles_undetected(language: str) -> Counter:
    """``ARTICLES_UNDETECTED.labels(language=language)``, cached like ``articles_detected``."""
    child = _UNDETECTED_BY_LANGUAGE.get(language)
    if child is None:
        child = ARTICLES_UNDETECTED.labels(language=language)
        if len(_UNDETECTED_BY_LANGUAGE) < 256:
            _UNDETECTED_BY_LANGUAGE[language] = child
    return child
