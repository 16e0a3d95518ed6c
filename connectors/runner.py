"""Runs every enabled connector until told to stop, then makes sure everything sent is acknowledged.

``run_connectors`` is what ``newswatch connectors`` calls: it serves /metrics, connects the producer
(waiting for the broker if it is not up yet), looks up on the topic what a crash left in flight
(``connectors/readback.py``), starts the spool and feed connectors, restarts one that
crashes, and on stop waits up to ``shutdown_timeout_seconds`` for in-flight articles before closing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from prometheus_client import start_http_server

import connectors.rss
import connectors.spool
from connectors import metrics
from connectors.base import REGISTRY, Connector
from connectors.producer import ArticleProducer, ArticleSink
from connectors.readback import settle_in_flight
from connectors.state import StateStore
from streams.errors import BrokerError, StateError
from streams.settings import Settings

log = logging.getLogger(__name__)

_metrics_ports: set[int] = set()
RESTART_DELAY_SECONDS = 5.0

assert connectors.rss.FeedsConnector.name in REGISTRY


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """Start the Prometheus endpoint once per port and process (0: none)."""
    if port and port not in _metrics_ports:
        start_http_server(port, addr=host, registry=metrics.connector_registry())
        _metrics_ports.add(port)
        log.info("metrics on :%d/metrics", port)


async def connect_producer(settings: Settings, stop: asyncio.Event) -> ArticleProducer | None:
    """The producer, retrying while the broker is unreachable; None if stopped first."""
    delay = 1.0
    while not stop.is_set():
        try:
            return await asyncio.to_thread(ArticleProducer, settings)
        except BrokerError as exc:
            log.warning("%s; retrying in %.0fs", exc, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 30.0)
    return None


async def _supervise(connector: Connector, stop: asyncio.Event, fatal: list[StateError]) -> None:
    while not stop.is_set():
        try:
            await connector.run(stop)
            return
        except asyncio.CancelledError:
            raise
        except StateError as exc:
            # Restarting would produce the same work again and again: stop everything cleanly instead.
            log.critical("connector %s cannot write its state; stopping: %s", connector.name, exc)
            fatal.append(exc)
            stop.set()
            return
        except Exception:
            log.exception("connector %s crashed; restarting in %.0fs", connector.name, RESTART_DELAY_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RESTART_DELAY_SECONDS)


async def run_connectors(settings: Settings, stop: asyncio.Event, sink: ArticleSink | None = None) -> None:
    """Run the spool connector and all feed pollers until ``stop`` is set; flush before returning.

    ``sink`` replaces the Kafka producer (tests, benchmark); it is flushed but not closed.
    """
    cfg = settings.connectors
    serve_metrics(cfg.metrics_port, cfg.metrics_host)
    Path(cfg.state_dir).mkdir(parents=True, exist_ok=True)
    state = StateStore.in_dir(cfg.state_dir, cfg.seen_ids_per_feed)
    producer: ArticleProducer | None = None
    if sink is None:
        producer = await connect_producer(settings, stop)
        if producer is None:
            state.close()
            return
        sink = producer
    running: list[Connector] = []
    fatal: list[StateError] = []
    try:
        # Articles a crash left in flight: those on the topic are recorded, not produced again.
        await settle_in_flight(settings, state, read_topic=producer is not None)
        for cls in REGISTRY.values():
            if not cls.enabled(settings):
                continue
            connector = cls(settings, sink, state)
            await connector.setup()
            running.append(connector)
        log.info("connectors running: %s", ", ".join(c.name for c in running) or "none")
        tasks = [asyncio.create_task(_supervise(c, stop, fatal), name=f"connector:{c.name}") for c in running]
        await stop.wait()
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=cfg.shutdown_timeout_seconds)
            for task in pending:
                log.warning("connector task %s did not stop in time; cancelling", task.get_name())
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
    finally:
        for connector in running:
            try:
                await connector.close()
            except Exception:
                log.exception("closing connector %s failed", connector.name)
        try:
            await asyncio.to_thread(sink.flush, cfg.shutdown_timeout_seconds)
        except BrokerError as exc:
            log.error("final flush failed (unacknowledged articles will be re-read next start): %s", exc)
        if producer is not None:
            await asyncio.to_thread(producer.close, cfg.shutdown_timeout_seconds)
        state.close()
    if fatal:
        raise fatal[0]
