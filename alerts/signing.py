"""Standard Webhooks signing: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature: v1,<b64>``."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Sequence

from pydantic import SecretStr

from streams.errors import ConfigError

SECRET_PREFIX = "whsec_"


def decode_secret(secret: SecretStr) -> bytes:
    """The key bytes of a ``whsec_<base64>`` secret; a bad secret is a ConfigError (never echoed)."""
    raw = secret.get_secret_value()
    if raw.startswith(SECRET_PREFIX):
        raw = raw[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError("a webhook signing secret is not whsec_<base64>") from exc
    if len(key) < 16:
        raise ConfigError("a webhook signing secret is shorter than 16 bytes")
    return key


def sign(msg_id: str, timestamp: int, body: bytes, keys: Sequence[bytes]) -> str:
    """The ``webhook-signature`` value: one space-separated ``v1,<sig>`` per key (rotation)."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    parts = []
    for key in keys:
        digest = hmac.new(key, content, hashlib.sha256).digest()
        parts.append("v1," + base64.b64encode(digest).decode("ascii"))
    return " ".join(parts)


def signed_headers(
    msg_id: str, body: bytes, keys: Sequence[bytes], now: float | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers; the timestamp is the attempt's, the id is the message's."""
    timestamp = int(time.time() if now is None else now)
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(timestamp)}
    if keys:
        headers["webhook-signature"] = sign(msg_id, timestamp, body, keys)
    return headers
