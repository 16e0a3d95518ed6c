"""Create the pipeline's topics at start-up with the configured partitions and replication."""

from __future__ import annotations

import contextlib
import logging
import time

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from streams.errors import BrokerError
from streams.settings import Settings
from streams.topics import ALERT_DELIVERIES, ALL_TOPICS, ARTICLES_UNIQUE

log = logging.getLogger(__name__)
#: Longest segment of a topic with a retention: Kafka deletes whole closed segments only, and its default
#: segment.ms (7 days) would keep a 3-day retention's records for up to 10 days.
MAX_SEGMENT_MS = 24 * 3600 * 1000


def bootstrap_list(settings: Settings) -> list[str]:
    """The bootstrap servers as a list of host:port strings."""
    return [s.strip() for s in settings.kafka.bootstrap_servers.split(",") if s.strip()]


def topic_config(settings: Settings, name: str) -> dict[str, str]:
    """Per-topic configs: min.insync.replicas everywhere; stored articles kept for replay; the delivery
    log, which a starting worker reads whole, kept a few days."""
    config = {"min.insync.replicas": str(settings.kafka.min_insync_replicas)}
    if name == settings.topic(ARTICLES_UNIQUE):
        # Replay reads this topic as the article archive; delete policy (not compaction: a duplicate
        # shares its original's key).
        config["retention.ms"] = str(settings.replay.stored_articles_retention_ms)
    if name == settings.topic(ALERT_DELIVERIES):
        retention = settings.kafka.delivery_log_retention_ms
        config["retention.ms"] = str(retention)
        if retention > 0:
            config["segment.ms"] = str(min(retention, MAX_SEGMENT_MS))
    return config


def ensure_topics(settings: Settings, *, timeout: float = 60.0) -> list[str]:
    """Create any missing pipeline topic; returns the names created. Retries until ``timeout``."""
    deadline = time.monotonic() + timeout
    names = [settings.topic(t) for t in ALL_TOPICS]
    while True:
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=bootstrap_list(settings),
                client_id="newswatch-admin",
                request_timeout_ms=15000,
            )
            break
        except KafkaError as exc:
            if time.monotonic() > deadline:
                raise BrokerError(
                    f"cannot reach Kafka at {settings.kafka.bootstrap_servers}: {exc}; "
                    "start it with `make kafka-start` (or `docker compose up kafka`)"
                ) from exc
            log.warning("Kafka not reachable yet (%s); retrying", exc)
            time.sleep(1.0)
    try:
        existing = set(admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            topics = [
                NewTopic(
                    name=n,
                    num_partitions=settings.kafka.partitions,
                    replication_factor=settings.kafka.replication_factor,
                    topic_configs=topic_config(settings, n),
                )
                for n in missing
            ]
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(topics)
            log.info("created topics %s", ", ".join(missing))
        return missing
    except KafkaError as exc:
        raise BrokerError(f"could not create topics: {exc}") from exc
    finally:
        admin.close()
