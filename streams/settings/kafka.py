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
