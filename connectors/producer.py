"""Kafka producer for articles: acks=all + idempotence, compressed batches, and back-pressure.

Key = canonical URL (bytes), value = ``Article.to_json()``, topic = ``settings.topic(ARTICLES_RAW)``.
``send`` is the blocking form (it blocks while kafka-python's buffer is full); ``deliver`` is the asyncio
form used by the connectors: it holds one of ``max_in_flight_articles`` slots until the broker has
acknowledged the article, re-sending after failures, so a broker outage stalls polling instead of
dropping articles.

An article must never stall a connector because of what it is. The limit is
``producer.max_article_bytes``, lowered to what the topic's ``max.message.bytes`` allows (read at start);
a larger article has its text (then summary) cut to fit and is flagged ``text_truncated``; one that still
does not fit or cannot be encoded raises ``RejectedArticleError`` at once (counted, never retried). If
the broker refuses a record anyway (the topic's limit was lowered while running), kafka-python's
idempotent producer fails for good, so the limit is read again, the producer rebuilt and the article
cut again and re-sent; refused ``MAX_REFUSALS`` times, it is rejected.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from typing import Any, Protocol

import orjson
from kafka import KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient
from kafka.errors import InvalidRecordError, KafkaError, MessageSizeTooLargeError, RecordListTooLargeError

from connectors import metrics
from streams.errors import BrokerError, RecordError
from streams.records import Article
from streams.settings import Settings
from streams.topics import ARTICLES_RAW

log = logging.getLogger(__name__)

# Broker answers that the same record cannot change by re-sending: the record itself is the problem.
PERMANENT_ERRORS = (MessageSizeTooLargeError, RecordListTooLargeError, InvalidRecordError)
MAX_REFUSALS = 3


def broker_record_limit(settings: Settings) -> int | None:
    """The largest record the raw topic takes, from its ``max.message.bytes`` (None if unreadable).

    A margin covers the batch and record headers and compression that cannot shrink the value.
    """
    topic = settings.topic(ARTICLES_RAW)
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=[s.strip() for s in settings.kafka.bootstrap_servers.split(",") if s.strip()],
            client_id="newswatch-connectors-limits",
            request_timeout_ms=10_000,
        )
        try:
            answer = admin.describe_configs(
                [ConfigResource(ConfigResourceType.TOPIC, topic, ["max.message.bytes"])], config_filter="all"
            )
        finally:
            admin.close()
        allowed = int(answer["topic"][topic]["max.message.bytes"]["value"])
    except (KafkaError, KeyError, TypeError, ValueError, OSError) as exc:
        log.warning(
            "could not read max.message.bytes of %s (%s); using producer.max_article_bytes", topic, exc
        )
        return None
    return allowed - 1024 - allowed // 100


class RejectedArticleError(RecordError):
    """An article Kafka will never accept; callers skip it with this reason instead of retrying."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # metric label: too_large, not_encodable, refused


class ArticleSink(Protocol):
    """What pollers and the spool need from a producer (tests and the benchmark use fakes)."""

    async def deliver(self, article: Article) -> None: ...

    def flush(self, timeout: float | None = None) -> None: ...


def article_key(article: Article) -> bytes:
    """The Kafka key: the canonical URL, or the id when an article has no URL."""
    return (article.url or article.id).encode("utf-8")


def fit_article(article: Article, max_bytes: int) -> tuple[Article, bytes]:
    """The article and its JSON value, its text and then summary cut until key + value fit ``max_bytes``.

    A cut article is flagged ``text_truncated``. RejectedArticleError if it cannot be encoded or does not
    fit even without text and summary (a huge title, URL or author list).
    """
    try:
        key = article_key(article)
        value = article.to_json()
    except (orjson.JSONEncodeError, UnicodeEncodeError) as exc:
        raise RejectedArticleError(f"article {article.id} cannot be encoded: {exc}", "not_encodable") from exc
    if len(key) + len(value) <= max_bytes:
        return article, value
    cut = article.replace(text_truncated=True)
    for name in ("text", "summary"):
        empty = cut.replace(**{name: ""})
        budget = max_bytes - len(key) - len(empty.to_json())
        if budget >= 0:
            fitted = cut.replace(**{name: _prefix_within(getattr(cut, name), budget)})
            return fitted, fitted.to_json()
        cut = empty
    raise RejectedArticleError(
        f"article {article.id} is larger than {max_bytes} bytes even without its text", "too_large"
    )


def _prefix_within(text: str, budget: int) -> str:
    """The longest prefix of ``text`` whose JSON string form adds at most ``budget`` bytes to ``""``."""
    low, high = 0, min(len(text), budget)  # every character takes at least one byte
    while low < high:
        middle = (low + high + 1) // 2
        if len(orjson.dumps(text[:middle])) - 2 <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low]


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
        self._settings = settings
        self._tuning = settings.connectors.producer
        self._injected = producer
        self._producer = producer if producer is not None else build_kafka_producer(settings)
        self._generation = 0
        self.max_article_bytes = self._tuning.max_article_bytes
        if producer is None:
            self._apply_broker_limit()
        self._slots: asyncio.Semaphore | None = None
        self._send_lock = threading.Lock()
        # kafka-python 3 has no buffer_memory limit: this bounds unacknowledged records instead.
        self._buffer = threading.BoundedSemaphore(self._tuning.max_in_flight_articles)
        # One thread does the (possibly blocking) enqueue so the event loop never stalls on a full buffer.
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="kafka-send")
        self._closed = False

    def _apply_broker_limit(self) -> None:
        limit = broker_record_limit(self._settings)
        if limit is not None and limit < self._tuning.max_article_bytes:
            log.info("articles are cut to %d bytes (max.message.bytes of %s)", limit, self.topic)
            self.max_article_bytes = max(limit, 1024)
        else:
            self.max_article_bytes = self._tuning.max_article_bytes

    def _recover(self, generation: int) -> None:
        """After a refusal: read the topic's limit again and replace the (now failed) producer, once."""
        if generation != self._generation:
            return  # another refusal of the same producer already did it
        self._generation += 1
        if self._injected is not None:
            return
        self._apply_broker_limit()
        old = self._producer
        with self._send_lock:
            self._producer = build_kafka_producer(self._settings)
        try:
            old.close(timeout=0)
        except Exception as exc:  # the failed producer's own clean-up; the new one is in place
            log.warning("closing the refused producer failed: %s", exc)

    def _fit(self, article: Article) -> tuple[Article, bytes]:
        connector = article.connector or "unknown"
        try:
            fitted, value = fit_article(article, self.max_article_bytes)
        except RejectedArticleError as exc:
            metrics.ARTICLES_REJECTED.labels(connector=connector, reason=exc.reason).inc()
            raise
        if fitted is not article:
            metrics.ARTICLES_TRUNCATED.labels(connector=connector).inc()
            log.warning(
                "article %s: text cut from %d to %d characters to fit %d bytes",
                article.id,
                len(article.text),
                len(fitted.text),
                self.max_article_bytes,
            )
        return fitted, value

    def _future(self, article: Article, value: bytes) -> Any:
        if not self._buffer.acquire(timeout=self._tuning.max_block_ms / 1000):
            raise BrokerError(f"buffer full for {self._tuning.max_block_ms} ms (broker unavailable?)")
        try:
            with self._send_lock:
                future = self._producer.send(self.topic, key=article_key(article), value=value)
        except BaseException:
            self._buffer.release()
            raise
        future.add_both(lambda _result: self._buffer.release())
        return future

    def send(self, article: Article) -> None:
        """Enqueue one article; blocks while the producer's buffer is full (back-pressure)."""
        article, value = self._fit(article)
        try:
            self._future(article, value)
        except KafkaError as exc:
            raise BrokerError(f"could not enqueue article {article.id}: {exc}") from exc

    async def deliver(self, article: Article) -> None:
        """Send and wait for the broker's ack, re-sending after failures until it succeeds.

        RejectedArticleError if the article cannot be made to fit, or the broker refused it
        ``MAX_REFUSALS`` times (each time after re-reading its limit with a new producer).
        """
        original = article
        article, value = self._fit(article)
        refusals = 0
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._tuning.max_in_flight_articles)
        loop = asyncio.get_running_loop()
        backoff = self._tuning.retry_backoff_seconds
        async with self._slots:
            metrics.PRODUCER_IN_FLIGHT.inc()
            try:
                while True:
                    generation = self._generation
                    try:
                        kafka_future = await loop.run_in_executor(
                            self._executor, self._future, article, value
                        )
                        await _wait_kafka_future(loop, kafka_future)
                        metrics.ARTICLES_PRODUCED.labels(connector=article.connector or "unknown").inc()
                        return
                    except PERMANENT_ERRORS as exc:
                        metrics.PRODUCER_ERRORS.inc()
                        refusals += 1
                        if refusals >= MAX_REFUSALS:
                            metrics.ARTICLES_REJECTED.labels(
                                connector=article.connector or "unknown", reason="refused"
                            ).inc()
                            raise RejectedArticleError(
                                f"Kafka refused article {article.id} ({len(value)} bytes) {refusals} times: "
                                f"{exc}",
                                "refused",
                            ) from exc
                        log.warning(
                            "Kafka refused article %s (%d bytes): %s; reading the topic's limit again and "
                            "re-sending with a new producer",
                            article.id,
                            len(value),
                            exc,
                        )
                        try:
                            # Same single thread as the sends: no send runs while the producer is replaced.
                            await loop.run_in_executor(self._executor, self._recover, generation)
                        except (KafkaError, BrokerError) as recover_error:
                            log.warning(
                                "new producer not ready (%s); retrying in %.1fs", recover_error, backoff
                            )
                            await asyncio.sleep(backoff)
                            backoff = min(backoff * 2, self._tuning.max_retry_backoff_seconds)
                        article, value = self._fit(original)
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
