"""Candidate verification with rapidfuzz: order-aware containment over shingle sequences.

Each article's text is kept as its shingle sequence coded one character per shingle (a 2-byte BMP
code point), so rapidfuzz's bit-parallel LCS runs over a few hundred symbols instead of thousands of
characters, and unrelated texts score near 0 (they share almost no 5-word shingles) while a copy
with chrome, a cut or a dropped paragraph scores near 1.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from rapidfuzz.distance import LCSseq

_CODE_BASE = 0x100  # codes 0x100..0x80FF: below the surrogates, so every code is one UCS-2 character


def shingle_code(shingles: np.ndarray) -> str:
    """The shingle sequence as a string, one BMP character (15-bit code) per shingle; clashes are harmless."""
    if not len(shingles):
        return ""
    codes = (shingles >> np.uint64(49)).astype(np.uint16)  # top 15 bits of each shingle hash
    codes += _CODE_BASE
    return codes.tobytes().decode("utf-16-le")


def containment(code_a: str, code_b: str) -> float:
    """Longest common shingle subsequence over the shorter sequence's length: 1.0 = fully contained."""
    shorter = min(len(code_a), len(code_b))
    if shorter == 0:
        return 0.0
    return float(LCSseq.similarity(code_a, code_b)) / shorter


class TextCache:
    """A bounded LRU of recent articles' shingle codes, keyed by fingerprint-table key."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, str] = OrderedDict()

    def get(self, key: str) -> str | None:
        code = self._items.get(key)
        if code is not None:
            self._items.move_to_end(key)
        return code

    def peek(self, key: str) -> str | None:
        """The code without marking it recently used (a look that decides nothing about keeping it)."""
        return self._items.get(key)

    def put(self, key: str, code: str) -> None:
        if self.capacity <= 0:
            return
        self._items[key] = code
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def discard(self, key: str) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
