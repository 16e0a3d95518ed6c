"""The event store, its HTTP API and the live events page (owned by streams.store; extend here)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, field_validator, model_validator

from streams.settings.base import Section

SUPPORTED_SCHEMES = ("sqlite", "postgresql", "postgres")
MIN_API_TOKEN_CHARS = 16


def check_api_token(token: str) -> str:
    """The token if it is usable as the API's bearer token; a ValueError (never echoing it) if not."""
    if len(token) < MIN_API_TOKEN_CHARS:
        raise ValueError(f"the API token must be at least {MIN_API_TOKEN_CHARS} characters")
    if not all(33 <= ord(c) <= 126 for c in token):
        raise ValueError("the API token must be printable ASCII without spaces")
    return token


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***``, safe for logs and errors."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


class StoreSettings(Section):
    enabled: bool = Field(
        True, description="Write events and delivery outcomes to the store from the worker."
    )
    url: SecretStr = Field(
        SecretStr("sqlite:///var/newswatch.db"),
        description="Database URL: sqlite:///relative/path, sqlite:////absolute/path or "
        "postgresql://user:password@host:5432/db (env NEWSWATCH_STORE__URL; the password is never logged).",
    )
    pool_size: int = Field(4, ge=1, le=64, description="PostgreSQL connections held open per process.")
    connect_timeout_seconds: float = Field(
        5.0, gt=0, description="Timeout for opening a database connection."
    )
    serve_api_in_worker: bool = Field(
        False, description="Also serve the API and page from the worker process (handy for make run)."
    )
    api_host: str = Field("127.0.0.1", description="Address the API and page listen on (0.0.0.0 in a pod).")
    api_port: int = Field(8088, ge=0, le=65535, description="Port of the API and the live events page.")
    page_size: int = Field(50, ge=1, le=1000, description="Events per page when the request gives no limit.")
    max_page_size: int = Field(200, ge=1, le=1000, description="Largest limit a request may ask for.")
    stream_poll_seconds: float = Field(
        2.0, gt=0, le=60, description="How often the live stream (/api/stream) checks the store for changes."
    )
    page_title: str = Field("newswatch events", description="Title shown on the live events page.")
    api_token: SecretStr | None = Field(
        None,
        description="Bearer token every /api/ request must carry (env NEWSWATCH_STORE__API_TOKEN; at least "
        f"{MIN_API_TOKEN_CHARS} characters; never logged). Unset: no authentication (fine on 127.0.0.1).",
    )
    api_token_file: str | None = Field(
        None,
        description="File holding the bearer token (a mounted secret); surrounding whitespace is ignored. "
        "Use this or api_token, not both.",
    )

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: SecretStr) -> SecretStr:
        scheme = urlsplit(value.get_secret_value()).scheme
        if scheme not in SUPPORTED_SCHEMES:
            raise ValueError(f"unsupported database URL scheme {scheme!r}; use sqlite:// or postgresql://")
        return value

    @field_validator("api_token")
    @classmethod
    def _usable_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_api_token(value.get_secret_value())
        return value

    @model_validator(mode="after")
    def _one_token_source(self) -> StoreSettings:
        if self.api_token is not None and self.api_token_file is not None:
            raise ValueError("set store.api_token or store.api_token_file, not both")
        return self

    @property
    def safe_url(self) -> str:
        """The database URL with the password masked."""
        return redact_url(self.url.get_secret_value())
