"""The connectors' view of the guarded HTTP client (feedparser never fetches anything itself).

The client and the SSRF address policy live in ``streams.net`` so that offline tools (``explain URL``)
fetch through the same guard; this module only re-exports what the connectors use.
"""

from __future__ import annotations

from streams.net.client import (
    FetchResult,
    FetchTimeoutError,
    HttpClient,
    HTTPStatusError,
    RetryLater,
    TooLargeError,
)

__all__ = [
    "FetchResult",
    "FetchTimeoutError",
    "HTTPStatusError",
    "HttpClient",
    "RetryLater",
    "TooLargeError",
]
