"""Bearer-token authentication of the events API: read-only access for whoever holds the one token.

The token comes from ``store.api_token`` (env ``NEWSWATCH_STORE__API_TOKEN``) or ``store.api_token_file``;
requests under ``/api/`` must send ``Authorization: Bearer <token>``, compared in constant time. The page,
its static files, ``/healthz``, ``/readyz`` and ``/metrics`` carry no event data and stay open for probes.
"""

from __future__ import annotations

import hmac
from pathlib import Path

from streams.errors import ConfigError
from streams.settings.store import StoreSettings, check_api_token

PROTECTED_PREFIX = "/api/"
REALM = "newswatch"


def load_api_token(settings: StoreSettings) -> bytes | None:
    """The token as bytes, or None when the API is open; a ConfigError naming the key if unusable."""
    if settings.api_token is not None:
        return settings.api_token.get_secret_value().encode("ascii")
    if settings.api_token_file is None:
        return None
    path = Path(settings.api_token_file)
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(f"store.api_token_file: cannot read {path}: {reason}") from None
    try:
        return check_api_token(token).encode("ascii")
    except ValueError as exc:
        raise ConfigError(f"store.api_token_file: {path}: {exc}") from None


def bearer_credentials(header: str | None) -> bytes | None:
    """The credentials of an ``Authorization: Bearer ...`` header, or None if there are none."""
    if not header:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip().encode("utf-8", errors="replace")


def is_authorized(token: bytes, header: str | None) -> bool:
    """Whether the header carries ``token`` (constant-time comparison)."""
    given = bearer_credentials(header)
    return given is not None and hmac.compare_digest(given, token)


def challenge(header: str | None) -> tuple[str, str]:
    """(message, WWW-Authenticate value) for a refused request, per RFC 6750."""
    if bearer_credentials(header) is None:
        return "this API needs an Authorization: Bearer token", f'Bearer realm="{REALM}"'
    return "the bearer token is not valid", f'Bearer realm="{REALM}", error="invalid_token"'
