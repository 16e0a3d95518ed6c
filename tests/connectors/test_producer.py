"""ArticleProducer without a broker: retries until acked, and bounded in-flight articles (back-pressure)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from kafka.errors import KafkaTimeoutError, MessageSizeTooLargeError
from kafka.producer.future import FutureProduceResult, FutureRecordMetadata
from kafka.structs import TopicPartition
from prometheus_client import REGISTRY

from connectors.producer import (
    MAX_REFUSALS,
    ArticleProducer,
    RejectedArticleError,
    article_key,
    fit_article,
)
from streams.records import Article, utcnow
from streams.settings import settings_from_mapping


class FakeKafka:
    """Mimics KafkaProducer.send/flush/close; the first ``failures`` sends fail, others are acked."""

    def __init__(self, failures: int = 0, hold: bool = False) -> None:
        self.failures = failures
        self.hold = hold
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.pending: list[FutureProduceResult] = []
        self.lock = threading.Lock()

    def send(self, topic: str, key: bytes, value: bytes) -> Any:
        produce = FutureProduceResult(TopicPartition(topic, 0))
        future = FutureRecordMetadata(produce, 0, -1, None, len(key), len(value), -1)
        with self.lock:
            self.sent.append((topic, key, value))
            if self.failures > 0:
                self.failures -= 1
                produce.failure(KafkaTimeoutError("broker down"))
            elif self.hold:
                self.pending.append(produce)
            else:
                produce.success((0, 0, None))
        return future

    def release(self) -> None:
        with self.lock:
            for produce in self.pending:
                produce.success((0, 0, None))
            self.pending.clear()

    def flush(self, timeout: float | None = None) -> None:
        self.release()

    def close(self, timeout: float | None = None) -> None:
        return None


def settings(**producer: Any):  # type: ignore[no-untyped-def]
    tuning = {"retry_backoff_seconds": 0.01, "max_retry_backoff_seconds": 0.05, **producer}
    return settings_from_mapping({"kafka": {"topic_prefix": "p."}, "connectors": {"producer": tuning}})


def article(n: int) -> Article:
    return Article(id=f"id{n}", url=f"https://e.example/{n}", title="t", text="x", published=utcnow())


def test_key_is_url_or_id() -> None:
    assert article_key(article(1)) == b"https://e.example/1"
    assert article_key(article(1).replace(url="")) == b"id1"


async def test_deliver_retries_through_an_outage() -> None:
    fake = FakeKafka(failures=3)
    producer = ArticleProducer(settings(), producer=fake)
    await asyncio.wait_for(producer.deliver(article(1)), 5)
    assert len(fake.sent) == 4 and all(t == "p.articles.raw" for t, _, _ in fake.sent)
    assert fake.sent[-1][1] == b"https://e.example/1"
    producer.close()


async def test_bounded_in_flight_is_back_pressure() -> None:
    fake = FakeKafka(hold=True)
    producer = ArticleProducer(settings(max_in_flight_articles=3), producer=fake)
    tasks = [asyncio.create_task(producer.deliver(article(n))) for n in range(5)]
    await asyncio.sleep(0.3)
    assert len(fake.sent) == 3  # the other two wait for a slot: nothing dropped, nothing unbounded
    assert not any(t.done() for t in tasks)
    for _ in range(20):
        fake.release()
        await asyncio.sleep(0.05)
        if all(t.done() for t in tasks):
            break
    assert all(t.done() and t.exception() is None for t in tasks)
    assert len(fake.sent) == 5
    producer.close()


def test_blocking_send_waits_for_room() -> None:
    fake = FakeKafka(hold=True)
    producer = ArticleProducer(settings(max_in_flight_articles=1, max_block_ms=200), producer=fake)
    producer.send(article(1))
    from streams.errors import BrokerError

    with pytest.raises(BrokerError, match="buffer full"):
        producer.send(article(2))  # blocked ~200 ms, then reported
    fake.release()
    producer.send(article(3))
    producer.flush(1)
    producer.close()


# --- articles too large for the broker: cut to fit (flagged), or refused at once, never retried ----------


def test_fit_article_leaves_an_article_that_fits_alone() -> None:
    small = article(1)
    fitted, value = fit_article(small, 16 * 1024)
    assert fitted is small and value == small.to_json()


@pytest.mark.parametrize("unit", ["a", "é", "\u20ac", '"', "\x01", "\U0001f600"])
def test_fit_article_cuts_the_text_to_the_limit(unit: str) -> None:
    big = article(2).replace(text=unit * 700_000, summary="short summary")
    fitted, value = fit_article(big, 100_000)
    assert len(article_key(fitted)) + len(value) <= 100_000
    assert len(article_key(fitted)) + len(value) > 100_000 - 16  # cut to the limit, not far below it
    assert fitted.text_truncated and fitted.text and big.text.startswith(fitted.text)
    assert fitted.summary == "short summary"
    decoded = Article.from_json(value)
    assert decoded.text_truncated and decoded.text == fitted.text and decoded.id == big.id


def test_fit_article_cuts_the_summary_when_the_text_is_not_enough() -> None:
    big = article(3).replace(text="t" * 10, summary="s" * 300_000)
    fitted, value = fit_article(big, 50_000)
    assert fitted.text == "" and 0 < len(fitted.summary) < 50_000 and fitted.text_truncated
    assert len(article_key(fitted)) + len(value) <= 50_000


def test_fit_article_refuses_what_cannot_fit() -> None:
    with pytest.raises(RejectedArticleError) as refused:
        fit_article(article(4).replace(title="T" * 200_000, text="x"), 50_000)
    assert refused.value.reason == "too_large"


class RefusingKafka(FakeKafka):
    """The broker answers MESSAGE_TOO_LARGE to the first ``refusals`` sends (None: to every send)."""

    def __init__(self, refusals: int | None = None) -> None:
        super().__init__()
        self.refusals = refusals

    def send(self, topic: str, key: bytes, value: bytes) -> Any:
        produce = FutureProduceResult(TopicPartition(topic, 0))
        future = FutureRecordMetadata(produce, 0, -1, None, len(key), len(value), -1)
        with self.lock:
            self.sent.append((topic, key, value))
            refuse = self.refusals is None or self.refusals > 0
            if self.refusals:
                self.refusals -= 1
        if refuse:
            produce.failure(MessageSizeTooLargeError("MESSAGE_TOO_LARGE"))
        else:
            produce.success((0, 0, None))
        return future


async def test_deliver_gives_up_on_what_the_broker_keeps_refusing() -> None:
    fake = RefusingKafka()
    producer = ArticleProducer(settings(), producer=fake)
    with pytest.raises(RejectedArticleError) as refused:
        await asyncio.wait_for(producer.deliver(article(5)), 5)
    assert refused.value.reason == "refused"
    assert len(fake.sent) == MAX_REFUSALS
    producer.close()


async def test_one_refusal_does_not_lose_the_article() -> None:
    """kafka-python fails every batch after one refusal: an article caught in that is sent again."""
    fake = RefusingKafka(refusals=1)
    producer = ArticleProducer(settings(), producer=fake)
    await asyncio.wait_for(producer.deliver(article(7)), 5)
    assert len(fake.sent) == 2 and fake.sent[0][2] == fake.sent[1][2]
    producer.close()


async def test_deliver_sends_an_oversized_article_cut_to_fit() -> None:
    fake = FakeKafka()
    producer = ArticleProducer(settings(max_article_bytes=200_000), producer=fake)
    before = REGISTRY.get_sample_value("newswatch_articles_truncated_total", {"connector": "unknown"}) or 0.0
    await asyncio.wait_for(producer.deliver(article(6).replace(text="word " * 400_000)), 5)
    assert (
        REGISTRY.get_sample_value("newswatch_articles_truncated_total", {"connector": "unknown"})
        == before + 1
    )
    ((_topic, key, value),) = fake.sent
    assert len(key) + len(value) <= 200_000
    assert Article.from_json(value).text_truncated
    producer.close()
