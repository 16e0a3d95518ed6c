"""The root settings model assembling every section."""

from __future__ import annotations

from pydantic import Field

from streams.settings.alerts import AlertSettings
from streams.settings.base import Section
from streams.settings.connectors import ConnectorSettings
from streams.settings.dedupe import DedupeSettings
from streams.settings.detect import DetectSettings
from streams.settings.kafka import KafkaSettings
from streams.settings.replay import ReplaySettings
from streams.settings.store import StoreSettings
from streams.settings.worker import WorkerSettings


class Settings(Section):
    kafka: KafkaSettings = Field(default=KafkaSettings(), description="The kafka section.")
    worker: WorkerSettings = Field(default=WorkerSettings(), description="The worker section.")
    connectors: ConnectorSettings = Field(default=ConnectorSettings(), description="The connectors section.")
    dedupe: DedupeSettings = Field(default=DedupeSettings(), description="The dedupe section.")
    detect: DetectSettings = Field(default=DetectSettings(), description="The detect section.")
    alerts: AlertSettings = Field(default=AlertSettings(), description="The alerts section.")
    store: StoreSettings = Field(default=StoreSettings(), description="The store section.")
    replay: ReplaySettings = Field(default=ReplaySettings(), description="The replay section.")

    def topic(self, name: str) -> str:
        """A topic name with this deployment's prefix."""
        return f"{self.kafka.topic_prefix}{name}"
