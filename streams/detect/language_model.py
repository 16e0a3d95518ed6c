"""py3langid's language model scored with numpy: the same answer for every text, several times faster.

py3langid walks its byte automaton in a Python loop, ~0.4 µs a byte, and then reads the rows of the
text's features from a float16 table in column order: together most of a non-English article's
detection time. The automaton is an Aho-Corasick machine over byte n-grams of at most ``depth`` bytes, so
its state after a byte depends only on the last ``depth`` bytes: every position's state is found at
once by walking all windows of ``depth`` bytes in step. The features, their order, their counts and the
naive Bayes score are py3langid's, so the scores are bit-identical
(``tests/streams/detect/test_language_model.py`` compares them on real text in 75 languages).
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy
from numpy.typing import NDArray

# py3langid's score of a text with no feature in it (every class equal: its first class wins).
_FLOOR = float(numpy.finfo(numpy.float32).min)


class LanguageModel:
    """A py3langid ``LanguageIdentifier`` (its classes already chosen) as arrays; ``classify`` is its own."""

    def __init__(self, identifier: Any) -> None:
        self.classes: tuple[str, ...] = tuple(str(code) for code in identifier.nb_classes)
        # Row order and float32: the rows of a text's features are read at once, multiplied as float32.
        self._table = numpy.ascontiguousarray(identifier.nb_ptc, dtype=numpy.float32)
        self._prior = numpy.asarray(identifier.nb_pc)
        moves = identifier.tk_nextmove  # a stdlib array: shared, not copied (tens of MB)
        self._next: NDArray[Any] = numpy.frombuffer(moves, dtype=f"u{moves.itemsize}")
        self._row = numpy.asarray(identifier.tk_row, dtype=numpy.intp) << 8  # a state's row in ``_next``
        self._output = numpy.asarray(identifier.tk_output, dtype=numpy.intp)  # feature per state, or -1
        self._root = self._next[self._row[0] : self._row[0] + 256]
        self.depth = _depth(self._next, self._row)
        first: dict[str, int] = {}
        self._aliases = []  # (first column, later column) of a class listed twice (py3langid folds them)
        for column, code in enumerate(self.classes):
            if code in first:
                self._aliases.append((first[code], column))
            else:
                first[code] = column

    def scores(self, text: str) -> NDArray[numpy.float32]:
        """py3langid's raw score of each class for ``text`` (``LanguageIdentifier._decide``, unnormalised)."""
        if text.isupper():
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
        features = self._features(numpy.frombuffer(data, dtype=numpy.uint8))
        if features.size:
            rows, times = _counts(features)
            scores = numpy.log1p(times) @ self._table[rows] + self._prior
        else:
            scores = numpy.full(len(self.classes), _FLOOR, dtype=numpy.float32)
        for kept, folded in self._aliases:
            scores[kept] = max(scores[kept], scores[folded])
            scores[folded] = _FLOOR
        return scores

    def classify(self, text: str) -> str:
        """The class py3langid's ``classify`` names for ``text``."""
        return self.classes[int(self.scores(text).argmax())]

    def _features(self, data: NDArray[numpy.uint8]) -> NDArray[numpy.intp]:
        """The feature each byte of ``data`` ends, in order (bytes that end none left out)."""
        codes = data.astype(numpy.intp)
        size = len(codes)
        state = numpy.zeros(size, dtype=numpy.intp)
        # Step ``back``: every position ``i`` reads byte ``i - back`` (positions before it stay at the root).
        for back in range(min(self.depth, size) - 1, -1, -1):
            if back == self.depth - 1:
                state[back:] = self._root[codes[: size - back]]
            else:
                state[back:] = self._next[self._row[state[back:]] + codes[: size - back]]
        emitted = self._output[state]
        return emitted[emitted >= 0]


def _counts(features: NDArray[numpy.intp]) -> tuple[NDArray[numpy.intp], NDArray[numpy.float32]]:
    """Each distinct feature and how often it occurs, in order of first occurrence (py3langid's ``Counter``
    order, which fixes the order of the score's float sums)."""
    order = features.argsort()
    ordered = features[order]
    new = numpy.empty(len(ordered), dtype=bool)
    new[0] = True
    numpy.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = numpy.flatnonzero(new)  # where each run of one feature starts in ``ordered``
    firsts = numpy.minimum.reduceat(order, starts)  # each feature's first position in ``features``
    lengths = numpy.diff(starts, append=len(ordered)).astype(numpy.float32)
    by_first = firsts.argsort()
    return ordered[starts][by_first], lengths[by_first]


def _depth(moves: NDArray[Any], rows: NDArray[numpy.intp], batch: int = 4096) -> int:
    """The most bytes any state is from the root (breadth-first over every state's 256 moves)."""
    seen = numpy.zeros(len(rows), dtype=bool)
    seen[0] = True
    frontier = numpy.array([0], dtype=numpy.intp)
    depth = 0
    while True:
        reached = numpy.zeros(len(rows), dtype=bool)
        starts = numpy.unique(rows[frontier])  # states that share a row of moves share their successors
        for at in range(0, len(starts), batch):
            reached[moves[(starts[at : at + batch, None] + numpy.arange(256)).ravel()]] = True
        frontier = numpy.flatnonzero(reached & ~seen)
        if not frontier.size:
            return depth
        seen[frontier] = True
        depth += 1
