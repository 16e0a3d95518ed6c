"""Canonical article URLs for the connectors: the one definition is ``streams.dedupe.urls``."""

from __future__ import annotations

from streams.dedupe.urls import (
    DEFAULT_PORTS,
    TRACKING_PARAMS,
    TRACKING_PREFIXES,
    canonical_host,
    canonical_url,
    host_of,
    is_tracking_param,
)

__all__ = [
    "DEFAULT_PORTS",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "canonical_host",
    "canonical_url",
    "host_of",
    "is_tracking_param",
]
