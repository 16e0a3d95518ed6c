"""Kafka connection and topic layout."""

from __future__ import annotations

from pydantic import Field

from streams.settings.base import Section


class KafkaSettings(Section):
    bootstrap_servers: str = Field("127.0.0.1:9092", description="Comma-separated broker addresses.")
    topic_prefix: str = Field("", description="Prefix for every topic name (tests use a unique one).")
    partitions: int = Field(4, ge=1, description="Partitions for each topic created at start-up.")
    replication_factor: int = Field(1, ge=1, description="Replication factor for topics created at start-up.")
    min_insync_replicas: int = Field(
        1, ge=1, description="min.insync.replicas for topics created at start-up."
    )
    delivery_log_retention_ms: int = Field(
        3 * 24 * 3600 * 1000,
        ge=-1,
        description=(
            "retention.ms given to alerts.deliveries when it is created (default 3 days; -1 keeps every "
            "record). A starting worker reads this topic whole, so the retention bounds its start-up; "
            "only the records of alerts not yet settled matter, so a worker down longer than this may "
            "repeat deliveries made before it stopped (never lose one), and an event store down longer "
            "misses their delivery rows."
        ),
    )
