"""Keys -> the newest few members filed under each, looked up for a whole batch of articles at once.

The copy check files each remembered article (a member, an int) under a dozen keys and looks up three
dozen keys per article. A dict of buckets costs a cold memory read per key in Python; here the entries
live in sorted numpy arrays, two levels like an LSM tree (a large base merged rarely, a small recent part
merged every batch), so a batch's keys are found with one ``searchsorted`` and the keys each (article,
member) pair shares are counted by sorting. Each entry has a number (in filing order) and a liveness
byte: a member forgotten, or pushed out of a full bucket, has its entries' bytes cleared.

A bucket holds the ``cap`` newest live entries filed under its key. Filing is deferred: entries filed
since the last batch was prepared wait in a small dict (``_waiting``) and are merged, full buckets
trimmed, when the next batch is prepared. Until then an article whose keys have waiting entries is
recounted from its prepared entries and the waiting ones; the others read their prepared counts, less
the members forgotten since. This equals filing at once because the only members forgotten between two
merges are the oldest ones (the passage cache is first in, first out), which a full bucket would have
let go first anyway; any other forgetting merges the waiting entries first (``unfile(settle=True)``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np

MEMBER_BITS = 40  # (article in batch << MEMBER_BITS) | member: pair codes, counted by sorting
RECENT_SHARE = 8  # the recent part is merged into the base once it holds an eighth of the base's entries
MIN_MERGE = 8192  # ... or this many, whichever is larger
SPARE_ENTRIES = 65536  # entry numbers tolerated beyond twice the live entries before renumbering
WAITING_LIMIT = 1 << 18  # waiting entries merged without a batch prepared (for callers that never prepare)
_NONE = np.empty(0, np.int64)


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article's place in the batch whose counts were prepared (stale once another batch is)."""

    batch: int
    position: int


class KeyIndex:
    """Each key holds its ``cap`` newest members; ``hits`` counts the keys a member shares with a list."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._member = array("q")  # entry number -> member
        self._alive = bytearray()  # entry number -> 1 while its bucket holds it
        self._span: dict[int, tuple[int, int]] = {}  # member -> (first entry number, entries)
        self._live = 0
        self._merged = 0  # entries numbered below this are in the arrays
        self._waiting_keys: list[int] = []  # keys of the entries numbered from ``_merged`` on
        self._waiting: dict[int, list[int]] = {}  # key -> its waiting entry numbers
        self._base = (_NONE, _NONE)  # (keys sorted, entry numbers)
        self._recent = (_NONE, _NONE)
        self._batch = 0  # the batch prepared last (``Prepared.batch``)
        self._strong: tuple[list[int], list[int], list[int]] = ([0], [], [])  # bounds, members, counts
        # bounds, keys, members, entry numbers
        self._raw: tuple[list[int], np.ndarray, np.ndarray, np.ndarray] = ([0], _NONE, _NONE, _NONE)

    # ----------------------------------------------------------------- changing

    def file(self, member: int, keys: Iterable[int]) -> None:
        """File a new ``member`` under ``keys`` (distinct); a full bucket lets its oldest member go."""
        if len(self._waiting_keys) > WAITING_LIMIT:
            self._settle()
        keys = list(keys)
        first = len(self._alive)
        self._alive.extend(b"\x01" * len(keys))
        self._member.extend(repeat(member, len(keys)))
        self._waiting_keys.extend(keys)
        self._span[member] = (first, len(keys))
        self._live += len(keys)
        waiting = self._waiting
        for entry, key in enumerate(keys, first):
            entries = waiting.get(key)
            if entries is None:
                waiting[key] = [entry]
            else:
                entries.append(entry)

    def unfile(self, member: int, *, oldest: bool = False) -> None:
        """Take ``member`` out of every bucket. ``oldest``: it is the oldest member filed (first in, first
        out), which waiting entries need not be merged for."""
        if member not in self._span:
            return
        if not oldest:
            self._settle()  # may renumber the entries
        first, count = self._span.pop(member)
        self._live -= self._alive.count(1, first, first + count)
        self._alive[first : first + count] = bytes(count)

    def _settle(self) -> None:
        """Merge the waiting entries now (the prepared counts go stale)."""
        if self._waiting_keys:
            self._merge()
            self._drop_prepared()

    def _drop_prepared(self) -> None:
        self._batch += 1
        self._strong = ([0], [], [])
        self._raw = ([0], _NONE, _NONE, _NONE)

    # ----------------------------------------------------------------- finding

    def hits(self, keys: Sequence[int], prepared: Prepared | None = None, least: int = 1) -> dict[int, int]:
        """The members sharing at least ``least`` of ``keys`` (distinct), with how many each shares.

        ``prepared``: the article's place in the batch ``prepare``d last (with this ``least``).
        """
        if prepared is None or prepared.batch != self._batch:
            found_keys, found_entries, _ = self._entries_of(np.array(keys, dtype=np.int64))
            member = np.frombuffer(self._member, dtype=np.int64)
            found_members = member[found_entries].tolist()
            del member
            return self._recount(keys, found_keys.tolist(), found_members, found_entries.tolist(), least)
        position = prepared.position
        bounds, members, counts = self._strong
        start, end = bounds[position], bounds[position + 1]
        waiting = self._waiting
        if waiting and not waiting.keys().isdisjoint(keys):
            if start == end:  # no member was strong: only members filed since can be (``_newcomers``)
                return self._newcomers(keys, least)
            bounds, raw_keys, raw_members, raw_entries = self._raw
            start, end = bounds[position], bounds[position + 1]
            return self._recount(
                keys,
                raw_keys[start:end].tolist(),
                raw_members[start:end].tolist(),
                raw_entries[start:end].tolist(),
                least,
            )
        if start == end:
            return {}
        span = self._span  # less the members forgotten since
        found = zip(members[start:end], counts[start:end], strict=True)
        return {member: count for member, count in found if member in span}

    def _newcomers(self, keys: Sequence[int], least: int) -> dict[int, int]:
        """The members filed since the batch was prepared sharing ``least`` of ``keys``: they hold the newest
        places of a bucket, and no member found then can have reached ``least`` (counts only fall)."""
        alive, owner, waiting, cap = self._alive, self._member, self._waiting, self.cap
        counts: dict[int, int] = {}
        for key in keys:
            entries = waiting.get(key)
            if entries is not None:
                for entry in [entry for entry in entries if alive[entry]][-cap:]:
                    member = owner[entry]
                    counts[member] = counts.get(member, 0) + 1
        return {member: count for member, count in counts.items() if count >= least}

    def _recount(
        self,
        keys: Sequence[int],
        found_keys: list[int],
        found_members: list[int],
        found_entries: list[int],
        least: int,
    ) -> dict[int, int]:
        """Counts from the merged entries found under ``keys`` (key, member, entry number; live when found)
        and the waiting ones. Under a key without waiting entries only forgetting a member ends an entry."""
        alive, owner, waiting, span = self._alive, self._member, self._waiting, self._span
        counts: dict[int, int] = {}
        merged: dict[int, list[int]] = {}
        for key, member, entry in zip(found_keys, found_members, found_entries, strict=True):
            if key not in waiting:
                counts[member] = counts.get(member, 0) + 1
            elif alive[entry]:
                merged.setdefault(key, []).append(entry)
        for key in keys:
            entries = waiting.get(key)
            if entries is not None:
                bucket = sorted(merged.get(key, ())) + [entry for entry in entries if alive[entry]]
                for entry in bucket[-self.cap :]:
                    member = owner[entry]
                    counts[member] = counts.get(member, 0) + 1
        return {member: count for member, count in counts.items() if count >= least and member in span}

    def prepare(self, keys: np.ndarray, owners: np.ndarray, least: Sequence[int]) -> list[Prepared]:
        """Count for a batch of articles the keys each member shares, in one vectorised pass over the index
        as it stands. ``keys``: every article's distinct keys, ``owners``: the article of each (ascending),
        ``least``: per article, the count below which a member is of no interest (see ``hits``)."""
        self._merge()
        self._drop_prepared()
        articles = len(least)
        owners = np.asarray(owners, dtype=np.int64)
        keys = np.asarray(keys, dtype=np.int64)
        order = np.argsort(keys, kind="stable")  # sorted needles: searchsorted walks the stored keys once
        found_keys, found_entries, found_owners = self._entries_of(keys[order], owners[order])
        member = np.frombuffer(self._member, dtype=np.int64)
        found_members = member[found_entries]
        del member  # a view: the buffer must be free to grow again
        codes = np.sort((found_owners << MEMBER_BITS) | found_members)
        # one code per (article, member, shared key): runs of equal codes count the shared keys
        if len(codes):
            starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
            counts = np.diff(np.append(starts, len(codes)))
            pairs = codes[starts]
        else:
            counts = pairs = _NONE
        article = pairs >> MEMBER_BITS
        strong = counts >= np.asarray(least, dtype=np.int64)[article]
        self._strong = (
            np.searchsorted(article[strong], np.arange(articles + 1)).tolist(),
            (pairs[strong] & ((1 << MEMBER_BITS) - 1)).tolist(),
            counts[strong].tolist(),
        )
        by_owner = np.argsort(found_owners, kind="stable")
        self._raw = (
            np.searchsorted(found_owners[by_owner], np.arange(articles + 1)).tolist(),
            found_keys[by_owner],
            found_members[by_owner],
            found_entries[by_owner],
        )
        return [Prepared(self._batch, position) for position in range(articles)]

    def _entries_of(
        self, keys: np.ndarray, owners: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(key, entry number, owner) of every live merged entry under one of ``keys`` (sorted for speed),
        the owner being the key's in ``owners`` (the keys' positions when None)."""
        if owners is None:
            owners = np.arange(len(keys), dtype=np.int64)
        alive = np.frombuffer(self._alive, dtype=np.uint8)
        parts = []
        for stored, entries in (self._base, self._recent):
            if not len(stored) or not len(keys):
                continue
            low = np.searchsorted(stored, keys, side="left")
            sizes = np.searchsorted(stored, keys, side="right") - low
            total = int(sizes.sum())
            if not total:
                continue
            # positions low..high-1 of every key, in one array: a running index shifted per key
            at = entries[np.arange(total) + np.repeat(low - (np.cumsum(sizes) - sizes), sizes)]
            live = alive[at].view(bool)
            parts.append((np.repeat(keys, sizes)[live], at[live], np.repeat(owners, sizes)[live]))
        del alive  # a view: the buffer must be free to grow again
        if not parts:
            return _NONE, _NONE, _NONE
        if len(parts) == 1:
            return parts[0]
        return tuple(np.concatenate([part[column] for part in parts]) for column in range(3))  # type: ignore[return-value]

    # ----------------------------------------------------------------- merging

    def _merge(self) -> None:
        """Put the waiting entries into the recent arrays, let full buckets' oldest go, and merge the recent
        part into the base (or renumber) when due."""
        if self._waiting_keys:
            new_keys = np.array(self._waiting_keys, dtype=np.int64)
            new_entries = np.arange(self._merged, len(self._alive), dtype=np.int64)
            self._trim(new_keys, new_entries)
            order = np.argsort(new_keys, kind="stable")
            self._recent = _merged(self._recent, (new_keys[order], new_entries[order]))
            self._waiting_keys, self._waiting = [], {}
            self._merged = len(self._alive)
        if len(self._alive) > 2 * self._live + SPARE_ENTRIES:
            self._renumber()
        elif len(self._recent[0]) > max(MIN_MERGE, len(self._base[0]) // RECENT_SHARE):
            base = _merged(self._base, self._recent)
            alive = np.frombuffer(self._alive, dtype=np.uint8)
            live = alive[base[1]].view(bool)
            del alive
            self._base = (base[0][live], base[1][live])
            self._recent = (_NONE, _NONE)

    def _trim(self, new_keys: np.ndarray, new_entries: np.ndarray) -> None:
        """Keep the ``cap`` newest live entries under each key the waiting entries were filed under."""
        old_keys, old_entries, _ = self._entries_of(_distinct(new_keys))
        alive = np.frombuffer(self._alive, dtype=np.uint8)
        waiting_live = alive[new_entries].view(bool)
        keys = np.concatenate((old_keys, new_keys[waiting_live]))
        entries = np.concatenate((old_entries, new_entries[waiting_live]))
        order = np.lexsort((entries, keys))  # by key, then filing order
        keys, entries = keys[order], entries[order]
        newer = (
            np.searchsorted(keys, keys, side="right") - np.arange(len(keys)) - 1
        )  # entries after, same key
        let_go = entries[newer >= self.cap]
        alive[let_go] = 0
        del alive
        self._live -= len(let_go)

    def _renumber(self) -> None:
        """Number the live entries 0..n-1 again (dead ones only pile up) and rebuild the arrays."""
        alive = np.frombuffer(self._alive, dtype=np.uint8).view(bool).copy()
        before = np.concatenate(([0], np.cumsum(alive)))  # live entries before each number
        members = list(self._span)
        spans = np.array([self._span[member] for member in members], dtype=np.int64).reshape(-1, 2)
        firsts = before[spans[:, 0]]
        lasts = before[spans[:, 0] + spans[:, 1]]
        self._span = dict(
            zip(members, zip(firsts.tolist(), (lasts - firsts).tolist(), strict=True), strict=True)
        )
        self._member = array("q", np.frombuffer(self._member, dtype=np.int64)[alive].tobytes())
        keys, entries = _merged(self._base, self._recent)
        live = alive[entries]
        self._base = (keys[live], before[entries[live]])
        self._recent = (_NONE, _NONE)
        self._alive = bytearray(b"\x01" * int(alive.sum()))
        self._live = self._merged = len(self._alive)

    def entries(self) -> int:
        """Entries held in the buckets."""
        self._settle()
        return self._live


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (by sorting: numpy's hash-based unique is slower at these sizes)."""
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _merged(
    into: tuple[np.ndarray, np.ndarray], more: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Two key-sorted (keys, entries) arrays as one, in linear time (``more`` slotted into ``into``)."""
    if not len(into[0]):
        return more
    if not len(more[0]):
        return into
    at = np.searchsorted(into[0], more[0])
    return np.insert(into[0], at, more[0]), np.insert(into[1], at, more[1])
