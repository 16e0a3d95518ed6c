"""Signature estimates of containment between articles and remembered ones, many pairs in one pass.

Each article has a dozen or more LSH candidates; scoring them one by one in Python was the largest
cost of the near-duplicate layer. ``Estimator.pairs`` scores every (article, candidate) pair of a
window at once from the slots' fields kept in ``Lookups``, with the arithmetic of
``signature.containment_estimate`` in the same order, so the floats are bit-identical (a test checks).
``NOT_LIVE`` marks a candidate that is forgotten (evicted or deleted) or published outside the window.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from streams.dedupe.lookups import Lookups
from streams.dedupe.signature import Fingerprint, jaccard_from_matches
from streams.settings.dedupe import DedupeSettings

NOT_LIVE = -1.0
_U64 = np.uint64
_BYTE_SUM = _U64(0x0101010101010101)  # multiplying by this sums a word's bytes into its top byte


class Estimator:
    """Containment estimates against remembered articles, for one settings shape."""

    def __init__(self, settings: DedupeSettings) -> None:
        self.bins = settings.signature_bins
        self.window = int(settings.window_days * 86400)
        self._jaccard = np.array(
            [jaccard_from_matches(matches, self.bins) for matches in range(self.bins + 1)]
        )

    def pairs(
        self,
        lookups: Lookups,
        fps: Sequence[Fingerprint],
        probe_of: np.ndarray,
        slots: np.ndarray,
    ) -> list[float]:
        """The estimate of ``fps[probe_of[k]]`` against slot ``slots[k]`` for every pair ``k``."""
        if not len(slots):
            return []
        sketches = np.frombuffer(b"".join([fp.sketch for fp in fps]), dtype=np.uint8).reshape(len(fps), -1)
        matches = self._matches(lookups.sketches[slots], sketches[probe_of])
        share = self._jaccard[matches]
        counts = lookups.counts[slots]
        mine = np.array([fp.shingle_count for fp in fps], dtype=np.int64)[probe_of]
        smaller = np.minimum(counts, mine)
        with np.errstate(divide="ignore", invalid="ignore"):
            estimates = np.minimum(1.0, share * (mine + counts) / (1.0 + share) / smaller)
        estimates[smaller <= 0] = 0.0
        published = np.array([fp.published for fp in fps], dtype=np.int64)[probe_of]
        live = lookups.live[slots] & (np.abs(lookups.published[slots] - published) <= self.window)
        estimates[~live] = NOT_LIVE
        result: list[float] = estimates.tolist()
        return result

    def _matches(self, theirs: np.ndarray, mine: np.ndarray) -> np.ndarray:
        """Equal bins per row: the equality bytes read 8 at a time as words, then summed by one multiply."""
        equal = (theirs == mine).view(np.uint64)
        words = equal[:, 0].copy()
        for column in range(1, equal.shape[1]):
            words += equal[:, column]
        if self.bins < 256:  # each byte of ``words`` is at most bins / 8, their sum at most bins
            matches: np.ndarray = (words * _BYTE_SUM) >> _U64(56)
            return matches
        return words.view(np.uint8).reshape(len(words), 8).sum(axis=1)
