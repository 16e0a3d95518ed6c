"""The shared-sentence check for syndicated copies, cheapest test first (called by ``index.py``).

For an article the shingle check kept as unique: candidates by sampled shingle keys (and the closest LSH
candidates), then the shingle-code overlap, and only then sentences: split once per text, equal sentences
matched by hash, the rest fuzzily when the word gate allows (``passages.shared``). Most articles stop at
the first step without being split.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from streams.dedupe import metrics
from streams.dedupe.agencies import agency
from streams.dedupe.passage_index import (
    CODE_GATE,
    KEPT_KEYS,
    KEY_GATE,
    LONG_TEXT_KEYS,
    MIN_HITS,
    PassageIndex,
    Recalled,
    Sampled,
    anchor_keys,
    code_containment,
    code_set,
    filed_anchors,
    key_containment,
    ranked,
    sampled_of,
    spaced,
    unpack_keys,
)
from streams.dedupe.passages import Passages, passages, shared
from streams.settings.dedupe import DedupeSettings

CANDIDATES = 4  # candidates of each route (sampled keys, LSH) compared per article


@dataclass(frozen=True, slots=True)
class CopyEvidence:
    """The best remembered copy found, with the measure that decided it."""

    key: str  # fingerprint-table key of the remembered copy
    share: float  # shared-sentence share, from the shorter text
    sentences: int  # sentences shared
    exact: int  # of them, equal after folding
    threshold: float  # the bar it passed (lowered when both credit one agency)
    agency: str | None  # the agency either credits


class CopyProbe:
    """One article's copy-check state, each piece computed at most once and only when needed."""

    __slots__ = (
        "_agency",
        "_codes",
        "_key_set",
        "_passages",
        "_sampled",
        "_spaced",
        "code",
        "key",
        "shingles",
        "text",
    )

    def __init__(self, key: str, text: str, code: str, shingles: int) -> None:
        self.key, self.text, self.code, self.shingles = key, text, code, shingles
        self._spaced: bool | None = None
        self._sampled: Sampled | None = None
        self._codes: frozenset[int] | None = None
        self._key_set: frozenset[int] | None = None
        self._passages: Passages | None = None
        self._agency: tuple[str | None] | None = None

    def sampled(self, keys: Sampled) -> None:
        """Take the sampled shingle keys computed for the whole batch (``passage_index.sampled_of``)."""
        self._sampled = keys

    def spaced(self) -> bool:
        if self._spaced is None:
            self._spaced = spaced(self.text, self.shingles)
        return self._spaced

    def _sample(self) -> Sampled:
        if self._sampled is None:
            self._sampled = sampled_of([self.code])[0]
        return self._sampled

    def lookup_keys(self) -> list[int]:
        """The keys this article looks up: its smallest sampled shingle keys, or every sentence anchor
        of a text without spaces."""
        return self._sample()[0] if self.spaced() else anchor_keys(self.passages())

    def key_count(self) -> int:
        """How many keys it has (sampled keys, or anchors without spaces)."""
        return len(self._sample()[1]) // 4 if self.spaced() else len(anchor_keys(self.passages()))

    def keys(self) -> list[int]:
        """All its keys: sampled shingle keys, or sentence anchors without spaces."""
        return unpack_keys(self._sample()[1]) if self.spaced() else anchor_keys(self.passages())

    def packed(self) -> bytes:
        """All its sampled keys, packed 4 bytes each (nothing for a text without spaces)."""
        return self._sample()[1] if self.spaced() else b""

    def filed(self) -> list[int]:
        """The keys it is remembered under."""
        if self.spaced():
            return self._sample()[0][:KEPT_KEYS]
        return filed_anchors(self.passages())

    def key_set(self) -> frozenset[int]:
        if self._key_set is None:
            self._key_set = frozenset(memoryview(self.packed()).cast("I"))
        return self._key_set

    def codes(self) -> frozenset[int]:
        if self._codes is None:
            self._codes = code_set(self.code)
        return self._codes

    def passages(self) -> Passages:
        if self._passages is None:
            self._passages = passages(self.text)
        return self._passages

    def split(self) -> Passages | None:
        """The sentences if they were already needed, else None (remembering does not split)."""
        return self._passages

    def agency(self) -> str | None:
        if self._agency is None:
            self._agency = (agency(self.text),)
        return self._agency[0]


class CopyCheck:
    """Remembers recent articles for the check and finds the best copy of an article among them."""

    def __init__(self, settings: DedupeSettings, *, observe: bool = True) -> None:
        self.settings = settings
        self.index = PassageIndex(settings.passage_cache_size)
        self.observe = observe

    @property
    def enabled(self) -> bool:
        return self.settings.passage_cache_size > 0

    def best(
        self,
        probe: CopyProbe,
        lsh_keys: Sequence[str],
        comparable: Callable[[str], bool],
        cached_code: Callable[[str], str | None],
    ) -> CopyEvidence | None:
        """The remembered copy sharing the largest share of sentences, if one passes its bar.

        ``lsh_keys``: the closest candidates of the shingle check; ``comparable``: whether a remembered key
        is live and within the window; ``cached_code``: a remembered article's shingle code, if cached.
        """
        started = time.perf_counter()
        try:
            return self._best(probe, lsh_keys, comparable, cached_code)
        finally:
            if self.observe:
                metrics.COPY_CHECK_SECONDS.observe(time.perf_counter() - started)

    def _best(
        self,
        probe: CopyProbe,
        lsh_keys: Sequence[str],
        comparable: Callable[[str], bool],
        cached_code: Callable[[str], str | None],
    ) -> CopyEvidence | None:
        hits = self.index.hits(probe.lookup_keys())
        wanted = MIN_HITS + (probe.key_count() > LONG_TEXT_KEYS)
        if not hits or max(hits.values()) < wanted:  # no candidate by keys, nor among the LSH ones
            return None
        candidates = ranked(hits, CANDIDATES, min_hits=wanted)
        candidates += [
            key for key in lsh_keys[:CANDIDATES] if hits.get(key, 0) >= wanted and key not in candidates
        ]
        settings = self.settings
        best: CopyEvidence | None = None
        for key in candidates:
            remembered = self.index.get(key)
            if remembered is None or key == probe.key or not comparable(key):
                continue
            if probe.spaced():
                if remembered.sampled and key_containment(probe.key_set(), remembered.sampled) < KEY_GATE:
                    continue
                code = cached_code(key)
                if code is not None and code_containment(probe.codes(), code) < CODE_GATE:
                    continue
            found = self._compare(probe, remembered, settings, best)
            if found is not None:
                best = CopyEvidence(key, *found)
        return best

    @staticmethod
    def _compare(
        probe: CopyProbe, remembered: Recalled, settings: DedupeSettings, best: CopyEvidence | None
    ) -> tuple[float, int, int, float, str | None] | None:
        credited, theirs = probe.agency(), remembered.agency(agency)
        same_agency = credited is not None and credited == theirs
        bar = settings.sentence_threshold - (settings.sentence_agency_bonus if same_agency else 0.0)
        evidence = shared(
            probe.passages(), remembered.passages(), similarity=settings.sentence_similarity, bar=bar
        )
        if not evidence.is_copy(bar) or (best is not None and evidence.share <= best.share):
            return None
        return evidence.share, evidence.sentences, evidence.exact, bar, credited or theirs

    def agency_of(self, key: str) -> str | None:
        """The agency a remembered article credits (None when it is not remembered here)."""
        remembered = self.index.get(key)
        return None if remembered is None else remembered.agency(agency)

    def remember(self, probe: CopyProbe) -> None:
        if self.enabled:
            self.index.put(probe.key, probe.text, probe.filed(), probe.split(), probe.packed())

    def discard(self, key: str) -> None:
        self.index.discard(key)

    def __len__(self) -> int:
        return len(self.index)
