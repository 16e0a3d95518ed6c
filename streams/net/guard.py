"""The SSRF address policy: which URLs and resolved addresses an outbound fetch may contact.

IPv6 forms that carry an IPv4 address (IPv4-mapped and -compatible, NAT64, 6to4, Teredo) are judged by
that embedded address too, so ``64:ff9b::a9fe:a9fe`` is the metadata address and ``2002:7f00:1::`` is
loopback. The check runs inside the resolver as well, so DNS rebinding between check and connect fails.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from streams.errors import BlockedAddressError

ALLOWED_SCHEMES = frozenset({"http", "https"})
# Cloud metadata endpoints are refused even for fetches allowed onto private networks.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Prefixes whose low 32 bits are an IPv4 address the packet really goes to (RFC 6052 NAT64 at /96,
# RFC 8215 local-use NAT64, RFC 4291 IPv4-compatible).
_NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_COMPATIBLE = ipaddress.ip_network("::/96")
_SITE_LOCAL = ipaddress.ip_network("fec0::/10")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, bool] | None:
    """The IPv4 address an IPv6 address carries, and whether the IPv6 form is only a translation of it.

    A translation (mapped, compatible, NAT64) is judged by the IPv4 address alone; a tunnel (6to4,
    Teredo client) by both addresses.
    """
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, True
    low = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if any(ip in prefix for prefix in _NAT64_PREFIXES):
        return low, True
    if ip in _COMPATIBLE and int(ip) > 1:
        return low, True
    if ip.sixtofour is not None:
        return ip.sixtofour, False
    if ip.teredo is not None:
        return ip.teredo[1], False
    return None


def _own_reason(ip: IPAddress) -> str | None:
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if ip.is_link_local:
        return f"{ip} is a link-local address"
    if isinstance(ip, ipaddress.IPv6Address) and ip in _SITE_LOCAL:
        return f"{ip} is a site-local address"
    if ip.is_private:
        return f"{ip} is a private address"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved or not ip.is_global:
        return f"{ip} is not a public unicast address"
    return None


def blocked_reason(ip: IPAddress, allow_private: bool) -> str | None:
    """Why an address may not be contacted, or None if it may."""
    judged: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            judged = [inner[0]] if inner[1] else [inner[0], ip]
    for address in judged:
        if address in METADATA_ADDRESSES:
            via = f" (embedded in {ip})" if address != ip else ""
            return f"{address} is a cloud metadata address{via}"
    if allow_private:
        return None
    for address in judged:
        reason = _own_reason(address)
        if reason:
            return reason if address == ip else f"{reason} (embedded in {ip})"
    return None


def parse_ip(host: str) -> IPAddress | None:
    """The host as an IP address if it is a literal (brackets and zone ids tolerated)."""
    candidate = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None


def check_url(url: str, allow_private: bool) -> None:
    """Refuse non-http(s) schemes, missing hosts and blocked IP literals before connecting."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise BlockedAddressError(f"malformed URL {url!r}: {exc}") from exc
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BlockedAddressError(f"scheme {parts.scheme!r} is not allowed (http/https only): {url}")
    host = parts.hostname
    if not host:
        raise BlockedAddressError(f"URL has no host: {url}")
    ip = parse_ip(host)
    if ip is not None:
        reason = blocked_reason(ip, allow_private)
        if reason:
            raise BlockedAddressError(f"refused {url}: {reason}")


class BlockedResolution(OSError):
    """Raised inside the resolver; aiohttp wraps OSErrors, and the client unwraps this one."""


class GuardedResolver(AbstractResolver):
    """Resolves with getaddrinfo and refuses the host if any address it resolves to is blocked."""

    def __init__(self, allow_private: bool) -> None:
        self._inner = ThreadedResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            reason = blocked_reason(ipaddress.ip_address(result["host"]), self._allow_private)
            if reason:
                raise BlockedResolution(f"refused host {host}: {reason}")
        return results

    async def close(self) -> None:
        await self._inner.close()
