"""The root settings model assembling every section."""

from __future__ import annotations

from pydantic import Field

from streams.settings.alerts import AlertSettings
from streams.settings.base import Section
from streams.settings.connectors import ConnectorSettings
from streams.settings.dedupe import DedupeSettings
from streams.settings.detect import DetectSettings
from streams.settings.kafka import KafkaSettings
from streams.settings.worker import WorkerSettings


class Settings(Section):
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    connectors: ConnectorSettings = Field(default_factory=ConnectorSettings)
    dedupe: DedupeSettings = Field(default_factory=DedupeSettings)
    detect: DetectSettings = Field(default_factory=DetectSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)

    def topic(self, name: str) -> str:
        """A topic name with this deployment's prefix."""
        return f"{self.kafka.topic_prefix}{name}"
