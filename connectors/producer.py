"""Kafka producer for articles: acks=all + idempotence, compressed batches, and back-pressure.

Key = canonical URL (bytes), value = ``Article.to_json()``, topic = ``settings.topic(ARTICLES_RAW)``.
``send`` is the blocking form (it blocks while kafka-python's buffer is full); ``deliver`` is the asyncio
form used by the connectors: it holds one of ``max_in_flight_articles`` slots until the broker has
acknowledged the article, re-sending after failures, so a broker outage stalls polling instead of
dropping articles.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from typing import Any, Protocol

from kafka import KafkaProducer
from kafka.errors import KafkaError

from connectors import metrics
from streams.errors import BrokerError
from streams.records import Article
from streams.settings import Settings
from streams.topics import ARTICLES_RAW

log = logging.getLogger(__name__)


class ArticleSink(Protocol):
    """What pollers and the spool need from a producer (tests and the benchmark use fakes)."""

    async def deliver(self, article: Article) -> None: ...

    def flush(self, timeout: float | None = None) -> None: ...


def article_key(article: Article) -> bytes:
    """The Kafka key: the canonical URL, or the id when an article has no URL."""
    return (article.url or article.id).encode("utf-8")


def build_kafka_producer(settings: Settings) -> KafkaProducer:
    """A KafkaProducer with the durability settings the pipeline relies on."""
    tuning = settings.connectors.producer
    try:
        return KafkaProducer(
            bootstrap_servers=[s.strip() for s in settings.kafka.bootstrap_servers.split(",") if s.strip()],
            client_id="newswatch-connectors",
            acks="all",
            enable_idempotence=True,
            retries=2**31 - 1,
            compression_type=tuning.compression_type,
            linger_ms=tuning.linger_ms,
            batch_size=tuning.batch_size,
            max_block_ms=tuning.max_block_ms,
            delivery_timeout_ms=tuning.delivery_timeout_ms,
            max_in_flight_requests_per_connection=5,
            bootstrap_timeout_ms=10_000,  # the runner retries; keeps stop responsive while Kafka is down
        )
    except KafkaError as exc:
        raise BrokerError(f"cannot reach Kafka at {settings.kafka.bootstrap_servers}: {exc}") from exc


class ArticleProducer:
    """Wraps one KafkaProducer; safe to share between the spool connector and all feed pollers."""

    def __init__(self, settings: Settings, producer: Any | None = None) -> None:
        self.topic = settings.topic(ARTICLES_RAW)
        self._tuning = settings.connectors.producer
        self._producer = producer if producer is not None else build_kafka_producer(settings)
        self._slots: asyncio.Semaphore | None = None
        self._send_lock = threading.Lock()
        # kafka-python 3 has no buffer_memory limit: this bounds unacknowledged records instead.
        self._buffer = threading.BoundedSemaphore(self._tuning.max_in_flight_articles)
        # One thread does the (possibly blocking) enqueue so the event loop never stalls on a full buffer.
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="kafka-send")
        self._closed = False

    def _future(self, article: Article) -> Any:
        if not self._buffer.acquire(timeout=self._tuning.max_block_ms / 1000):
            raise BrokerError(f"buffer full for {self._tuning.max_block_ms} ms (broker unavailable?)")
        try:
            with self._send_lock:
                future = self._producer.send(self.topic, key=article_key(article), value=article.to_json())
        except BaseException:
            self._buffer.release()
            raise
        future.add_both(lambda _result: self._buffer.release())
        return future

    def send(self, article: Article) -> None:
        """Enqueue one article; blocks while the producer's buffer is full (back-pressure)."""
        try:
            self._future(article)
        except KafkaError as exc:
            raise BrokerError(f"could not enqueue article {article.id}: {exc}") from exc

    async def deliver(self, article: Article) -> None:
        """Send and wait for the broker's ack, re-sending after failures until it succeeds."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._tuning.max_in_flight_articles)
        loop = asyncio.get_running_loop()
        backoff = self._tuning.retry_backoff_seconds
        async with self._slots:
            metrics.PRODUCER_IN_FLIGHT.inc()
            try:
                while True:
                    try:
                        kafka_future = await loop.run_in_executor(self._executor, self._future, article)
                        await _wait_kafka_future(loop, kafka_future)
                        metrics.ARTICLES_PRODUCED.labels(connector=article.connector or "unknown").inc()
                        return
                    except (KafkaError, BrokerError) as exc:
                        metrics.PRODUCER_ERRORS.inc()
                        log.warning(
                            "delivery of article %s failed (%s); retrying in %.1fs", article.id, exc, backoff
                        )
                        await asyncio.sleep(backoff)
                        backoff = min(backoff * 2, self._tuning.max_retry_backoff_seconds)
            finally:
                metrics.PRODUCER_IN_FLIGHT.dec()

    def flush(self, timeout: float | None = None) -> None:
        """Block until every enqueued article is acknowledged (or raise BrokerError on timeout)."""
        try:
            self._producer.flush(timeout=timeout)
        except KafkaError as exc:
            raise BrokerError(f"flush did not complete: {exc}") from exc

    def close(self, timeout: float | None = None) -> None:
        """Flush and close; idempotent."""
        if self._closed:
            return
        self._closed = True
        self._executor.shutdown(wait=True)
        try:
            self._producer.flush(timeout=timeout)
        except KafkaError as exc:
            log.warning("flush on close failed: %s", exc)
        self._producer.close(timeout=timeout)


async def _wait_kafka_future(loop: asyncio.AbstractEventLoop, kafka_future: Any) -> None:
    """Bridge a kafka-python future (resolved on its IO thread) into the event loop."""
    done: asyncio.Future[None] = loop.create_future()

    def _ok(_metadata: Any) -> None:
        loop.call_soon_threadsafe(_set, None)

    def _err(exc: BaseException) -> None:
        loop.call_soon_threadsafe(_set, exc)

    def _set(exc: BaseException | None) -> None:
        if done.done():
            return
        if exc is None:
            done.set_result(None)
        else:
            done.set_exception(exc if isinstance(exc, Exception) else BrokerError(str(exc)))

    kafka_future.add_callback(_ok)
    kafka_future.add_errback(_err)
    await done
