"""Feed and spool connectors (owned by the connectors package; extend here)."""

from __future__ import annotations

from pydantic import Field

from streams.settings.base import Section


class FeedSettings(Section):
    url: str = Field(..., description="Feed URL (RSS, Atom or JSON Feed).")
    name: str = Field("", description="Short name used as the metrics label (default: host).")
    interval_seconds: float = Field(300.0, gt=0, description="Poll interval.")
    allow_private: bool = Field(False, description="Allow private/loopback addresses (tests, intranets).")
    full_text: bool = Field(False, description="Fetch each article page and extract its main text.")


class ConnectorSettings(Section):
    spool_dir: str | None = Field("var/spool", description="Folder watched for article files (None: off).")
    spool_poll_seconds: float = Field(1.0, gt=0, description="How often the spool folder is scanned.")
    feeds: tuple[FeedSettings, ...] = Field((), description="Feeds to poll.")
    metrics_port: int = Field(9109, ge=0, le=65535, description="Prometheus /metrics port of the connector.")
    state_dir: str = Field("var/connectors", description="Folder for connector state (ETags, seen ids).")
