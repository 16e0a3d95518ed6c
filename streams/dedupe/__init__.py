"""Deduplication: exact URL/content layers and containment-aware near-duplicates over LSH.

Pure core (no Faust, no Kafka): ``normalize``, ``signature``, ``verify`` and ``index`` decide; the
worker injects Faust tables as the index's stores. Design and tuning: docs/dedupe.md.
"""

from __future__ import annotations

from streams.dedupe.index import DedupeDecision, DedupeIndex
from streams.dedupe.signature import Fingerprint, fingerprint

__all__ = ["DedupeDecision", "DedupeIndex", "Fingerprint", "fingerprint"]
