"""Topics created at start-up carry their retention: the delivery log a starting worker reads whole is
kept a few days, not for ever (issue 14)."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType

from streams.admin import MAX_SEGMENT_MS, ensure_topics, topic_config
from streams.settings.loader import settings_from_mapping
from streams.topics import ALERT_DELIVERIES, ALERTS

THREE_DAYS_MS = 3 * 24 * 3600 * 1000


def test_delivery_log_has_a_retention_by_default() -> None:
    settings = settings_from_mapping({"kafka": {"topic_prefix": "p."}})
    config = topic_config(settings, settings.topic(ALERT_DELIVERIES))
    assert config["retention.ms"] == str(THREE_DAYS_MS)
    assert config["segment.ms"] == str(MAX_SEGMENT_MS)  # closed segments are what retention deletes
    assert "retention.ms" not in topic_config(settings, settings.topic(ALERTS))


def test_delivery_log_retention_is_a_setting() -> None:
    hour = 3600 * 1000
    short = settings_from_mapping({"kafka": {"delivery_log_retention_ms": hour}})
    assert topic_config(short, short.topic(ALERT_DELIVERIES))["segment.ms"] == str(hour)
    forever = settings_from_mapping({"kafka": {"delivery_log_retention_ms": -1}})
    config = topic_config(forever, forever.topic(ALERT_DELIVERIES))
    assert config["retention.ms"] == "-1"
    assert "segment.ms" not in config


@pytest.mark.integration
def test_created_delivery_log_topic_has_the_retention(kafka_bootstrap: str, topic_prefix: str) -> None:
    settings = settings_from_mapping(
        {"kafka": {"bootstrap_servers": kafka_bootstrap, "topic_prefix": topic_prefix, "partitions": 1}}
    )
    ensure_topics(settings)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id=f"test-{uuid.uuid4().hex[:6]}")
    try:
        names = [settings.topic(ALERT_DELIVERIES), settings.topic(ALERTS)]
        described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, n) for n in names])
    finally:
        admin.close()
    # kafka-python 3: {"topic": {name: {config: {"value": ..., ...}}}}
    configs = {
        name: {k: v["value"] for k, v in entries.items()} for name, entries in described["topic"].items()
    }
    deliveries = configs[settings.topic(ALERT_DELIVERIES)]
    assert deliveries["retention.ms"] == str(THREE_DAYS_MS)
    assert deliveries["segment.ms"] == str(MAX_SEGMENT_MS)
    assert configs[settings.topic(ALERTS)].get("retention.ms") != str(THREE_DAYS_MS)
