"""Deduplication: exact URL/content layers and containment-aware near-duplicates over LSH.

Pure core (no Faust, no Kafka): ``normalize``, ``signature``, ``verify`` and ``index`` decide,
``batch``, ``candidates``, ``estimates`` and ``lookups`` make it fast over batches; the worker injects a
Faust table as the index's fingerprint store. Design and tuning: docs/dedupe.md.
"""

from __future__ import annotations

from streams.dedupe.index import DedupeDecision, DedupeIndex
from streams.dedupe.signature import Fingerprint, fingerprint

__all__ = ["DedupeDecision", "DedupeIndex", "Fingerprint", "fingerprint"]
