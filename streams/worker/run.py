"""Start the worker process: topics, the Faust app with every stage's agents, metrics, logging."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

import faust
from faust.sensors.prometheus import FaustMetrics
from prometheus_client import REGISTRY, start_http_server

from streams.admin import ensure_topics
from streams.detect.gazetteer import Gazetteer
from streams.detect.gazetteer_age import watch_gazetteer_age
from streams.logging_setup import configure_logging
from streams.settings import Settings
from streams.worker.app import PipelineTopics, create_app, create_topics
from streams.worker.faust_monitor import CachedPrometheusMonitor
from streams.worker.metrics import worker_registry
from streams.worker.stages import RegisterStage, load_stages

log = logging.getLogger(__name__)

# Framework loggers that narrate every service start and stop at INFO; shown only with log_level debug.
FRAMEWORK_LOGGERS: tuple[str, ...] = ("faust", "mode", "aiokafka", "kafka")

FAUST_METRICS_PREFIX = "newswatch_faust"


class NewswatchWorker(faust.Worker):
    """A Faust worker that keeps the project's own log format."""

    def __init__(self, app: faust.App, settings: Settings, **kwargs: Any) -> None:
        self._settings = settings
        super().__init__(app, loglevel=settings.worker.log_level, quiet=True, **kwargs)

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        configure_logging(self._settings.worker.log_level, self._settings.worker.log_json)
        if self._settings.worker.log_level.lower() != "debug":
            for noisy in FRAMEWORK_LOGGERS:
                logging.getLogger(noisy).setLevel(logging.WARNING)


@functools.cache
def _faust_metrics() -> FaustMetrics:
    """Faust's sensor series, registered once per process (a second app reuses them)."""
    return FaustMetrics.create(REGISTRY, FAUST_METRICS_PREFIX)


def build_worker_app(
    settings: Settings, stages: Sequence[RegisterStage] | None = None
) -> tuple[faust.App, PipelineTopics]:
    """The Faust app with every stage of ``streams.worker.stages.WORKER_STAGES`` registered.

    Raises ``StageError`` if one is missing or broken (``stages``: already loaded ones).
    """
    registers = load_stages() if stages is None else stages
    app = create_app(settings)
    # Faust's own sensor: consumer lag, events per stream, rebalances (newswatch_faust_* series).
    app.monitor = CachedPrometheusMonitor(metrics=_faust_metrics())
    topics = create_topics(app, settings)
    for register in registers:
        register(app, topics, settings)
    return app, topics


def serve_metrics(settings: Settings) -> None:
    """Serve the worker's own metric families (``worker_registry``) on ``worker.metrics_port`` (0: none)."""
    if settings.worker.metrics_port:
        start_http_server(
            settings.worker.metrics_port,
            addr=settings.worker.metrics_host,
            registry=worker_registry(_faust_metrics()),
        )
        log.info(
            "metrics on http://%s:%d/metrics", settings.worker.metrics_host, settings.worker.metrics_port
        )


def run_worker(settings: Settings) -> int:
    """Run the worker until SIGINT/SIGTERM."""
    configure_logging(settings.worker.log_level, settings.worker.log_json)
    stages = load_stages()  # a missing or broken stage stops the start before Kafka is touched
    ensure_topics(settings)
    app, _ = build_worker_app(settings, stages)
    watch_gazetteer_age(Gazetteer.load(settings.detect.gazetteer_path))  # the engine's (cached) gazetteer
    serve_metrics(settings)
    NewswatchWorker(app, settings).execute_from_commandline()
