"""The URL identity dedupe compares: one key for every spelling of an article's address.

Stricter than the connectors' canonical URL (which must stay fetchable): scheme, ``www.``, trailing
slashes, AMP markers and tracking parameters are all dropped, so http/https and AMP copies meet.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode

_TRACKING = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_hsenc", "_hsmi", "ref", "ref_src", "ncid", "ocid", "cmpid", "sr_share", "spm", "share", "s_cid",
        "rss_id", "feature", "output", "outputtype", "amp", "src", "via", "smid", "partner",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "__twitter", "oly_")


def dedupe_url(url: str) -> str:
    """``host/path?query`` with tracking, scheme, ``www.``, ports, fragments and AMP removed; "" if none."""
    url = (url or "").strip()
    scheme_end = url.find("://")
    if scheme_end <= 0 or url[:scheme_end].lower() not in ("http", "https"):
        return url
    rest = url[scheme_end + 3 :].split("#", 1)[0]
    rest, _, query = rest.partition("?")
    host, slash, path = rest.partition("/")
    host = host.rsplit("@", 1)[-1].lower().rstrip(".")
    if host.endswith((":80", ":443")):
        host = host.rsplit(":", 1)[0]
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
    query_pairs = sorted(
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
        if key.lower() not in _TRACKING and not key.lower().startswith(_TRACKING_PREFIXES)
    )
    kept = urlencode(query_pairs)
    return f"{host}{path}" + (f"?{kept}" if kept else "")


def url_hash(url: str) -> int:
    """A 64-bit digest of ``dedupe_url(url)``; 0 means the article has no usable URL."""
    key = dedupe_url(url)
    if not key:
        return 0
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little") or 1
