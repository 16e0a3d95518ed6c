"""The guarded HTTP client: every outbound fetch (feeds, article pages, ``explain URL``) goes through it.

Timeouts on connect, read and the whole request; a body cap counted after decompression while
streaming; conditional GET; 429/503 Retry-After surfaced as ``RetryLater``; redirects followed by hand
so every hop is re-validated by ``streams.net.guard``; and a resolver that refuses blocked addresses.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import aiohttp

from streams.errors import BlockedAddressError, FetchError
from streams.net.guard import BlockedResolution, GuardedResolver, check_url
from streams.settings.connectors import ConnectorSettings

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
CHUNK = 64 * 1024


class TooLargeError(FetchError):
    """The body exceeded the cap (checked while streaming, after decompression)."""


class FetchTimeoutError(FetchError):
    """Connect, read or total timeout."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class RetryLater(HTTPStatusError):
    """429 or 503: the server asked us to come back later (``retry_after`` seconds, if it said)."""

    def __init__(self, message: str, status: int, retry_after: float | None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


@dataclass(slots=True)
class FetchResult:
    """A completed fetch: final URL after redirects, status, body (empty on 304) and headers."""

    url: str
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    redirects: tuple[str, ...] = ()
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


class HttpClient:
    """One aiohttp session per SSRF policy; use as an async context manager or call ``close``."""

    def __init__(self, settings: ConnectorSettings) -> None:
        self.settings = settings
        self._sessions: dict[bool, aiohttp.ClientSession] = {}
        self._timeout = aiohttp.ClientTimeout(
            total=None,
            connect=settings.connect_timeout_seconds,
            sock_connect=settings.connect_timeout_seconds,
            sock_read=settings.read_timeout_seconds,
        )

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _session(self, allow_private: bool) -> aiohttp.ClientSession:
        session = self._sessions.get(allow_private)
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(allow_private),
                limit=self.settings.max_concurrent_fetches * 2,
                limit_per_host=0,
                ttl_dns_cache=300,
            )
            session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            self._sessions[allow_private] = session
        return session

    async def close(self) -> None:
        """Close the sessions (and their connection pools)."""
        for session in self._sessions.values():
            await session.close()
        self._sessions.clear()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        allow_private: bool = False,
        max_bytes: int | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET with the guard, conditional headers and caps; raises a FetchError subclass on failure."""
        allow = allow_private or self.settings.allow_private
        cap = max_bytes or self.settings.max_body_bytes
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.settings.total_timeout_seconds):
                return await self._follow(url, headers, allow, cap, started)
        except TimeoutError as exc:
            raise FetchTimeoutError(f"timed out fetching {url}") from exc

    async def _follow(
        self, url: str, headers: dict[str, str], allow: bool, cap: int, started: float
    ) -> FetchResult:
        session = self._session(allow)
        hops: list[str] = []
        current = url
        while True:
            check_url(current, allow)
            try:
                async with session.get(current, headers=headers, allow_redirects=False) as response:
                    if response.status in REDIRECT_STATUSES:
                        location = response.headers.get("Location")
                        if not location:
                            raise HTTPStatusError(f"{current}: redirect without Location", response.status)
                        if len(hops) >= self.settings.max_redirects:
                            raise FetchError(f"{url}: more than {self.settings.max_redirects} redirects")
                        hops.append(current)
                        current = urljoin(current, location)
                        continue
                    return await self._finish(response, current, hops, cap, started)
            except BlockedResolution as exc:
                raise BlockedAddressError(str(exc)) from exc
            except aiohttp.ClientConnectorError as exc:
                if isinstance(exc.os_error, BlockedResolution):
                    raise BlockedAddressError(str(exc.os_error)) from exc
                raise FetchError(f"cannot connect to {current}: {exc.os_error or exc}") from exc
            except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
                raise FetchTimeoutError(f"timed out fetching {current}") from exc
            except aiohttp.ClientError as exc:
                raise FetchError(f"fetching {current} failed: {exc}") from exc

    async def _finish(
        self, response: aiohttp.ClientResponse, url: str, hops: list[str], cap: int, started: float
    ) -> FetchResult:
        headers = {k.lower(): v for k, v in response.headers.items()}
        status = response.status
        if status == 304:
            return FetchResult(url, status, b"", headers, tuple(hops), time.monotonic() - started)
        if status in (429, 503):
            retry_after = parse_retry_after(headers.get("retry-after"))
            raise RetryLater(f"{url}: HTTP {status} (retry after {retry_after}s)", status, retry_after)
        if status >= 400:
            raise HTTPStatusError(f"{url}: HTTP {status}", status)
        declared = response.content_length
        if declared is not None and declared > cap:
            raise TooLargeError(f"{url}: Content-Length {declared} exceeds the {cap}-byte cap")
        body = await read_capped(response, cap, url)
        return FetchResult(url, status, body, headers, tuple(hops), time.monotonic() - started)


async def read_capped(response: aiohttp.ClientResponse, cap: int, url: str) -> bytes:
    """Read the (decompressed) body chunk by chunk, stopping as soon as it exceeds ``cap``."""
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.content.iter_chunked(CHUNK):
        total += len(chunk)
        if total > cap:
            response.close()
            raise TooLargeError(f"{url}: body exceeds the {cap}-byte cap")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_blocking(
    url: str,
    settings: ConnectorSettings,
    *,
    allow_private: bool = False,
    max_bytes: int | None = None,
    accept: str = "*/*",
) -> FetchResult:
    """One guarded GET from synchronous code (offline tools); must not be called inside an event loop."""

    async def once() -> FetchResult:
        async with HttpClient(settings) as client:
            return await client.fetch(url, allow_private=allow_private, max_bytes=max_bytes, accept=accept)

    return asyncio.run(once())
