"""Build the Faust application and the topics its agents share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faust

from streams import topics as names
from streams.settings import Settings
from streams.worker.uncommitted_seek import RewindUncommitted


@dataclass(frozen=True)
class PipelineTopics:
    """The Faust topic handles, all raw bytes (records do their own JSON)."""

    articles_raw: faust.TopicT
    articles_unique: faust.TopicT
    articles_dlq: faust.TopicT
    events: faust.TopicT
    events_merged: faust.TopicT
    events_dlq: faust.TopicT
    alerts: faust.TopicT
    alerts_dlq: faust.TopicT
    alert_deliveries: faust.TopicT


def _brokers(settings: Settings) -> list[str]:
    return [f"kafka://{s.strip()}" for s in settings.kafka.bootstrap_servers.split(",") if s.strip()]


def hold_records_during_seek(app: faust.App) -> None:
    """Keep Faust 0.15.3 from handing out records after a rebalance that it then drops (docs/alerts.md).

    Recovery sends ``on_rebalance_complete`` just before it resumes the stream partitions and awaits
    ``perform_seek()`` with the fetcher still running, then empties every agent's buffer
    (``flow_control.resume()``): records fetched in between would be lost for good, since the consumer's
    position has moved past them. Stopping the flow here hands out nothing until Faust's own
    ``consumer.resume_flow()``, which comes right after that clear. Every agent of the worker needs it.
    The seek does not rewind a partition without a committed offset: ``RewindUncommitted`` does.
    """

    async def stop_flow(*_: Any, **__: Any) -> None:
        app.consumer.stop_flow()

    app.on_rebalance_complete.connect(stop_flow)


def create_app(settings: Settings) -> faust.App:
    """A Faust app configured from settings (agents are added by ``streams.worker.pipeline``)."""
    data_dir = Path(settings.worker.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.worker.app_id,
        broker=_brokers(settings),
        store=settings.worker.store,
        datadir=str(data_dir / "faust"),
        topic_partitions=settings.kafka.partitions,
        topic_replication_factor=settings.kafka.replication_factor,
        topic_allow_declare=True,
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        web_enabled=settings.worker.web_port != 0,
        web_port=settings.worker.web_port or 6066,
        web_bind="127.0.0.1",
        web_host="127.0.0.1",
        broker_commit_every=100,
        broker_session_timeout=settings.worker.session_timeout_seconds,
        broker_commit_interval=1.0,
        stream_wait_empty=False,
        autodiscover=False,
        worker_redirect_stdouts=False,
        key_serializer="raw",
        value_serializer="raw",
    )
    hold_records_during_seek(app)
    # Every topic an agent of the worker reads (streams.worker.pipeline, merge_agent, alerts.agent).
    streams = (names.ARTICLES_RAW, names.EVENTS, names.ALERTS)
    app.sensors.add(
        RewindUncommitted(app, settings.kafka.bootstrap_servers, [settings.topic(name) for name in streams])
    )
    return app


def create_topics(app: faust.App, settings: Settings) -> PipelineTopics:
    """Topic handles with the configured prefix and partition count."""

    def topic(name: str) -> faust.TopicT:
        return app.topic(
            settings.topic(name),
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.kafka.partitions,
        )

    return PipelineTopics(
        articles_raw=topic(names.ARTICLES_RAW),
        articles_unique=topic(names.ARTICLES_UNIQUE),
        articles_dlq=topic(names.ARTICLES_DLQ),
        events=topic(names.EVENTS),
        events_merged=topic(names.EVENTS_MERGED),
        events_dlq=topic(names.EVENTS_DLQ),
        alerts=topic(names.ALERTS),
        alerts_dlq=topic(names.ALERTS_DLQ),
        alert_deliveries=topic(names.ALERT_DELIVERIES),
    )
