"""The in-memory lookups that find remembered articles, derived from the fingerprint table.

Only the fingerprint table is state; everything here is rebuilt from it (``DedupeIndex.rebuild_lookups``)
and kept in step with it: the index links what it writes and forgets what it evicts, and a worker
applies the table's changelog (``link_entry`` / ``unlink_entry``). Each remembered article gets a
slot, a small int the maps below name it by:

- ``urls``: URL or content digest (``keys.url_lookup`` / ``content_lookup``) -> slot
- ``bands``: LSH bucket (``keys.band_lookups``) -> up to ``band_bucket_cap`` slots, newest last, packed
  as 4-byte ints in one ``bytes`` (compact, invisible to the garbage collector, read by numpy at once)
- ``keys`` (slot -> fingerprint-table key, ``None`` once forgotten) and ``slot_of`` (the reverse)
- ``live``, ``published``, ``counts``, ``sketches``: per slot, what the signature estimate needs, so a
  window of candidates is estimated with numpy gathers instead of one table read each.

A forgotten slot is not reused until ``compact`` renumbers the live ones: a lookup left pointing at
it (a changelog deletion does not say which lookups the entry had) finds it dead.
"""

from __future__ import annotations

import sys

import numpy as np

from streams.dedupe.keys import Remembered, band_lookups, content_lookup, url_lookup
from streams.dedupe.signature import Fingerprint
from streams.settings.dedupe import DedupeSettings

SLOT_BYTES = 4
SLOT_DTYPE = np.dtype(np.uint32)  # native order, as ``packed`` writes them
_FIRST_CAPACITY = 1024


def packed(slot: int) -> bytes:
    """A slot as a bucket member."""
    return slot.to_bytes(SLOT_BYTES, sys.byteorder)


def unpacked(bucket: bytes) -> list[int]:
    """The slots of a bucket, in order."""
    return memoryview(bucket).cast("I").tolist()


def _holds(bucket: bytes, member: bytes) -> bool:
    """Whether ``member`` is one of the aligned members of ``bucket``."""
    position = bucket.find(member)
    while position != -1:
        if position % SLOT_BYTES == 0:
            return True
        position = bucket.find(member, position + 1)
    return False


class Lookups:
    """Exact-layer and LSH maps from digests and band values to slots, and the slots' estimate fields."""

    def __init__(self, settings: DedupeSettings) -> None:
        assert memoryview(b"").cast("I").itemsize == SLOT_BYTES
        self.min_shingles = settings.min_shingles
        self.bucket_bytes = settings.band_bucket_cap * SLOT_BYTES
        self.bins = settings.signature_bins
        self.urls: dict[int, int] = {}
        self.bands: dict[int, bytes] = {}
        self.slot_of: dict[str, int] = {}
        self.keys: list[str | None] = []
        self.dead = 0
        self.live = np.zeros(0, dtype=bool)
        self.published = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)
        self._store = bytearray()
        self.sketches = np.zeros((0, self.bins), dtype=np.uint8)
        self._resize(_FIRST_CAPACITY)

    def _resize(self, capacity: int) -> None:
        used = len(self.keys)
        live = np.zeros(capacity, dtype=bool)
        published, counts = np.zeros(capacity, dtype=np.int64), np.zeros(capacity, dtype=np.int64)
        store = bytearray(capacity * self.bins)
        if used:
            live[:used], published[:used], counts[:used] = (
                self.live[:used],
                self.published[:used],
                self.counts[:used],
            )
            store[: used * self.bins] = self._store[: used * self.bins]
        self.live, self.published, self.counts, self._store = live, published, counts, store
        self.sketches = np.frombuffer(store, dtype=np.uint8).reshape(capacity, self.bins)

    def link(self, key: str, fp: Fingerprint, url_digest: int, lookups: list[int] | None = None) -> int:
        """Point the exact lookups and LSH buckets of ``fp`` at the slot of ``key``; returns the slot."""
        slot = self.slot_of.get(key)
        if slot is None:
            slot = len(self.keys)
            if slot == len(self.live):
                self._resize(2 * slot)
            self.keys.append(key)
            self.slot_of[key] = slot
            self.live[slot] = True
        self.published[slot], self.counts[slot] = fp.published, fp.shingle_count
        self._store[slot * self.bins : (slot + 1) * self.bins] = fp.sketch
        if url_digest:
            self.urls[url_lookup(url_digest)] = slot
        self.urls[content_lookup(fp.content_hash)] = slot
        if fp.shingle_count < self.min_shingles:
            return slot
        bands, member, cap = self.bands, packed(slot), self.bucket_bytes
        for lookup in band_lookups(fp) if lookups is None else lookups:
            bucket = bands.get(lookup)
            if not bucket:
                bands[lookup] = member
            elif member not in bucket or not _holds(bucket, member):  # the first test is the quick one
                bands[lookup] = (bucket + member)[-cap:]
        return slot

    def forget(self, key: str, found: Remembered | None = None) -> None:
        """Mark ``key``'s slot dead and, when its entry is known, remove the lookups it had."""
        slot = self.slot_of.pop(key, None)
        if slot is None:
            return
        self.keys[slot] = None
        self.live[slot] = False
        self.dead += 1
        if found is None:
            return
        fp = found.fingerprint
        exact = [content_lookup(fp.content_hash)] + ([url_lookup(found.url_hash)] if found.url_hash else [])
        for lookup in exact:
            if self.urls.get(lookup) == slot:
                del self.urls[lookup]
        for lookup in band_lookups(fp):
            bucket = self.bands.get(lookup)
            if bucket is not None and slot in unpacked(bucket):
                kept = b"".join(packed(other) for other in unpacked(bucket) if other != slot)
                if kept:
                    self.bands[lookup] = kept
                else:
                    del self.bands[lookup]

    def compact(self) -> None:
        """Renumber the live slots from 0, dropping dead ones from every lookup (order is kept)."""
        live = np.flatnonzero(self.live[: len(self.keys)])
        renumber = np.full(len(self.keys) + 1, -1, dtype=np.int64)
        renumber[live] = np.arange(len(live))
        numbers = renumber.tolist()
        self.urls = {lookup: numbers[slot] for lookup, slot in self.urls.items() if numbers[slot] >= 0}
        lookups = list(self.bands)
        buckets = [self.bands[lookup] for lookup in lookups]
        members = renumber[np.frombuffer(b"".join(buckets), dtype=SLOT_DTYPE)]
        owner = np.repeat(np.arange(len(buckets)), [len(bucket) // SLOT_BYTES for bucket in buckets])
        kept = members >= 0
        ends = np.cumsum(np.bincount(owner[kept], minlength=len(buckets))).tolist()
        data = members[kept].astype(SLOT_DTYPE).tobytes()
        self.bands = {}
        start = 0
        for lookup, end in zip(lookups, ends, strict=True):
            if end > start:
                self.bands[lookup] = data[start * SLOT_BYTES : end * SLOT_BYTES]
            start = end
        published, counts, sketches = self.published[live], self.counts[live], self.sketches[live]
        self.keys = [self.keys[slot] for slot in live.tolist()]
        self.slot_of = {key: slot for slot, key in enumerate(self.keys) if key is not None}
        self.dead = 0
        self._resize(max(_FIRST_CAPACITY, 2 * len(live)))
        self.live[: len(live)] = True
        self.published[: len(live)], self.counts[: len(live)] = published, counts
        self.sketches[: len(live)] = sketches

    def clear(self) -> None:
        self.urls.clear()
        self.bands.clear()
        self.slot_of.clear()
        self.keys.clear()
        self.live[:] = False
        self.dead = 0
