"""The safe HTTP client against real local servers: caps, timeouts, conditional GET, Retry-After, SSRF."""

from __future__ import annotations

import asyncio
import gzip
import time

import pytest
from aiohttp import web

from connectors.http import FetchTimeoutError, HttpClient, RetryLater, TooLargeError
from streams.errors import BlockedAddressError, FetchError
from streams.net.client import parse_retry_after
from streams.net.guard import blocked_reason, check_url, parse_ip
from streams.settings.connectors import ConnectorSettings


def cfg(**overrides: object) -> ConnectorSettings:
    return ConnectorSettings.model_validate(overrides)


async def test_private_address_refused_by_default(feed_server) -> None:  # type: ignore[no-untyped-def]
    url = feed_server.static("/feed", "<rss/>")
    async with HttpClient(cfg()) as client:
        with pytest.raises(BlockedAddressError, match="loopback"):
            await client.fetch(url)
        result = await client.fetch(url, allow_private=True)
    assert result.status == 200 and result.body == b"<rss/>"
    assert feed_server.hits["/feed"] == 1  # the refused fetch never connected


async def test_localhost_name_refused_by_resolver(feed_server) -> None:  # type: ignore[no-untyped-def]
    feed_server.static("/feed", "<rss/>")
    async with HttpClient(cfg()) as client:
        with pytest.raises(BlockedAddressError):
            await client.fetch(f"http://localhost:{feed_server.port}/feed")
    assert "/feed" not in feed_server.hits


async def test_redirect_to_metadata_refused(feed_server) -> None:  # type: ignore[no-untyped-def]
    async def hop(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    url = feed_server.add("/r", hop)
    async with HttpClient(cfg()) as client:
        with pytest.raises(BlockedAddressError, match="metadata"):
            await client.fetch(url, allow_private=True)  # even a feed allowed onto private networks


async def test_redirect_chain_followed_and_revalidated(feed_server) -> None:  # type: ignore[no-untyped-def]
    final = feed_server.static("/final", "<rss/>")

    async def hop(request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("/final")

    url = feed_server.add("/start", hop)
    async with HttpClient(cfg()) as client:
        result = await client.fetch(url, allow_private=True)
        assert result.url == final and result.redirects == (url,)

        async def to_file(request: web.Request) -> web.StreamResponse:
            raise web.HTTPFound("file:///etc/passwd")

        with pytest.raises(BlockedAddressError, match="scheme"):
            await client.fetch(feed_server.add("/file", to_file), allow_private=True)


async def test_redirect_loop_bounded(feed_server) -> None:  # type: ignore[no-untyped-def]
    async def loop(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/loop")

    url = feed_server.add("/loop", loop)
    async with HttpClient(cfg(max_redirects=3)) as client:
        with pytest.raises(FetchError, match="redirects"):
            await client.fetch(url, allow_private=True)
    assert feed_server.hits["/loop"] == 4


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("10.0.0.1", True),
        ("192.168.1.1", True),
        ("172.16.5.4", True),
        ("127.0.0.1", True),
        ("169.254.169.254", True),
        ("100.64.0.1", True),
        ("0.0.0.0", True),
        ("::1", True),
        ("fe80::1", True),
        ("fd00::1", True),
        ("::ffff:127.0.0.1", True),
        ("224.0.0.1", True),
        ("8.8.8.8", False),
        ("2001:4860:4860::8888", False),
        # Issue 14 item 11: IPv6 forms carrying a blocked IPv4 address, and site-local literals.
        ("2002:7f00:1::", True),  # 6to4 of 127.0.0.1
        ("2002:c0a8:101::1", True),  # 6to4 of 192.168.1.1
        ("2002:a9fe:a9fe::1", True),  # 6to4 of the metadata address
        ("fec0::1", True),  # site-local
        ("::7f00:1", True),  # IPv4-compatible loopback
        ("64:ff9b::a00:1", True),  # NAT64 of 10.0.0.1
        ("2002:808:808::1", False),  # 6to4 of a public address
        ("64:ff9b::808:808", False),  # NAT64 (DNS64 networks) of a public address
    ],
)
def test_blocked_reason(address: str, blocked: bool) -> None:
    ip = parse_ip(address)
    assert ip is not None
    assert (blocked_reason(ip, allow_private=False) is not None) == blocked


def test_metadata_blocked_even_when_private_allowed() -> None:
    ip = parse_ip("169.254.169.254")
    assert ip is not None and blocked_reason(ip, allow_private=True)
    with pytest.raises(BlockedAddressError):
        check_url("http://[::ffff:169.254.169.254]/", allow_private=True)
    # Issue 14 item 11: the metadata address embedded in NAT64, 6to4 and IPv4-compatible forms.
    for form in ("64:ff9b::a9fe:a9fe", "64:ff9b:1::a9fe:a9fe", "2002:a9fe:a9fe::", "::a9fe:a9fe"):
        with pytest.raises(BlockedAddressError, match=r"169\.254\.169\.254 is a cloud metadata address"):
            check_url(f"http://[{form}]/latest/meta-data/", allow_private=True)
    for bad in ("ftp://example.com/feed", "gopher://x/", "file:///etc/passwd", "http:///nohost"):
        with pytest.raises(BlockedAddressError):
            check_url(bad, allow_private=True)


async def test_conditional_get_and_304(feed_server) -> None:  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304)
        return web.Response(
            body=b"<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Sat, 07 Nov 2020 18:00:00 GMT"}
        )

    url = feed_server.add("/c", handler)
    async with HttpClient(cfg()) as client:
        first = await client.fetch(url, allow_private=True)
        assert first.etag == '"v1"' and first.last_modified
        second = await client.fetch(
            url, allow_private=True, etag=first.etag, last_modified=first.last_modified
        )
    assert second.not_modified and second.body == b""
    request = feed_server.requests[-1]
    assert request.headers["If-Modified-Since"] == "Sat, 07 Nov 2020 18:00:00 GMT"
    assert request.headers["User-Agent"].startswith("newswatch")


async def test_429_retry_after(feed_server) -> None:  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=429, headers={"Retry-After": "120"})

    url = feed_server.add("/busy", handler)
    async with HttpClient(cfg()) as client:
        with pytest.raises(RetryLater) as caught:
            await client.fetch(url, allow_private=True)
    assert caught.value.status == 429 and caught.value.retry_after == 120


def test_parse_retry_after_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert parse_retry_after("soon") is None and parse_retry_after("5") == 5


async def test_body_over_cap_rejected(feed_server) -> None:  # type: ignore[no-untyped-def]
    big = b"<rss>" + b"x" * (11 * 1024 * 1024) + b"</rss>"

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # no Content-Length: the cap must act while streaming
        await response.prepare(request)
        for start in range(0, len(big), 1 << 20):
            await response.write(big[start : start + (1 << 20)])
        await response.write_eof()
        return response

    plain = feed_server.static("/big", big)
    streamed = feed_server.add("/big-chunked", chunked)
    async with HttpClient(cfg(max_body_bytes=1024 * 1024)) as client:
        with pytest.raises(TooLargeError, match="Content-Length"):
            await client.fetch(plain, allow_private=True)
        with pytest.raises(TooLargeError, match="cap"):
            await client.fetch(streamed, allow_private=True)


async def test_gzip_bomb_capped_after_decompression(feed_server) -> None:  # type: ignore[no-untyped-def]
    bomb = gzip.compress(b"<rss>" + b" " * (50 * 1024 * 1024) + b"</rss>", compresslevel=9)
    assert len(bomb) < 100_000
    feed_server.static("/bomb", bomb, **{"Content-Encoding": "gzip"})
    async with HttpClient(cfg(max_body_bytes=2 * 1024 * 1024)) as client:
        with pytest.raises(TooLargeError):
            await client.fetch(feed_server.url("/bomb"), allow_private=True)


async def test_slow_server_times_out(feed_server) -> None:  # type: ignore[no-untyped-def]
    async def slow_body(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"<rss>")
        await asyncio.sleep(5)
        return response

    async def slow_headers(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(5)
        return web.Response(body=b"late")

    feed_server.add("/slow-body", slow_body)
    feed_server.add("/slow-headers", slow_headers)
    async with HttpClient(cfg(read_timeout_seconds=0.5, total_timeout_seconds=3)) as client:
        for path in ("/slow-body", "/slow-headers"):
            started = time.monotonic()
            with pytest.raises(FetchTimeoutError):
                await client.fetch(feed_server.url(path), allow_private=True)
            assert time.monotonic() - started < 2.5


async def test_unreachable_is_fetch_error() -> None:
    async with HttpClient(cfg(connect_timeout_seconds=1)) as client:
        with pytest.raises(FetchError):
            await client.fetch("http://127.0.0.1:9/feed", allow_private=True)
