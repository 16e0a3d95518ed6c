"""Deduplication thresholds and windows (owned by streams.dedupe; extend here).

Changing ``shingle_words``, ``signature_bins``, ``lsh_bands`` or ``lsh_rows`` changes every stored
fingerprint's meaning: start from an empty index (new app id or wiped tables) after changing them.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from streams.settings.base import Section


class DedupeSettings(Section):
    window_days: float = Field(7.0, gt=0, description="How long an article is remembered for dedupe.")
    shingle_words: int = Field(
        5, ge=1, le=16, description="Words per shingle (word n-gram) for near-duplicates."
    )
    signature_bins: int = Field(
        64, ge=16, le=256, description="One-permutation MinHash bins per article (power of two; 1 byte each)."
    )
    lsh_bands: int = Field(9, ge=1, le=64, description="LSH bands per article: one band-table entry each.")
    lsh_rows: int = Field(
        1, ge=1, le=8, description="Signature bins per LSH band (1 favours containment recall)."
    )
    band_bucket_cap: int = Field(
        16,
        ge=1,
        le=1024,
        description="Most recent articles kept per LSH bucket (bounds cost of common shingles).",
    )
    max_candidates: int = Field(
        24, ge=1, description="Candidates (most band hits first) examined per article."
    )
    near_threshold: float = Field(
        0.8,
        gt=0,
        le=1,
        description="Containment (share of the shorter text's shingles, in order, found in the other) at or "
        "above which a text-verified candidate is a near-duplicate.",
    )
    near_estimate_threshold: float = Field(
        0.7,
        gt=0,
        le=1,
        description="Containment estimated from the signatures alone (candidate text not cached) at or above "
        "which a candidate is a near-duplicate.",
    )
    min_shingles: int = Field(
        24,
        ge=1,
        description="Articles with fewer distinct shingles skip the near-duplicate layer (exact only).",
    )
    strip_chrome: bool = Field(
        True,
        description="Drop page-chrome lines (short lines without sentence punctuation) before shingling.",
    )
    chrome_min_words: int = Field(
        6, ge=1, description="A line with sentence-final punctuation is body text from this many words."
    )
    chrome_long_line_words: int = Field(
        25, ge=1, description="A line with this many words is body text even without sentence punctuation."
    )
    min_body_words: int = Field(
        25, ge=1, description="If chrome stripping keeps fewer words than this, the whole text is used."
    )
    text_cache_size: int = Field(
        20_000, ge=0, description="Recent articles whose shingle sequence is kept in memory for verification."
    )
    sentence_threshold: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of the shorter text's sentences (by characters, quotations left out) that nearly "
        "match the other's at or above which a candidate missed by the shingle check is a copy "
        "(syndication).",
    )
    sentence_similarity: float = Field(
        0.8,
        gt=0,
        le=1,
        description="rapidfuzz similarity (0-1) at which two sentences count as the same sentence, edited.",
    )
    sentence_agency_bonus: float = Field(
        0.1,
        ge=0,
        lt=1,
        description="How much lower the sentence threshold is when both texts credit the same news agency.",
    )
    passage_cache_size: int = Field(
        20_000,
        ge=0,
        description="Recent articles whose text is kept in memory for the shared-sentence check of edited "
        "agency copies (the text itself, split into sentences only when compared); 0 turns the check off.",
    )
    future_skew_hours: float = Field(
        24.0, ge=0, description="Published times further than this after 'now' are clamped to 'now'."
    )

    evict_interval_seconds: float = Field(
        600.0, gt=0, description="How often the worker evicts articles older than the window (stream time)."
    )

    @model_validator(mode="after")
    def _check_lsh_shape(self) -> DedupeSettings:
        if self.signature_bins & (self.signature_bins - 1):
            raise ValueError("signature_bins must be a power of two")
        if self.lsh_bands * self.lsh_rows > self.signature_bins:
            raise ValueError("lsh_bands * lsh_rows must not exceed signature_bins")
        return self
