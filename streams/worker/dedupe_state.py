"""Keep the dedupe index durable: fingerprints in a Faust table, the lookups rebuilt from it.

Only one record per unique article goes to Kafka (its compact fingerprint entry, in the
``dedupe-fingerprints`` table's changelog). The URL, content-hash and LSH band maps are derived state
kept in memory: rebuilt from the table after recovery or a rebalance, and kept current from the
table's changelog (entries other workers wrote or deleted), so a restart or a moved partition loses
nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import MutableMapping, Sequence
from datetime import datetime

from streams.dedupe import metrics as dedupe_metrics
from streams.dedupe.index import DedupeDecision, DedupeIndex
from streams.records import Article
from streams.settings.dedupe import DedupeSettings
from streams.worker.table_reads import TableReads, table_reads

log = logging.getLogger(__name__)

# Races between workers are logged at most this often (a backlog burst can make thousands).
RACE_LOG_SECONDS = 60.0


class TableBackedDedupe:
    """A DedupeIndex whose remembered fingerprints live in a (Faust) table and lookups in memory."""

    def __init__(
        self, settings: DedupeSettings, table: MutableMapping[str, bytes], partitions: int = 1
    ) -> None:
        self.reads = table_reads(table, partitions)
        self.index = DedupeIndex(settings, fingerprints=self.reads)
        self.needs_restore = True
        self._raced, self._raced_logged = 0, -RACE_LOG_SECONDS

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

    def remember(self, key: str, value: bytes | None, written_at: float | None = None) -> None:
        """Apply one changelog record (a write or a deletion, another worker's or our own) to the lookups.

        ``written_at``: the record's Kafka timestamp (epoch seconds), for the changelog lag metric.
        """
        if written_at:
            dedupe_metrics.CHANGELOG_LAG.observe(max(0.0, time.time() - written_at))
        if isinstance(self.reads, TableReads):
            self.reads.arrived(key, value)  # readable now, before Faust applies it to the table
        if self.needs_restore:
            return  # the rebuild reads it from the table
        if value is None:
            self.index.unlink_entry(key)
            return
        clash = self.index.link_entry(key, value)
        if clash is not None:
            dedupe_metrics.CROSS_WORKER_DUPLICATES.labels(layer=clash).inc()
            self._raced += 1
            if time.monotonic() - self._raced_logged >= RACE_LOG_SECONDS:
                log.warning(
                    "%d duplicate(s) kept by two workers deciding at once since the last report (%s last); "
                    "see newswatch_dedupe_cross_worker_duplicates_total",
                    self._raced,
                    clash,
                    extra={"stage": "dedupe"},
                )
                self._raced, self._raced_logged = 0, time.monotonic()

    def restore(self) -> int:
        """Rebuild the in-memory lookups from every fingerprint in the table."""
        self.needs_restore = False
        count = self.index.rebuild_lookups()
        log.info("dedupe lookups rebuilt from %d remembered articles", count, extra={"stage": "dedupe"})
        return count

    def evict_expired(self, now: datetime) -> int:
        return self.index.evict_expired(now)
