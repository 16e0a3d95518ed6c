"""LSH candidate ranking: the remembered articles sharing buckets with a probe, most shared bands first.

A probe's members are the contents of its band buckets, one after the other (a remembered article
appears once per band it shares); its candidates are the distinct members ordered by how many bands
they share, then by first appearance, cut at ``max_candidates``. ``rank`` does this for one probe in
Python, ``rank_many`` for many probes in one vectorised pass; they agree exactly (a test checks).
Members are slots (``lookups.py``), below 2**32.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from streams.dedupe.lookups import SLOT_BYTES, SLOT_DTYPE

_VOTE_BITS = 8  # a member shares at most lsh_bands (<= 64) bands
_MAX_VOTES = (1 << _VOTE_BITS) - 1


def members(buckets: Mapping[int, bytes], lookups: Sequence[int]) -> bytes:
    """The contents of a probe's buckets, one after the other (packed slots)."""
    return b"".join(filter(None, map(buckets.get, lookups)))


def rank(found: list[int], limit: int) -> list[int]:
    """The distinct members, most frequent first, then in order of first appearance; at most ``limit``."""
    ranked = list(dict.fromkeys(found))
    if len(ranked) < len(found):  # some share several bands: rank by votes, a stable sort
        votes = dict.fromkeys(ranked, 0)
        for slot in found:
            votes[slot] += 1
        ranked.sort(key=votes.__getitem__, reverse=True)
    return ranked[:limit]


def rank_many(found: Sequence[bytes], limit: int) -> tuple[np.ndarray, np.ndarray]:
    """``rank`` of many probes' members (``members``) at once: (probe number, slot) of each kept candidate.

    The candidates come probe after probe, each probe's in rank order. Two sorts of packed int64
    keys do it: (probe, slot, position) groups the members, (probe, fewer votes, first position)
    ranks the groups; a group's slot is read back from its first position.
    """
    slots = np.frombuffer(b"".join(found), dtype=SLOT_DTYPE)
    total = len(slots)
    if not total:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    position_bits = max(1, (total - 1).bit_length())
    slot_bits = max(1, int(slots.max()).bit_length())
    probe_bits = max(1, (len(found) - 1).bit_length())
    if probe_bits + max(slot_bits, _VOTE_BITS) + position_bits > 63:
        raise ValueError("too many members for one call")
    positions = np.arange(total)
    probe = np.repeat(np.arange(len(found), dtype=np.int64), [len(packed) // SLOT_BYTES for packed in found])
    grouped = np.sort((((probe << slot_bits) | slots) << position_bits) | positions)
    group = grouped >> position_bits
    first = np.empty(total, dtype=bool)
    first[0] = True
    np.not_equal(group[1:], group[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    votes = np.empty(len(starts), dtype=np.int64)
    votes[:-1] = starts[1:] - starts[:-1]
    votes[-1] = total - starts[-1]
    position_mask = (1 << position_bits) - 1
    seen = grouped[starts] & position_mask  # a group's first position: the sort kept positions in order
    owner = group[starts] >> slot_bits
    ranked = np.sort((((owner << _VOTE_BITS) | (_MAX_VOTES - votes)) << position_bits) | seen)
    ranked_probe = ranked >> (_VOTE_BITS + position_bits)
    first_of_probe = np.searchsorted(ranked_probe, np.arange(len(found)))
    kept = ranked[positions[: len(ranked)] - first_of_probe[ranked_probe] < limit]
    return kept >> (_VOTE_BITS + position_bits), slots[kept & position_mask].astype(np.int64)
