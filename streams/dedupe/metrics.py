"""Prometheus metrics of the dedupe stage, so threshold and capacity problems show on a dashboard.

All live in the default registry; ``DedupeIndex`` records them unless built with ``observe=False``.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable

from prometheus_client import Counter, Gauge, Histogram

OUTCOMES = ("unique", "exact_url", "exact_content", "near")
METHODS = ("text", "signature")

ARTICLES = Counter("newswatch_dedupe_articles_total", "Articles decided by dedupe, by outcome.", ["outcome"])
REPLAYS = Counter(
    "newswatch_dedupe_replays_total",
    "Articles already remembered under the same id (passed on as unique again).",
)
SECONDS = Histogram(
    "newswatch_dedupe_seconds",
    "Time to decide one article and remember it if unique.",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1),
)
CANDIDATES = Histogram(
    "newswatch_dedupe_candidates",
    "LSH candidates examined per article.",
    buckets=(0, 1, 2, 4, 8, 16, 32, 64),
)
VERIFICATIONS = Counter(
    "newswatch_dedupe_verifications_total",
    "Candidate comparisons, by method: text (rapidfuzz on cached text) or signature (estimate).",
    ["method"],
)
NEAR_SIMILARITY = Histogram(
    "newswatch_dedupe_near_similarity",
    "Containment of near-duplicates found (watch the mass near the threshold).",
    buckets=(0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99, 1.0),
)
CHANGELOG_LAG = Histogram(
    "newswatch_dedupe_changelog_lag_seconds",
    "Time from a worker writing a dedupe state-log record to this worker applying it (its own records "
    "included; records read back at start count with their age).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
CROSS_WORKER_DUPLICATES = Counter(
    "newswatch_dedupe_cross_worker_duplicates_total",
    "Articles this worker judged unique while another worker remembered a copy of them (they decided at "
    "once), made duplicates of that copy because it was written to the state log first; by layer "
    "(exact_url, exact_content, near).",
    ["layer"],
)
INDEX_ENTRIES = Gauge("newswatch_dedupe_index_entries", "Articles remembered by this worker's dedupe index.")
EVICTED = Counter("newswatch_dedupe_evicted_total", "Remembered articles evicted after the dedupe window.")
TEXT_CACHE_ENTRIES = Gauge(
    "newswatch_dedupe_text_cache_entries", "Recent articles whose text is cached for rapidfuzz verification."
)


COPIES = Counter(
    "newswatch_dedupe_copies_total",
    "Copies of remembered text found, by the measure that decided (exact_content, text, signature, "
    "sentences) and the agency a dateline or credit of either copy names (none when neither names one).",
    ["measure", "agency"],
)
COPY_CHECK_SECONDS = Histogram(
    "newswatch_dedupe_copy_check_seconds",
    "Time of the shared-sentence check for one article the shingle check kept as unique.",
    buckets=(0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05),
)
COPY_MEASURES = ("exact_content", "text", "signature", "sentences")


ARTICLES_BY_OUTCOME = {outcome: ARTICLES.labels(outcome=outcome) for outcome in OUTCOMES}
VERIFIED_BY_TEXT = VERIFICATIONS.labels(method="text")
VERIFIED_BY_SIGNATURE = VERIFICATIONS.labels(method="signature")


def init_labels() -> None:
    """Create every labelled series at zero, so dashboards show them before the first event."""
    for outcome in OUTCOMES:
        ARTICLES.labels(outcome=outcome)
    for method in METHODS:
        VERIFICATIONS.labels(method=method)
    for layer in ("exact_url", "exact_content", "near"):
        CROSS_WORKER_DUPLICATES.labels(layer=layer)
    for measure in COPY_MEASURES:
        COPIES.labels(measure=measure, agency="none")


def record_copies(found: Iterable[tuple[str, str | None]]) -> None:
    """Count copies by (measure, agency); agencies come from the fixed list in ``agencies.py``."""
    for (measure, named), count in Tally(found).items():
        COPIES.labels(measure=measure, agency=named or "none").inc(count)


def record_batch(
    outcomes: Iterable[str],
    near_similarities: Iterable[float],
    replays: int,
    verified_text: int,
    verified_signature: int,
    entries: int,
    texts: int,
) -> None:
    """Add one batch's decisions to the counters and set the gauges (one call per series, not per article)."""
    for outcome, count in Tally(outcomes).items():
        ARTICLES_BY_OUTCOME[outcome].inc(count)
    for similarity in near_similarities:
        NEAR_SIMILARITY.observe(similarity)
    if replays:
        REPLAYS.inc(replays)
    if verified_text:
        VERIFIED_BY_TEXT.inc(verified_text)
    if verified_signature:
        VERIFIED_BY_SIGNATURE.inc(verified_signature)
    INDEX_ENTRIES.set(entries)
    TEXT_CACHE_ENTRIES.set(texts)
