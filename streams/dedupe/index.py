"""The dedupe index: exact URL and content layers, then LSH candidates verified for containment.

The remembered articles live in one injected key/value mapping (a plain dict in tests and offline
tools, a Faust table in the worker): ``fingerprints``, fingerprint key (8 chars, ``str``) ->
serialised Fingerprint + URL digest + article id (``bytes``). The maps that find them are derived
from it and kept in memory (``lookups.py``); ``rebuild_lookups`` re-creates them.

Only unique articles are remembered; a duplicate points at the remembered article it copies.
Articles are decided in batches (``check_and_add_batch``): the batch is fingerprinted in a few
vectorised passes (``batch.py``), the LSH candidates of a window of articles are ranked and
estimated in one pass (``candidates.py``, ``estimates.py``), and the decisions are then taken one
article after the other, exactly as single calls would take them.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from streams.dedupe import metrics
from streams.dedupe.batch import fingerprint_texts
from streams.dedupe.candidates import members, rank, rank_many
from streams.dedupe.copycheck import CopyCheck, CopyProbe
from streams.dedupe.estimates import NOT_LIVE, Estimator
from streams.dedupe.keys import (
    Remembered,
    band_lookups,
    content_lookup,
    decode_entry,
    encode_entry,
    entry_article_id,
    entry_published,
    fingerprint_key,
    url_lookup,
)
from streams.dedupe.lookups import Lookups, unpacked
from streams.dedupe.normalize import article_text
from streams.dedupe.passage_index import sampled_of
from streams.dedupe.signature import Fingerprint
from streams.dedupe.urls import url_hash
from streams.dedupe.verify import TextCache, containment
from streams.records import Article, utcnow
from streams.settings.dedupe import DedupeSettings

UNIQUE, EXACT_URL, EXACT_CONTENT, NEAR = "unique", "exact_url", "exact_content", "near"
VERIFY_FLOOR = 0.3  # below this signature estimate a candidate is not worth a rapidfuzz verification
# Articles whose candidates are ranked and estimated in one vectorised pass. An article remembered
# during the pass can change the candidates of later ones (then ranked again alone): small enough
# that this stays rare, large enough to spread the fixed cost of the numpy calls.
PRESCORE_WINDOW = 32
SENTENCE_CANDIDATES = 4  # closest LSH candidates offered to the shared-sentence check
COMPACT_AFTER = 10_000  # forgotten slots tolerated (beyond the live ones) before the lookups are renumbered


@dataclass(frozen=True, slots=True)
class DedupeDecision:
    """What dedupe made of one article; a duplicate names the remembered article it copies."""

    outcome: str  # "unique" | "exact_url" | "exact_content" | "near"
    duplicate_of: str | None
    similarity: float | None
    reason: str
    method: str | None = None  # near only: "text" (rapidfuzz), "signature" (estimate) or "sentences"
    nearest_id: str | None = None  # unique only: the best candidate that fell short, for tuning
    nearest_similarity: float | None = None
    replay: bool = False  # unique because this very article id is already remembered
    shared_sentences: float | None = None  # near by "sentences": share of the shorter text's sentences shared
    syndicated_from: str | None = None  # a copy of the same text printed elsewhere: the earliest copy seen
    agency: str | None = None  # the news agency a dateline or credit of either copy names
    threshold: float | None = None  # near by "sentences": the bar the share passed (lower for one agency)

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None


_REPLAY = DedupeDecision(UNIQUE, None, None, "replay of a remembered article", replay=True)


def epoch_seconds(moment: datetime) -> int:
    return max(0, int(moment.timestamp()))


class _Probe:
    """The article being decided: fingerprint, keys, shingle code, candidates and counters."""

    __slots__ = (
        "article_id", "candidates", "checked", "code", "copy", "estimates", "fp", "key", "lookups", "ranked",
        "text", "url_digest", "verified_signature", "verified_text",
    )  # fmt: skip

    def __init__(self, article: Article, fp: Fingerprint, code: str, text: str = "") -> None:
        self.text = text
        self.article_id = article.id
        self.key = fingerprint_key(article.id)
        self.fp = fp
        self.url_digest = url_hash(article.url)
        self.lookups = band_lookups(fp)
        self.code = code  # shingle-coded text for rapidfuzz
        self.ranked: list[int] = []  # LSH candidates (slots) when its window was prescored
        self.checked: list[int] = []  # the LSH candidates the shingle check decided on (live, in the window)
        self.estimates: list[float] = []  # and their signature estimates
        self.candidates = 0
        self.verified_text = 0
        self.verified_signature = 0
        self.copy = CopyProbe(self.key, text, code, fp.shingle_count)  # the shared-sentence check's state


class DedupeIndex:
    """Decide unique/duplicate per article and remember unique ones, over an injectable fingerprint store."""

    def __init__(
        self,
        settings: DedupeSettings,
        *,
        fingerprints: MutableMapping[str, bytes] | None = None,
        text_cache_size: int | None = None,
        observe: bool = True,
    ) -> None:
        self.settings = settings
        self.fingerprints: MutableMapping[str, bytes] = {} if fingerprints is None else fingerprints
        self.lookups = Lookups(settings)
        size = settings.text_cache_size if text_cache_size is None else text_cache_size
        self.texts = TextCache(size)  # shingle codes by fingerprint key
        self.copies = CopyCheck(settings, observe=observe)  # recent texts for the shared-sentence check
        self.observe = observe
        self.window_seconds = int(settings.window_days * 86400)
        self.high_watermark: datetime | None = None  # latest published time seen: stream time for eviction
        self.estimator = Estimator(settings)
        self._grown: set[int] = set()  # LSH buckets added to since the window was prescored
        self._stale: set[int] = set()  # slots rewritten (or found gone) since then
        # A Faust table must not be touched before the app starts: count it later (recount/rebuild_lookups).
        self._entries = len(self.fingerprints) if isinstance(self.fingerprints, dict) else 0
        if observe:
            metrics.init_labels()
            metrics.INDEX_ENTRIES.set(self._entries)

    @property
    def urls(self) -> dict[int, int]:
        """Exact-layer lookups: URL or content digest -> slot (``lookups.py``)."""
        return self.lookups.urls

    @property
    def bands(self) -> dict[int, bytes]:
        """LSH buckets -> packed slots, newest last (``lookups.py``)."""
        return self.lookups.bands

    # ----------------------------------------------------------------- deciding

    def check_and_add(self, article: Article, now: datetime | None = None) -> DedupeDecision:
        """Decide whether ``article`` duplicates a remembered one; remember it if it is unique."""
        return self.check_and_add_batch([article], now)[0]

    def check_and_add_batch(
        self, articles: Sequence[Article], now: datetime | None = None
    ) -> list[DedupeDecision]:
        """``check_and_add`` for each article in order (one may duplicate an earlier one of the batch).

        The decisions equal those of single calls; doing the numpy work once per batch is what makes
        it several times cheaper per article. An article that cannot be fingerprinted (text that does
        not encode as UTF-8) fails the call before anything is decided or remembered.
        """
        if not articles:
            return []
        started = time.perf_counter()
        now = now or utcnow()
        latest = now + timedelta(hours=self.settings.future_skew_hours)
        published = [article.published if article.published <= latest else now for article in articles]
        newest = max(published)
        if self.high_watermark is None or newest > self.high_watermark:
            self.high_watermark = newest
        texts = [article_text(article) for article in articles]
        printed = fingerprint_texts(texts, self.settings, [epoch_seconds(moment) for moment in published])
        probes = [
            _Probe(article, fp, code, text)
            for article, (fp, code), text in zip(articles, printed, texts, strict=True)
        ]
        if self.copies.enabled:  # the copy check's sampled shingle keys, in one pass for the batch
            for probe, keys in zip(probes, sampled_of([probe.code for probe in probes]), strict=True):
                probe.copy.sampled(keys)
        shared = (time.perf_counter() - started) / len(articles)  # each article's part of the fingerprinting
        decisions = []
        for first in range(0, len(probes), PRESCORE_WINDOW):
            window = probes[first : first + PRESCORE_WINDOW]
            begun = time.perf_counter()
            self._prescore(window)
            ahead = shared + (time.perf_counter() - begun) / len(window)
            for probe in window:
                begun = time.perf_counter()
                decision = self._decide(probe)
                if decision.outcome == UNIQUE and not decision.replay:
                    self._remember(probe)
                decisions.append(decision)
                if self.observe:
                    metrics.CANDIDATES.observe(probe.candidates)
                    metrics.SECONDS.observe(ahead + time.perf_counter() - begun)
        if self.observe:
            metrics.record_copies(
                (d.method if d.outcome == NEAR and d.method else d.outcome, d.agency)
                for d in decisions
                if d.syndicated_from is not None
            )
            metrics.record_batch(
                (decision.outcome for decision in decisions),
                (d.similarity for d in decisions if d.outcome == NEAR and d.similarity is not None),
                sum(decision.replay for decision in decisions),
                sum(probe.verified_text for probe in probes),
                sum(probe.verified_signature for probe in probes),
                self._entries,
                len(self.texts),
            )
        return decisions

    def _decide(self, probe: _Probe) -> DedupeDecision:
        fp = probe.fp
        if probe.url_digest:
            found = self._exact(url_lookup(probe.url_digest), fp)
            if found is not None and found.url_hash == probe.url_digest:
                return self._exact_decision(EXACT_URL, found, probe.article_id, "same canonical URL")
        found = self._exact(content_lookup(fp.content_hash), fp)
        if found is not None and found.fingerprint.content_hash == fp.content_hash:
            decision = self._exact_decision(EXACT_CONTENT, found, probe.article_id, "same normalised text")
            return self._syndicated(probe, decision)
        if fp.shingle_count < self.settings.min_shingles:
            reason = f"{fp.shingle_count} shingles: too short for the near-duplicate layer"
            short = DedupeDecision(UNIQUE, None, None, reason)
            # Chinese or Japanese has one word shingle per clause: its copies are found by sentences alone
            if self.copies.enabled and not probe.copy.spaced():
                return self._shared_sentences(probe, short)
            return short
        decision = self._near(probe)
        if decision.outcome == NEAR:
            return self._syndicated(probe, decision)
        if decision.replay or self.settings.passage_cache_size <= 0:
            return decision
        return self._shared_sentences(probe, decision)

    def _syndicated(self, probe: _Probe, decision: DedupeDecision) -> DedupeDecision:
        """A copy of remembered text: it names the earliest copy seen and the agency either credits."""
        if decision.duplicate_of is None:
            return decision
        credited = probe.copy.agency() or self.copies.agency_of(fingerprint_key(decision.duplicate_of))
        return replace(decision, syndicated_from=decision.duplicate_of, agency=credited)

    def _shared_sentences(self, probe: _Probe, fallback: DedupeDecision) -> DedupeDecision:
        """The second check: candidates (shared sentence anchors, and the LSH ones) by shared-sentence share.

        Catches the copies real editing hides from the shingle check (new lead, cuts, reordering, local
        intro, house style); quotations do not count, an agency both credit lowers the bar a little.
        """
        lookups = self.lookups
        closest = [key for key in map(lookups.keys.__getitem__, probe.checked[:SENTENCE_CANDIDATES]) if key]

        def comparable(key: str) -> bool:
            slot = lookups.slot_of.get(key)
            if slot is None:
                return False
            return abs(int(lookups.published[slot]) - probe.fp.published) <= self.window_seconds

        found = self.copies.best(probe.copy, closest, comparable, self.texts.peek)
        other = None if found is None else self._article_id(lookups.slot_of[found.key])
        if found is None or other is None or other == probe.article_id:
            return fallback
        share = round(found.share, 4)
        reason = (
            f"shares {found.share:.3f} of the shorter text's sentences ({found.sentences}, {found.exact} "
            f"equal) with {other}, threshold {found.threshold:.2f}"
        )
        return DedupeDecision(
            NEAR, other, share, reason, method="sentences", shared_sentences=share, syndicated_from=other,
            agency=found.agency, threshold=round(found.threshold, 4),
        )  # fmt: skip

    def _exact(self, lookup: int, fp: Fingerprint) -> Remembered | None:
        value = self._value(self.urls.get(lookup))
        if value is None or abs(entry_published(value) - fp.published) > self.window_seconds:
            return None
        return decode_entry(value)

    @staticmethod
    def _exact_decision(outcome: str, found: Remembered, article_id: str, why: str) -> DedupeDecision:
        if found.article_id == article_id:
            return _REPLAY
        return DedupeDecision(outcome, found.article_id, 1.0, f"{why} as {found.article_id}")

    def _prescore(self, window: Sequence[_Probe]) -> None:
        """Rank and estimate the LSH candidates of a window of probes as the index stands, at once.

        Until the next window, buckets only gain the articles the window remembers (``_grown``); a
        probe whose buckets did not change and none of whose candidates was rewritten (``_stale``)
        keeps this ranking and these estimates, the others are ranked and estimated again in ``_near``.
        """
        self._grown.clear()
        self._stale.clear()
        near = [probe for probe in window if probe.fp.shingle_count >= self.settings.min_shingles]
        if not near:
            return
        found = [members(self.bands, probe.lookups) for probe in near]
        owner, slots = rank_many(found, self.settings.max_candidates)
        scores = self.estimator.pairs(self.lookups, [probe.fp for probe in near], owner, slots)
        ranked: list[int] = slots.tolist()
        start = 0
        for probe, count in zip(near, np.bincount(owner, minlength=len(near)).tolist(), strict=True):
            probe.ranked, probe.estimates = ranked[start : start + count], scores[start : start + count]
            start += count

    def _near(self, probe: _Probe) -> DedupeDecision:
        slots, estimates = probe.ranked, probe.estimates[:]
        if not self._grown.isdisjoint(probe.lookups) or not self._stale.isdisjoint(slots):
            slots = rank(unpacked(members(self.bands, probe.lookups)), self.settings.max_candidates)
            owner = np.zeros(len(slots), dtype=np.intp)
            estimates = self.estimator.pairs(self.lookups, [probe.fp], owner, np.array(slots, dtype=np.intp))
        probe.candidates = len(slots)
        if estimates and min(estimates) == NOT_LIVE:  # forgotten, or published outside the window
            slots = [slot for slot, estimate in zip(slots, estimates, strict=True) if estimate != NOT_LIVE]
            estimates = [estimate for estimate in estimates if estimate != NOT_LIVE]
        probe.checked = slots
        if not slots:
            return DedupeDecision(UNIQUE, None, None, f"no candidate among {probe.candidates} LSH hits")
        own = self.lookups.slot_of.get(probe.key)
        if own is not None and own in slots and self._article_id(own) == probe.article_id:
            return _REPLAY
        return self._best(probe, slots, estimates)

    def _best(self, probe: _Probe, slots: list[int], estimates: list[float]) -> DedupeDecision:
        """The best candidate: highest (passes, similarity), the first of equals; verified by text if cached.

        Only a candidate estimated at the verification floor or the estimate threshold can pass or be
        verified; the others keep their estimate and fail. ``estimates`` is updated in place.
        """
        settings = self.settings
        passing: list[int] = []
        verified: set[int] = set()
        if max(estimates) >= min(VERIFY_FLOOR, settings.near_estimate_threshold):
            keys = self.lookups.keys
            for position, estimate in enumerate(estimates):
                if estimate < VERIFY_FLOOR and estimate < settings.near_estimate_threshold:
                    continue
                key = keys[slots[position]]
                cached = self.texts.get(key) if estimate >= VERIFY_FLOOR and key is not None else None
                if cached is not None:
                    verified.add(position)
                    estimates[position] = containment(probe.code, cached)
                    passes = estimates[position] >= settings.near_threshold
                else:
                    passes = estimate >= settings.near_estimate_threshold
                if passes:
                    passing.append(position)
        score = max(estimates[position] for position in passing) if passing else max(estimates)
        best = next(p for p in passing if estimates[p] == score) if passing else estimates.index(score)
        other = self._article_id(slots[best])
        if other is None:  # gone from the table though the lookups had it: forget it and decide again
            self.lookups.forget(self.lookups.keys[slots[best]] or "")
            self._stale.add(slots[best])
            return self._near(probe)
        probe.verified_text, probe.verified_signature = len(verified), len(slots) - len(verified)
        method = "text" if best in verified else "signature"
        if passing:
            reason = f"contains or is contained in {other} ({method} containment {score:.3f})"
            return DedupeDecision(NEAR, other, round(score, 4), reason, method=method)
        reason = f"best candidate {other} at {method} containment {score:.3f}, below threshold"
        return DedupeDecision(
            UNIQUE, None, None, reason, nearest_id=other, nearest_similarity=round(score, 4)
        )

    def _value(self, slot: int | None) -> bytes | None:
        """The fingerprint-table value of the article in ``slot``, if the table still has it."""
        key = None if slot is None else self.lookups.keys[slot]
        return None if key is None else self.fingerprints.get(key)

    def _article_id(self, slot: int) -> str | None:
        """The id of the article in ``slot``, read from the fingerprint table (which has the last word)."""
        value = self._value(slot)
        return None if value is None else entry_article_id(value)

    # ----------------------------------------------------------------- remembering

    def _remember(self, probe: _Probe) -> None:
        key = probe.key
        if key not in self.fingerprints:
            self._entries += 1
        self.fingerprints[key] = encode_entry(probe.fp, probe.url_digest, probe.article_id)
        rewritten = self.lookups.slot_of.get(key)
        if rewritten is not None:  # estimates made from its old fingerprint are stale
            self._stale.add(rewritten)
        self.lookups.link(key, probe.fp, probe.url_digest, probe.lookups)
        self._grown.update(probe.lookups)
        self.texts.put(key, probe.code)
        self.copies.remember(probe.copy)

    def link_entry(self, key: object, value: bytes) -> str | None:
        """Apply one fingerprint-table entry (e.g. a changelog record another worker wrote) to the lookups.

        The table key is re-derived from the article id inside ``value``, so ``key`` may come in any form.
        Returns the exact layer (``exact_url`` or ``exact_content``) under which another article within
        the window was already remembered: two workers both kept one story (see ``_exact_clash``).
        """
        found = decode_entry(value)
        table_key = fingerprint_key(found.article_id)
        clash = self._exact_clash(table_key, found)
        self.lookups.link(table_key, found.fingerprint, found.url_hash)
        return clash

    def exact_holder(self, value: bytes) -> str | None:
        """The key of another live entry within the window with the URL or the text of entry ``value``."""
        found = decode_entry(value)
        fp, key = found.fingerprint, fingerprint_key(found.article_id)
        layers = [(content_lookup(fp.content_hash), False)]
        if found.url_hash:
            layers.insert(0, (url_lookup(found.url_hash), True))
        for lookup, by_url in layers:
            slot = self.urls.get(lookup)
            held = None if slot is None or not self.lookups.live[slot] else self.lookups.keys[slot]
            held_value = None if held is None or held == key else self.fingerprints.get(held)
            if held_value is None or abs(entry_published(held_value) - fp.published) > self.window_seconds:
                continue
            other = decode_entry(held_value)
            if by_url:
                same = other.url_hash == found.url_hash
            else:
                same = other.fingerprint.content_hash == fp.content_hash
            if same:
                return held
        return None

    def duplicate_among(self, key: str, others: Collection[str]) -> DedupeDecision | None:
        """Whether remembered entry ``key`` copies one of ``others`` (remembered after it was decided).

        For a race between workers (``streams.worker.dedupe_state``): the same layers and verification as
        a decision (by text where both codes are cached); of equal candidates the oldest wins.
        """
        value = self.fingerprints.get(key)
        if value is None or not others:
            return None
        mine = decode_entry(value)
        holder = self.exact_holder(value)
        if holder is not None and holder in others:
            theirs = decode_entry(self.fingerprints[holder])
            outcome = EXACT_URL if mine.url_hash and theirs.url_hash == mine.url_hash else EXACT_CONTENT
            why = f"same {outcome.removeprefix('exact_')} as {theirs.article_id}"
            return DedupeDecision(outcome, theirs.article_id, 1.0, why)
        fp = mine.fingerprint
        found = self._late_near(key, fp, others) if fp.shingle_count >= self.settings.min_shingles else None
        return found if found is not None or not self.copies.enabled else self._late_copy(key, fp, others)

    def _late_near(self, key: str, fp: Fingerprint, others: Collection[str]) -> DedupeDecision | None:
        keys = self.lookups.keys
        near = sorted(set(unpacked(members(self.bands, band_lookups(fp)))))
        slots = [slot for slot in near if keys[slot] in others]
        if not slots:
            return None
        owner = np.zeros(len(slots), dtype=np.intp)
        estimates = self.estimator.pairs(self.lookups, [fp], owner, np.array(slots, dtype=np.intp))
        code = self.texts.get(key)
        best: tuple[float, int, str] | None = None  # score, slot, method
        for slot, estimate in zip(slots, estimates, strict=True):
            if estimate < min(VERIFY_FLOOR, self.settings.near_estimate_threshold):
                continue  # NOT_LIVE too
            cached = self.texts.get(keys[slot] or "") if estimate >= VERIFY_FLOOR else None
            if code is not None and cached is not None:  # verified by text, as a decision is
                score, method, bar = containment(code, cached), "text", self.settings.near_threshold
            else:
                score, method, bar = estimate, "signature", self.settings.near_estimate_threshold
            if score >= bar and (best is None or score > best[0]):
                best = (score, slot, method)
        other = None if best is None else self._article_id(best[1])
        if best is None or other is None:
            return None
        score, _, method = best
        reason = f"contains or is contained in {other} ({method} containment {score:.3f}, found late)"
        return DedupeDecision(NEAR, other, round(score, 4), reason, method=method)

    def _late_copy(self, key: str, fp: Fingerprint, others: Collection[str]) -> DedupeDecision | None:
        """The shared-sentence check of entry ``key`` against ``others`` only."""
        text = self.remembered_text(key)
        if text is None:
            return None
        lookups = self.lookups

        def comparable(other: str) -> bool:
            slot = lookups.slot_of.get(other)
            return (
                other in others
                and slot is not None
                and abs(int(lookups.published[slot]) - fp.published) <= self.window_seconds
            )

        probe = CopyProbe(key, text, self.texts.peek(key) or "", fp.shingle_count)
        found = self.copies.best(probe, [], comparable, self.texts.peek)
        other = None if found is None else self._article_id(lookups.slot_of[found.key])
        if found is None or other is None:
            return None
        share = round(found.share, 4)
        reason = f"shares {found.share:.3f} of the shorter text's sentences with {other} (found late)"
        return DedupeDecision(
            NEAR, other, share, reason, method="sentences", shared_sentences=share, syndicated_from=other,
            agency=found.agency, threshold=round(found.threshold, 4),
        )  # fmt: skip

    def remembered_text(self, key: str) -> str | None:
        """The text the shared-sentence check keeps for a remembered article (None when not kept)."""
        recalled = self.copies.index.get(key)
        return None if recalled is None else recalled.text

    def remember_text(self, key: str, text: str) -> None:
        """Keep another worker's remembered article for the shared-sentence check (after ``link_entry``)."""
        value = self.fingerprints.get(key)
        if value is not None and self.copies.enabled:
            shingles = decode_entry(value).fingerprint.shingle_count
            self.copies.remember(CopyProbe(key, text, self.texts.peek(key) or "", shingles))

    def _exact_clash(self, table_key: str, found: Remembered) -> str | None:
        """The exact layer where ``found`` meets an earlier live article within the window, if any.

        Only uniques are remembered, so an incoming entry whose URL or text is already remembered under
        another id means its writer judged unique what this index would have called a duplicate: the
        race between workers that decide at the same time (docs/architecture.md, "Scaling out").
        Near-duplicates missed that way cannot be told apart from honest neighbours this cheaply.
        """
        fp, lookups = found.fingerprint, self.lookups
        if table_key in lookups.slot_of:  # its own entry coming back, or one taken in before: not new
            return None
        layers = [(EXACT_CONTENT, content_lookup(fp.content_hash))]
        if found.url_hash:
            layers.insert(0, (EXACT_URL, url_lookup(found.url_hash)))
        for layer, lookup in layers:
            slot = self.urls.get(lookup)
            if slot is None or not lookups.live[slot]:
                continue
            kept_key, kept_published = lookups.keys[slot], int(lookups.published[slot])
            if (
                kept_key is None
                or kept_key == table_key
                or abs(kept_published - fp.published) > self.window_seconds
            ):
                continue
            # Both workers see the pair; only the one receiving the later of the two counts it.
            if (fp.published, table_key) > (kept_published, kept_key):
                return layer
        return None

    def unlink_entry(self, key: str) -> None:
        """Forget an entry deleted from the fingerprint table by someone else (e.g. another worker)."""
        self.lookups.forget(key)
        self.texts.discard(key)
        self.copies.discard(key)

    def rebuild_lookups(self) -> int:
        """Re-create the in-memory lookups from ``fingerprints`` (oldest first); returns the entries.

        For a worker that keeps only the fingerprint table durable and the lookups in memory.
        """
        self.lookups.clear()
        entries = sorted(self._entries_found(), key=lambda found: found.fingerprint.published)
        for found in entries:
            self.lookups.link(fingerprint_key(found.article_id), found.fingerprint, found.url_hash)
        self._entries = len(entries)
        if self.observe:
            metrics.INDEX_ENTRIES.set(self._entries)
        return len(entries)

    # ----------------------------------------------------------------- forgetting

    def eviction_watermark(self) -> datetime | None:
        """The stream time to evict by: the latest published time decided here (None before the first)."""
        return self.high_watermark

    def evict_expired(self, now: datetime, forgotten: list[tuple[str, str]] | None = None) -> int:
        """Forget articles published more than the window before ``now``; returns how many.

        ``forgotten`` collects the (table key, article id) of each article forgotten.
        """
        cutoff = epoch_seconds(now) - self.window_seconds
        items = list(self.fingerprints.items())
        expired = [(key, value) for key, value in items if entry_published(value) < cutoff]  # time only
        for table_key, value in expired:
            found = decode_entry(value)
            key = fingerprint_key(found.article_id)
            if forgotten is not None:
                forgotten.append((table_key, found.article_id))
            self.lookups.forget(key, found)
            del self.fingerprints[table_key]
            self.texts.discard(key)
            self.copies.discard(key)
        if self.lookups.dead > len(self.lookups.slot_of) + COMPACT_AFTER:
            self.lookups.compact()
        self._entries = max(0, self._entries - len(expired))
        if self.observe:
            metrics.EVICTED.inc(len(expired))
            metrics.INDEX_ENTRIES.set(self._entries)
            metrics.TEXT_CACHE_ENTRIES.set(len(self.texts))
        return len(expired)

    def _entries_found(self) -> Iterator[Remembered]:
        for _, value in list(self.fingerprints.items()):
            yield decode_entry(value)

    def recount(self) -> int:
        """Re-read the number of remembered articles from the fingerprint table (e.g. after recovery)."""
        self._entries = len(self.fingerprints)
        if self.observe:
            metrics.INDEX_ENTRIES.set(self._entries)
        return self._entries

    def __len__(self) -> int:
        return self._entries
