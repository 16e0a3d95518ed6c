"""The batched key index (``key_index.py``) answers as the plain buckets it replaced, call by call."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from streams.dedupe import key_index
from streams.dedupe.key_index import KeyIndex


class PlainBuckets:
    """The reference: a dict of member lists, newest last, the oldest let go when a bucket is full."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.buckets: dict[int, list[int]] = {}

    def file(self, member: int, keys: list[int]) -> None:
        for key in keys:
            bucket = self.buckets.setdefault(key, [])
            bucket.append(member)
            if len(bucket) > self.cap:
                del bucket[0]

    def unfile(self, member: int) -> None:
        for key in list(self.buckets):
            bucket = self.buckets[key]
            if member in bucket:
                bucket.remove(member)
            if not bucket:
                del self.buckets[key]

    def hits(self, keys: list[int], least: int) -> dict[int, int]:
        found = Counter(member for key in keys for member in self.buckets.get(key, ()))
        return {member: count for member, count in found.items() if count >= least}

    def entries(self) -> int:
        return sum(map(len, self.buckets.values()))


def _prepare(index: KeyIndex, lists: list[list[int]], least: list[int]) -> list[key_index.Prepared]:
    keys = np.array([key for keys in lists for key in keys], dtype=np.int64)
    owners = np.array([place for place, keys in enumerate(lists) for _ in keys], dtype=np.int64)
    return index.prepare(keys, owners, least)


@pytest.fixture(params=[False, True], ids=["default", "small-arrays"])
def small_arrays(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """With tiny merge and renumbering thresholds every path of the arrays runs many times."""
    if request.param:
        monkeypatch.setattr(key_index, "MIN_MERGE", 8)
        monkeypatch.setattr(key_index, "SPARE_ENTRIES", 16)
        monkeypatch.setattr(key_index, "WAITING_LIMIT", 64)
    return bool(request.param)


@pytest.mark.parametrize("seed", range(6))
def test_batches_answer_as_plain_buckets_call_by_call(seed: int, small_arrays: bool) -> None:
    """Batches prepared at once, articles remembered between lookups (found by the later ones of the same
    batch), the oldest forgotten for room, others forgotten at random: every lookup equals the reference."""
    rng = random.Random(seed)
    cap, capacity, universe = 2, 40, 120
    index, plain = KeyIndex(cap), PlainBuckets(cap)
    kept: list[int] = []  # members in filing order (first in, first out)
    number = 0
    for _ in range(30):
        size = rng.choice((0, 1, 5, 30))
        lists = [rng.sample(range(universe), rng.randint(0, 12)) for _ in range(size)]
        least = [rng.randint(1, 3) for _ in lists]
        places = _prepare(index, lists, least)
        for keys, place, wanted in zip(lists, places, least, strict=True):
            assert index.hits(keys, place, wanted) == plain.hits(keys, wanted)
            if rng.random() < 0.7:  # remembered: found by the later articles of the batch
                number += 1
                filed = keys[:6] if rng.random() < 0.8 else rng.sample(range(universe), 6)
                index.file(number, filed)
                plain.file(number, filed)
                kept.append(number)
                while len(kept) > capacity:
                    oldest = kept.pop(0)
                    index.unfile(oldest, oldest=True)
                    plain.unfile(oldest)
        if kept and rng.random() < 0.3:  # forgotten out of order (expiry, another worker's tombstone)
            member = kept.pop(rng.randrange(len(kept)))
            index.unfile(member)
            plain.unfile(member)
        probe = rng.sample(range(universe), 10)
        assert index.hits(probe, None, 1) == plain.hits(probe, 1)  # unprepared: counted as it stands
        assert index.entries() == plain.entries()


def test_an_article_finds_one_remembered_earlier_in_its_batch() -> None:
    index = KeyIndex(2)
    first, second = _prepare(index, [[1, 2, 3], [1, 2, 9]], [2, 2])
    assert index.hits([1, 2, 3], first, 2) == {}
    index.file(7, [1, 2, 3])
    assert index.hits([1, 2, 9], second, 2) == {7: 2}


def test_a_full_bucket_lets_its_oldest_go_within_a_batch() -> None:
    index = KeyIndex(2)
    index.file(1, [5, 6])
    (place,) = _prepare(index, [[5, 6]], [2])
    index.file(2, [5])
    index.file(3, [5])  # bucket 5 now holds 2 and 3: member 1 keeps only key 6
    assert index.hits([5, 6], place, 2) == {}
    assert index.hits([5, 6], place, 1) == {1: 1, 2: 1, 3: 1}


def test_forgotten_members_are_not_found_and_buckets_do_not_refill() -> None:
    index, plain = KeyIndex(2), PlainBuckets(2)
    for member in (1, 2, 3):  # bucket 4 keeps 2 and 3
        index.file(member, [4])
        plain.file(member, [4])
    (place,) = _prepare(index, [[4]], [1])
    index.unfile(3)
    plain.unfile(3)
    assert index.hits([4], place, 1) == plain.hits([4], 1) == {2: 1}  # 1 does not come back
    assert index.entries() == 1


def test_empty_and_huge_batches() -> None:
    index = KeyIndex(2)
    assert _prepare(index, [], []) == []
    assert [index.hits([], place, 1) for place in _prepare(index, [[], []], [1, 1])] == [{}, {}]
    rng = np.random.default_rng(3)
    for member in range(5000):
        index.file(member, rng.choice(50_000, 12, replace=False).tolist())
    lists = [rng.choice(50_000, 36, replace=False).tolist() for _ in range(3000)]
    places = _prepare(index, lists, [1] * len(lists))
    assert [index.hits(keys, place, 1) for keys, place in zip(lists, places, strict=True)] == [
        index.hits(keys, None, 1) for keys in lists
    ]


def test_a_stale_place_counts_from_the_index_as_it_stands() -> None:
    index = KeyIndex(2)
    (old,) = _prepare(index, [[1, 2]], [1])
    index.file(1, [1, 2])
    _prepare(index, [[3]], [1])  # another batch: the first one's counts are gone
    assert index.hits([1, 2], old, 2) == {1: 2}


def test_large_keys_without_spaces_are_kept_apart() -> None:
    """Sentence anchors are 64-bit hashes, negative ones too."""
    index = KeyIndex(2)
    keys = [-(2**63), -1, 2**62 + 5, 2**63 - 1]
    index.file(1, keys)
    (place,) = _prepare(index, [keys], [4])
    assert index.hits(keys, place, 4) == {1: 4} == index.hits(keys, None, 4)
