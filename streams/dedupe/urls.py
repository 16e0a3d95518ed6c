"""Article URL identity, one function per fact: the canonical URL (the Kafka key) and the dedupe key.

``canonical_url`` must stay fetchable: it drops only what never selects content (tracking parameters,
fragment, default port), sorts the query and writes the host in its ASCII (IDNA) form, so two spellings
of one address are one key. ``dedupe_url`` is stricter: scheme, ``www.``, trailing slashes, AMP markers
and more tracking parameters are also dropped, so http/https and AMP copies meet.
"""

from __future__ import annotations

import functools
import hashlib
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_hsenc", "_hsmi", "ref_src", "ncid", "ocid", "cmpid", "at_medium", "at_campaign", "at_custom1",
        "at_custom2", "at_custom3", "at_custom4", "sr_share", "spm", "share", "s_cid", "rss_id", "feature",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "__twitter", "oly_")
DEFAULT_PORTS = {"http": 80, "https": 443}
_DEDUPE_TRACKING = TRACKING_PARAMS | frozenset(
    {"ref", "output", "outputtype", "amp", "src", "via", "smid", "partner"}
)
_DEDUPE_TRACKING_PREFIXES = (*TRACKING_PREFIXES, "at_")


def is_tracking_param(name: str) -> bool:
    """Whether a query parameter only tracks the reader (never selects content)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_host(host: str) -> str:
    """The host lower-cased, without a trailing dot, internationalised names in IDNA ASCII form."""
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # an empty or over-long label: keep the Unicode spelling
        return host


def _sorted_query(
    query: str, tracking: frozenset[str], prefixes: tuple[str, ...], *, by_value: bool = False
) -> str:
    """The query's content parameters sorted by name (and value if ``by_value``, else values of one
    name keep their order, which a site may read)."""
    pairs = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
        if key.lower() not in tracking and not key.lower().startswith(prefixes)
    ]
    pairs.sort(key=None if by_value else (lambda pair: pair[0]))
    return urlencode(pairs) if pairs else ""


@functools.lru_cache(maxsize=16384)
def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute http(s) URL without tracking parameters, fragment or default port; query sorted; host
    lower-cased and in IDNA form. Non-http(s) URLs (``spool://``, ``urn:``) are returned stripped."""
    url = (url or "").strip()
    if base and not url.lower().startswith(("http://", "https://")):
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return url
    host = canonical_host(parts.hostname or "")
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    query = _sorted_query(parts.query, TRACKING_PARAMS, TRACKING_PREFIXES)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def host_of(url: str) -> str:
    """The lower-case host of a URL, or "" (metrics label and per-host limit key)."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def dedupe_url(url: str) -> str:
    """``host/path?query`` with tracking, scheme, ``www.``, ports, fragments and AMP removed; "" if none."""
    url = (url or "").strip()
    scheme_end = url.find("://")
    if scheme_end <= 0 or url[:scheme_end].lower() not in ("http", "https"):
        return url
    rest = url[scheme_end + 3 :].split("#", 1)[0]
    rest, _, query = rest.partition("?")
    host, slash, path = rest.partition("/")
    host = host.rsplit("@", 1)[-1]
    if host.endswith((":80", ":443")):
        host = host.rsplit(":", 1)[0]
    host = canonical_host(host)
    if not host:
        return url
    host = host.removeprefix("www.").removeprefix("amp.")
    path = (slash + path).rstrip("/")
    if "amp" in path:
        for marker in ("/amp", ".amp"):
            path = path.removesuffix(marker)
        path = path.replace("/amp/", "/")
    if not query:
        return f"{host}{path}"
    kept = _sorted_query(query, _DEDUPE_TRACKING, _DEDUPE_TRACKING_PREFIXES, by_value=True)
    return f"{host}{path}" + (f"?{kept}" if kept else "")


def url_hash(url: str) -> int:
    """A 64-bit digest of ``dedupe_url(url)``; 0 means the article has no usable URL."""
    key = dedupe_url(url)
    if not key:
        return 0
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little") or 1
