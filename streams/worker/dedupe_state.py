"""Keep the dedupe index durable: fingerprints in a Faust table, the lookups rebuilt from it.

Only one record per unique article goes to Kafka (its compact fingerprint entry, in the
``dedupe-fingerprints`` table's changelog). The URL, content-hash and LSH band maps are derived state
kept in memory: rebuilt from the table after recovery or a rebalance, and kept current from the
table's changelog (entries other workers wrote or deleted), so a restart or a moved partition loses
nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping, Sequence
from datetime import datetime
from typing import Any

from streams.dedupe.index import DedupeDecision, DedupeIndex
from streams.records import Article
from streams.settings.dedupe import DedupeSettings

log = logging.getLogger(__name__)


class DirectReads(MutableMapping[str, bytes]):
    """A Faust table seen by the dedupe index: reads straight from its store, writes through the table.

    Every article reads a few fingerprint entries (the exact keys and its best LSH candidate); through the
    table each read also runs Faust's per-key sensor hooks, a measurable share of the worker's CPU in
    the end-to-end benchmark. Writes and deletes still go through the table, so they reach the changelog.
    Plain mappings (tests, offline tools) are used as they are.
    """

    __slots__ = ("_table",)

    def __init__(self, table: Any) -> None:
        self._table = table

    def __getitem__(self, key: str) -> bytes:
        value: bytes = self._table.data[key]  # the store (created on first use), not the table
        return value

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self._table.data[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return key in self._table.data

    def __setitem__(self, key: str, value: bytes) -> None:
        self._table[key] = value

    def __delitem__(self, key: str) -> None:
        del self._table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def items(self) -> Any:
        return self._table.items()


def _direct(table: MutableMapping[str, bytes]) -> MutableMapping[str, bytes]:
    return DirectReads(table) if hasattr(table, "data") and hasattr(table, "send_changelog") else table


class TableBackedDedupe:
    """A DedupeIndex whose remembered fingerprints live in a (Faust) table and lookups in memory."""

    def __init__(self, settings: DedupeSettings, table: MutableMapping[str, bytes]) -> None:
        self.index = DedupeIndex(settings, fingerprints=_direct(table))
        self.needs_restore = True

    def check_and_add(self, article: Article, now: datetime | None = None) -> DedupeDecision:
        if self.needs_restore:
            self.restore()
        return self.index.check_and_add(article, now)

    def check_and_add_batch(
        self, articles: Sequence[Article], now: datetime | None = None
    ) -> list[DedupeDecision]:
        """``DedupeIndex.check_and_add_batch``, restoring the lookups first if needed."""
        if self.needs_restore:
            self.restore()
        return self.index.check_and_add_batch(articles, now)

    def remember(self, key: str, value: bytes | None) -> None:
        """Apply one changelog record (a write or a deletion, another worker's or our own) to the lookups."""
        if self.needs_restore:
            return
        if value is None:
            self.index.unlink_entry(key)
        else:
            self.index.link_entry(key, value)

    def restore(self) -> int:
        """Rebuild the in-memory lookups from every fingerprint in the table."""
        self.needs_restore = False
        count = self.index.rebuild_lookups()
        log.info("dedupe lookups rebuilt from %d remembered articles", count, extra={"stage": "dedupe"})
        return count

    def evict_expired(self, now: datetime) -> int:
        return self.index.evict_expired(now)
