"""The dedupe index: exact URL and content layers, then LSH candidates verified for containment.

State lives in three injected key/value mappings (plain dicts in tests and offline tools, Faust
tables in the worker), all with ``str`` keys and ``bytes`` values:

- ``fingerprints``: ``ref`` (8 chars) -> serialised Fingerprint + URL digest + article id
- ``urls``: ``"u"+digest`` / ``"c"+digest`` (12 chars) -> ref, for the exact URL and content layers
- ``bands``: band key (7 chars) -> up to ``band_bucket_cap`` refs (6 bytes each), newest last

Only unique articles are remembered; a duplicate points at the remembered article it copies.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from streams.dedupe import metrics
from streams.dedupe.keys import (
    REF_BYTES,
    Remembered,
    article_ref,
    band_keys,
    content_key,
    decode_entry,
    encode_entry,
    ref_key,
    url_key,
)
from streams.dedupe.normalize import article_text
from streams.dedupe.signature import (
    HEADER_SIZE,
    Fingerprint,
    body_text,
    containment_from_jaccard,
    fingerprint_body,
    jaccard_from_matches,
)
from streams.dedupe.urls import url_hash
from streams.dedupe.verify import TextCache, containment, shingle_code
from streams.records import Article, utcnow
from streams.settings.dedupe import DedupeSettings

UNIQUE, EXACT_URL, EXACT_CONTENT, NEAR = "unique", "exact_url", "exact_content", "near"
_HEAD = struct.Struct("<xIH")  # published, shingle count at the start of a serialised Fingerprint
VERIFY_FLOOR = 0.3  # below this signature estimate a candidate is not worth a rapidfuzz verification


@dataclass(frozen=True, slots=True)
class DedupeDecision:
    """What dedupe made of one article; a duplicate names the remembered article it copies."""

    outcome: str  # "unique" | "exact_url" | "exact_content" | "near"
    duplicate_of: str | None
    similarity: float | None
    reason: str
    method: str | None = None  # near only: "text" (rapidfuzz) or "signature" (estimate)
    nearest_id: str | None = None  # unique only: the best candidate that fell short, for tuning
    nearest_similarity: float | None = None
    replay: bool = False  # unique because this very article id is already remembered

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None


def epoch_seconds(moment: datetime) -> int:
    return max(0, int(moment.timestamp()))


class _Probe:
    """The article being decided: its fingerprint, keys and verification counters."""

    __slots__ = (
        "article_id", "band_keys", "candidates", "code_cache", "fp", "ref", "shingles", "url_digest",
        "verified_signature", "verified_text",
    )  # fmt: skip

    def __init__(
        self,
        article_id: str,
        ref: bytes,
        fp: Fingerprint,
        url_digest: int,
        keys: list[str],
        shingles: np.ndarray,
    ) -> None:
        self.article_id = article_id
        self.ref = ref
        self.fp = fp
        self.url_digest = url_digest
        self.band_keys = keys
        self.shingles = shingles
        self.code_cache: str | None = None
        self.candidates = 0
        self.verified_text = 0
        self.verified_signature = 0

    @property
    def code(self) -> str:
        """The shingle-coded text for rapidfuzz, computed on first use."""
        if self.code_cache is None:
            self.code_cache = shingle_code(self.shingles)
        return self.code_cache


def _sketch_matches(mine: int, theirs: bytes) -> int:
    """Equal bytes between two sketches: zero bytes of their XOR (``mine`` is our sketch as an int)."""
    return (mine ^ int.from_bytes(theirs, "little")).to_bytes(len(theirs), "little").count(0)


class DedupeIndex:
    """Decide unique/duplicate per article and remember unique ones, over injectable key/value stores."""

    def __init__(
        self,
        settings: DedupeSettings,
        *,
        urls: MutableMapping[str, bytes] | None = None,
        fingerprints: MutableMapping[str, bytes] | None = None,
        bands: MutableMapping[str, bytes] | None = None,
        text_cache_size: int | None = None,
        observe: bool = True,
    ) -> None:
        self.settings = settings
        self.urls: MutableMapping[str, bytes] = {} if urls is None else urls
        self.fingerprints: MutableMapping[str, bytes] = {} if fingerprints is None else fingerprints
        self.bands: MutableMapping[str, bytes] = {} if bands is None else bands
        size = settings.text_cache_size if text_cache_size is None else text_cache_size
        self.texts = TextCache(size)
        self.observe = observe
        self.window_seconds = int(settings.window_days * 86400)
        self.high_watermark: datetime | None = None  # latest published time seen: stream time for eviction
        # A Faust table must not be touched before the app starts: count it later (recount/rebuild_lookups).
        self._entries = len(self.fingerprints) if isinstance(self.fingerprints, dict) else 0
        if observe:
            metrics.init_labels()
            metrics.INDEX_ENTRIES.set(self._entries)

    # ----------------------------------------------------------------- deciding

    def check_and_add(self, article: Article, now: datetime | None = None) -> DedupeDecision:
        """Decide whether ``article`` duplicates a remembered one; remember it if it is unique."""
        started = time.perf_counter()
        now = now or utcnow()
        published = article.published
        if published > now + timedelta(hours=self.settings.future_skew_hours):
            published = now
        if self.high_watermark is None or published > self.high_watermark:
            self.high_watermark = published
        body = body_text(article_text(article), self.settings)
        fp, shingles = fingerprint_body(body, self.settings, epoch_seconds(published))
        probe = _Probe(
            article.id, article_ref(article.id), fp, url_hash(article.url), band_keys(fp), shingles
        )
        decision = self._decide(probe)
        if decision.outcome == UNIQUE and not decision.replay:
            self._remember(probe)
        if self.observe:
            metrics.ARTICLES_BY_OUTCOME[decision.outcome].inc()
            metrics.CANDIDATES.observe(probe.candidates)
            if probe.verified_text:
                metrics.VERIFIED_BY_TEXT.inc(probe.verified_text)
            if probe.verified_signature:
                metrics.VERIFIED_BY_SIGNATURE.inc(probe.verified_signature)
            if decision.replay:
                metrics.REPLAYS.inc()
            if decision.outcome == NEAR and decision.similarity is not None:
                metrics.NEAR_SIMILARITY.observe(decision.similarity)
            metrics.SECONDS.observe(time.perf_counter() - started)
        return decision

    def _decide(self, probe: _Probe) -> DedupeDecision:
        fp = probe.fp
        if probe.url_digest:
            found = self._exact(url_key(probe.url_digest), fp)
            if found is not None and found.url_hash == probe.url_digest:
                return self._exact_decision(EXACT_URL, found, probe.article_id, "same canonical URL")
        found = self._exact(content_key(fp.content_hash), fp)
        if found is not None and found.fingerprint.content_hash == fp.content_hash:
            return self._exact_decision(EXACT_CONTENT, found, probe.article_id, "same normalised text")
        if fp.shingle_count < self.settings.min_shingles:
            reason = f"{fp.shingle_count} shingles: too short for the near-duplicate layer"
            return DedupeDecision(UNIQUE, None, None, reason)
        return self._near(probe)

    def _exact(self, key: str, fp: Fingerprint) -> Remembered | None:
        ref = self.urls.get(key)
        if ref is None:
            return None
        found = self._load(ref)
        if found is None or not self._in_window(found.fingerprint, fp):
            return None
        return found

    def _exact_decision(self, outcome: str, found: Remembered, article_id: str, why: str) -> DedupeDecision:
        if found.article_id == article_id:
            return DedupeDecision(UNIQUE, None, None, "replay of a remembered article", replay=True)
        return DedupeDecision(outcome, found.article_id, 1.0, f"{why} as {found.article_id}")

    def _candidates(self, probe: _Probe) -> list[bytes]:
        """Remembered refs sharing a band with the probe, most shared bands first."""
        votes: dict[bytes, int] = {}
        for key in probe.band_keys:
            bucket = self.bands.get(key)
            if not bucket:
                continue
            for start in range(0, len(bucket), REF_BYTES):
                ref = bytes(bucket[start : start + REF_BYTES])
                votes[ref] = votes.get(ref, 0) + 1
        if len(votes) <= 1:
            return list(votes)
        ranked = sorted(votes, key=votes.__getitem__, reverse=True)
        return ranked[: self.settings.max_candidates]

    def _near(self, probe: _Probe) -> DedupeDecision:
        settings = self.settings
        fp = probe.fp
        refs = self._candidates(probe)
        probe.candidates = len(refs)
        live: list[tuple[bytes, bytes, int]] = []  # ref, stored value, shingle count
        for ref in refs:
            value = self.fingerprints.get(ref_key(ref))
            if value is None:
                continue
            published, count = _HEAD.unpack_from(value)
            if abs(published - fp.published) > self.window_seconds:
                continue
            if ref == probe.ref and decode_entry(value).article_id == probe.article_id:
                return DedupeDecision(UNIQUE, None, None, "replay of a remembered article", replay=True)
            live.append((ref, value, count))
        if not live:
            return DedupeDecision(UNIQUE, None, None, f"no candidate among {len(refs)} LSH hits")
        bins = len(fp.sketch)
        start = HEADER_SIZE + 3 * len(fp.band_hashes)
        mine = int.from_bytes(fp.sketch, "little")
        best: tuple[bool, float, bytes, str] | None = None  # passes, similarity, value, method
        for ref, value, count in live:
            matched = _sketch_matches(mine, value[start : start + bins])
            estimate = containment_from_jaccard(jaccard_from_matches(matched, bins), fp.shingle_count, count)
            cached = self.texts.get(ref) if estimate >= VERIFY_FLOOR else None
            if cached is not None:
                probe.verified_text += 1
                similarity, method = containment(probe.code, cached), "text"
                passes = similarity >= settings.near_threshold
            else:
                probe.verified_signature += 1
                similarity, method = estimate, "signature"
                passes = similarity >= settings.near_estimate_threshold
            if best is None or (passes, similarity) > best[:2]:
                best = (passes, similarity, value, method)
        assert best is not None
        passes, similarity, value, method = best
        other = decode_entry(value).article_id
        if passes:
            reason = f"contains or is contained in {other} ({method} containment {similarity:.3f})"
            return DedupeDecision(NEAR, other, round(similarity, 4), reason, method=method)
        reason = f"best candidate {other} at {method} containment {similarity:.3f}, below threshold"
        return DedupeDecision(
            UNIQUE, None, None, reason, nearest_id=other, nearest_similarity=round(similarity, 4)
        )

    def _in_window(self, remembered: Fingerprint, fp: Fingerprint) -> bool:
        return abs(remembered.published - fp.published) <= self.window_seconds

    def _load(self, ref: bytes) -> Remembered | None:
        value = self.fingerprints.get(ref_key(ref))
        return None if value is None else decode_entry(value)

    # ----------------------------------------------------------------- remembering

    def _remember(self, probe: _Probe) -> None:
        key = ref_key(probe.ref)
        if key not in self.fingerprints:
            self._entries += 1
        self.fingerprints[key] = encode_entry(probe.fp, probe.url_digest, probe.article_id)
        self._link(probe.ref, probe.fp, probe.url_digest, probe.band_keys)
        self.texts.put(probe.ref, probe.code)
        if self.observe:
            metrics.INDEX_ENTRIES.set(self._entries)
            metrics.TEXT_CACHE_ENTRIES.set(len(self.texts))

    def _link(self, ref: bytes, fp: Fingerprint, url_digest: int, keys: list[str] | None = None) -> None:
        """Point the exact keys and LSH buckets of ``fp`` at ``ref``."""
        if url_digest:
            self.urls[url_key(url_digest)] = ref
        self.urls[content_key(fp.content_hash)] = ref
        if fp.shingle_count < self.settings.min_shingles:
            return
        cap = self.settings.band_bucket_cap * REF_BYTES
        for key in band_keys(fp) if keys is None else keys:
            bucket = self.bands.get(key)
            if not bucket:
                self.bands[key] = ref
            elif not _holds(bucket, ref):
                self.bands[key] = (bytes(bucket) + ref)[-cap:]

    def link_entry(self, key: object, value: bytes) -> None:
        """Apply one fingerprint-table entry (e.g. a changelog record another worker wrote) to the lookups.

        The reference is re-derived from the article id inside ``value``, so ``key`` may come in any form.
        """
        found = decode_entry(value)
        self._link(article_ref(found.article_id), found.fingerprint, found.url_hash)

    def rebuild_lookups(self) -> int:
        """Re-create the ``urls`` and ``bands`` entries from ``fingerprints`` (oldest first); returns entries.

        For a worker that keeps only the fingerprint table durable and the lookups in memory.
        """
        entries = sorted(self._items(), key=lambda item: item[2].fingerprint.published)
        for _, ref, found in entries:
            self._link(ref, found.fingerprint, found.url_hash)
        self._entries = len(entries)
        if self.observe:
            metrics.INDEX_ENTRIES.set(self._entries)
        return len(entries)

    # ----------------------------------------------------------------- forgetting

    def evict_expired(self, now: datetime) -> int:
        """Forget articles published more than the window before ``now``; returns how many."""
        cutoff = epoch_seconds(now) - self.window_seconds
        items = list(self.fingerprints.items())
        expired = [(key, value) for key, value in items if _HEAD.unpack_from(value)[0] < cutoff]  # time only
        for table_key, value in expired:
            found = decode_entry(value)
            self._forget(table_key, article_ref(found.article_id), found)
        self._entries = max(0, self._entries - len(expired))
        if self.observe:
            metrics.EVICTED.inc(len(expired))
            metrics.INDEX_ENTRIES.set(self._entries)
            metrics.TEXT_CACHE_ENTRIES.set(len(self.texts))
        return len(expired)

    def _forget(self, table_key: str, ref: bytes, found: Remembered) -> None:
        fp = found.fingerprint
        for key in (url_key(found.url_hash) if found.url_hash else None, content_key(fp.content_hash)):
            if key is not None and self.urls.get(key) == ref:
                del self.urls[key]
        for key in band_keys(fp):
            bucket = self.bands.get(key)
            if bucket is None:
                continue
            kept = b"".join(
                bucket[i : i + REF_BYTES]
                for i in range(0, len(bucket), REF_BYTES)
                if bucket[i : i + REF_BYTES] != ref
            )
            if kept:
                self.bands[key] = kept
            else:
                del self.bands[key]
        del self.fingerprints[table_key]
        self.texts.discard(ref)

    def _items(self) -> Iterator[tuple[str, bytes, Remembered]]:
        """(table key, ref, entry) for every remembered article; the ref comes from the article id."""
        for key, value in list(self.fingerprints.items()):
            found = decode_entry(value)
            yield key, article_ref(found.article_id), found

    def recount(self) -> int:
        """Re-read the number of remembered articles from the fingerprint table (e.g. after recovery)."""
        self._entries = len(self.fingerprints)
        if self.observe:
            metrics.INDEX_ENTRIES.set(self._entries)
        return self._entries

    def __len__(self) -> int:
        return self._entries


def _holds(bucket: bytes, ref: bytes) -> bool:
    """Whether ``ref`` is one of the aligned 6-byte members of ``bucket``."""
    position = bucket.find(ref)
    while position != -1:
        if position % REF_BYTES == 0:
            return True
        position = bucket.find(ref, position + 1)
    return False
