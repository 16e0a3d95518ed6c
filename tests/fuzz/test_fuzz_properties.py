"""Property tests over the untrusted-input entry points (normaliser, detectors, dedupe, feed/spool parsing).

Quick by default (``make test``); ``NEWSWATCH_FUZZ_EXAMPLES=20000`` (``make soak``) runs them longer.
A failure found with ``NEWSWATCH_FUZZ_SAVE=1`` is written to ``corpus/<target>/`` and replayed for ever
by ``test_corpus_replay.py``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import strategies as s
from tests.fuzz.targets import run_target

# What each target is fed; soak.py runs the same pairs for a time budget.
INPUTS = {
    "normalize": st.one_of(s.text_bytes, st.binary(max_size=400)),
    "normalize_article": s.text_bytes,
    "article_json": st.one_of(s.article_json(), st.binary(max_size=200)),
    "event_json": st.one_of(st.binary(max_size=200), s.article_json()),
    "detect": s.news_text().map(lambda t: t.encode("utf-8")),
    "dedupe_fingerprint": s.text_bytes,
    "feed": s.feed_bytes,
    "spool": s.spool_bytes,
    "canonical_url": st.one_of(st.text(max_size=80).map(str.encode), st.binary(max_size=80)),
}

EXAMPLES = int(os.environ.get("NEWSWATCH_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    derandomize=EXAMPLES <= 200,  # CI stays reproducible; the soak explores
    database=None,
)


@FUZZ
@given(INPUTS["normalize"])
def test_normalize_text_contract(data: bytes) -> None:
    run_target("normalize", data)


@FUZZ
@given(INPUTS["normalize_article"])
def test_normalize_article_survives_the_wire(data: bytes) -> None:
    run_target("normalize_article", data)


@FUZZ
@given(INPUTS["article_json"])
def test_article_json_decodes_or_refuses(data: bytes) -> None:
    run_target("article_json", data)


@FUZZ
@given(INPUTS["event_json"])
def test_event_json_decodes_or_refuses(data: bytes) -> None:
    run_target("event_json", data)


@FUZZ
@given(INPUTS["detect"])
def test_detectors_never_crash_and_emit_valid_events(data: bytes) -> None:
    run_target("detect", data)


@FUZZ
@given(INPUTS["dedupe_fingerprint"])
def test_dedupe_fingerprint_is_total_and_deterministic(data: bytes) -> None:
    run_target("dedupe_fingerprint", data)


@FUZZ
@given(INPUTS["feed"])
def test_feed_parsing_yields_valid_articles_or_parse_error(data: bytes) -> None:
    run_target("feed", data)


@FUZZ
@given(INPUTS["spool"])
def test_spool_files_yield_valid_articles_or_parse_error(data: bytes) -> None:
    run_target("spool", data)


@FUZZ
@given(INPUTS["canonical_url"])
def test_canonical_url_never_raises(data: bytes) -> None:
    run_target("canonical_url", data)
