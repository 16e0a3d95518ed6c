"""The Faust worker process."""

from __future__ import annotations

from pydantic import Field, field_validator

from streams.logging_setup import parse_level
from streams.settings.base import Section


class WorkerSettings(Section):
    app_id: str = Field("newswatch", description="Faust application id: consumer group and changelog prefix.")
    store: str = Field("memory://", description="Table store URL: memory:// or rocksdb:// (durable).")
    data_dir: str = Field("var/worker", description="Folder for table state and the worker's files.")
    web_port: int = Field(6066, ge=0, le=65535, description="Faust web server port (0 disables).")
    metrics_port: int = Field(9108, ge=0, le=65535, description="Prometheus /metrics port of the worker.")
    metrics_host: str = Field(
        "127.0.0.1", description="Address the /metrics server binds (0.0.0.0 in containers)."
    )
    session_timeout_seconds: float = Field(
        10.0,
        ge=6,
        le=300,
        description="Kafka consumer-group session timeout: how soon a killed worker's partitions move on.",
    )
    log_level: str = Field("info", description="Log level: debug, info, warning, error.")
    log_json: bool = Field(False, description="Write logs as JSON lines.")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        parse_level(value)  # the same parser configure_logging uses at start
        return value
