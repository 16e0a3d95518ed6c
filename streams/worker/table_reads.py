"""Read a Faust GlobalTable the way the article stage needs it: fast, and current with other workers.

- Reads go straight to the table's store, skipping Faust's per-key sensor hooks (a measurable share of
  the worker's CPU in the end-to-end benchmark). Writes and deletes go through the table, so they reach
  the changelog.
- Faust counts every partition of a GlobalTable as active, so it applies other workers' changelog
  records to the store only in batches of ``recovery_buffer_size`` (1,000) per partition, after handing
  each one to ``on_changelog_event``. The records handed over but not yet applied are kept here
  (``arrived``) and read first, so another worker's write is readable as soon as it arrives.
  (``recovery_buffer_size=1`` would do the same inside Faust, but then Faust also resumes reading the
  worker's own changelog partitions and feeds every own write back through the recovery loop: 0.25 ms of
  CPU per article with one worker, measured with ``bench/e2e_bench.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any, TypeVar

K = TypeVar("K", str, bytes)

# Records Faust may hold unapplied: at most its batch (1,000) per changelog partition; kept with headroom.
UNAPPLIED_PER_PARTITION = 4_000


class TableReads(MutableMapping[K, bytes]):
    """A Faust table read from its store plus the changelog records that arrived but are not applied."""

    __slots__ = ("_arrived", "_cap", "_table")

    def __init__(self, table: Any, partitions: int = 1) -> None:
        self._table = table
        self._arrived: dict[K, bytes | None] = {}  # newest last; None marks a deletion
        self._cap = UNAPPLIED_PER_PARTITION * max(1, partitions)

    def arrived(self, key: K, value: bytes | None) -> None:
        """Note a changelog record Faust handed over (``on_changelog_event``), applied or not."""
        arrived = self._arrived
        arrived.pop(key, None)
        arrived[key] = value
        if len(arrived) > self._cap:  # the oldest is long applied to the store by now
            del arrived[next(iter(arrived))]

    def _find(self, key: K) -> bytes | None:
        if key in self._arrived:
            return self._arrived[key]
        value: bytes | None = self._table.data.get(key)  # the store, not the table
        return value

    def __getitem__(self, key: K) -> bytes:
        value = self._find(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: K, default: Any = None) -> Any:
        value = self._find(key)
        return default if value is None else value

    def __contains__(self, key: object) -> bool:
        return self._find(key) is not None  # type: ignore[arg-type]

    def __setitem__(self, key: K, value: bytes) -> None:
        self._arrived.pop(key, None)  # our own write is the newest
        self._table[key] = value

    def __delitem__(self, key: K) -> None:
        in_store = key in self._table.data
        unapplied = self._arrived.pop(key, None)
        if in_store:
            del self._table[key]
        elif unapplied is None:
            raise KeyError(key)

    def _merged(self) -> dict[K, bytes]:
        merged: dict[K, bytes] = dict(self._table.data.items())
        for key, value in self._arrived.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return merged

    def __iter__(self) -> Iterator[K]:
        return iter(self._merged())

    def __len__(self) -> int:
        return len(self._merged()) if self._arrived else len(self._table.data)

    def items(self) -> Any:
        return self._merged().items()


def table_reads(table: Any, partitions: int = 1) -> Any:
    """``TableReads`` over a Faust table; plain mappings (tests, offline tools) are returned as they are."""
    return (
        TableReads(table, partitions)
        if hasattr(table, "data") and hasattr(table, "send_changelog")
        else table
    )
