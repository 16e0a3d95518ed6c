"""Keep the dedupe index durable: fingerprints in a Faust table, the lookups rebuilt from it.

Only one record per unique article goes to Kafka (its compact fingerprint entry, in the
``dedupe-fingerprints`` table's changelog). The URL, content-hash and LSH band maps are derived state
kept in memory: rebuilt from the table after recovery or a rebalance, and kept current from the
table's changelog (entries other workers wrote), so a restart or a moved partition loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from datetime import datetime

from streams.dedupe.index import DedupeDecision, DedupeIndex
from streams.records import Article
from streams.settings.dedupe import DedupeSettings

log = logging.getLogger(__name__)


class TableBackedDedupe:
    """A DedupeIndex whose remembered fingerprints live in a (Faust) table and lookups in memory."""

    def __init__(self, settings: DedupeSettings, table: MutableMapping[str, bytes]) -> None:
        self.index = DedupeIndex(settings, fingerprints=table)
        self.needs_restore = True

    def check_and_add(self, article: Article, now: datetime | None = None) -> DedupeDecision:
        if self.needs_restore:
            self.restore()
        return self.index.check_and_add(article, now)

    def remember(self, key: str, value: bytes | None) -> None:
        """Apply one changelog record (another worker's write) to the in-memory lookups."""
        if value is not None and not self.needs_restore:
            self.index.link_entry(key, value)

    def restore(self) -> int:
        """Rebuild the in-memory lookups from every fingerprint in the table."""
        self.needs_restore = False
        count = self.index.rebuild_lookups()
        log.info("dedupe lookups rebuilt from %d remembered articles", count, extra={"stage": "dedupe"})
        return count

    def evict_expired(self, now: datetime) -> int:
        return self.index.evict_expired(now)
