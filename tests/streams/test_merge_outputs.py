"""The merge stage's outputs: which send errors are retried, which dead-letter the record (issue 14).

The broker tests send through a real producer to the real broker, to a topic whose max.message.bytes
is tiny, so the refusal is the broker's own.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka import errors as kafka_errors
from faust.exceptions import ProducerSendError
from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from streams.worker import metrics
from streams.worker.outputs import (
    DEAD_LETTER_REASONS,
    RETRY_REASONS,
    SendFailure,
    classify_send_error,
    dead_letter,
    publish_acknowledged,
)
from tests.integration.kafka_io import read_all


def _wrapped(cause: BaseException) -> ProducerSendError:
    """What Faust raises when aiokafka refuses a send before queueing it."""
    try:
        raise ProducerSendError(f"Error while sending: {cause!r}") from cause
    except ProducerSendError as exc:
        return exc


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (kafka_errors.MessageSizeTooLargeError(), SendFailure(False, "too_large")),
        (_wrapped(kafka_errors.MessageSizeTooLargeError("1200000 bytes")), SendFailure(False, "too_large")),
        (kafka_errors.RecordListTooLargeError(), SendFailure(False, "too_large")),
        (kafka_errors.InvalidTimestampError(), SendFailure(False, "invalid_record")),
        (TypeError("value must be bytes"), SendFailure(False, "invalid_record")),
        (kafka_errors.KafkaTimeoutError(), SendFailure(True, "timeout")),
        (kafka_errors.RequestTimedOutError(), SendFailure(True, "timeout")),
        (TimeoutError(), SendFailure(True, "timeout")),
        (kafka_errors.NotLeaderForPartitionError(), SendFailure(True, "unavailable")),
        (_wrapped(kafka_errors.KafkaConnectionError("refused")), SendFailure(True, "unavailable")),
        (kafka_errors.NotEnoughReplicasError(), SendFailure(True, "unavailable")),
        (ConnectionResetError(), SendFailure(True, "unavailable")),
        # Topic-wide refusals are no record's fault: the stage waits for the operator, it does not
        # dead-letter every alert.
        (kafka_errors.TopicAuthorizationFailedError(), SendFailure(True, "broker_refused")),
        (kafka_errors.ProducerClosed(), SendFailure(True, "broker_refused")),
        (ProducerSendError("No transaction producer found"), SendFailure(True, "broker_refused")),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else "",
)
def test_send_errors_are_classified(error: BaseException, expected: SendFailure) -> None:
    assert classify_send_error(error) == expected
    assert expected.reason in (RETRY_REASONS if expected.retriable else DEAD_LETTER_REASONS)


class _Topic:
    """A topic on the real broker, sent to as the merge stage sends to a Faust topic."""

    def __init__(self, producer: AIOKafkaProducer, name: str) -> None:
        self.producer = producer
        self.name = name

    def get_topic_name(self) -> str:
        return self.name

    async def send(self, *, key: bytes | None, value: bytes) -> Awaitable[object]:
        return await self.producer.send(self.name, value=value, key=key)


def test_dead_letter_names_topic_key_and_reason_without_the_value() -> None:
    record = (_Topic(None, "p.alerts"), b"alert-1", b"x" * 5000)
    key, value = dead_letter(record, SendFailure(False, "too_large"), kafka_errors.MessageSizeTooLargeError())
    letter = json.loads(value)
    assert key == b"alert-1"
    assert letter["refused_by_broker"] == "p.alerts"
    assert letter["key"] == "alert-1"
    assert letter["reason"] == "too_large"
    assert letter["value_bytes"] == 5000
    assert "xxxx" not in value.decode()
    assert letter["error"].startswith("MessageSizeTooLargeError")


def _counter(counter: object, reason: str) -> float:
    return float(counter.labels(reason=reason)._value.get())  # type: ignore[attr-defined]


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    # As the worker's Faust producer (producer_acks=-1, not idempotent): an idempotent producer's
    # sequence is broken by a refused batch (OutOfOrderSequenceNumber on every later send).
    client = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


def _create(bootstrap: str, prefix: str, max_message_bytes: int) -> tuple[str, str]:
    small, dlq = f"{prefix}alerts", f"{prefix}events.dlq"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id=f"test-{uuid.uuid4().hex[:6]}")
    try:
        admin.create_topics(
            [
                NewTopic(small, 1, 1, topic_configs={"max.message.bytes": str(max_message_bytes)}),
                NewTopic(dlq, 1, 1),
            ]
        )
    finally:
        admin.close()
    return small, dlq


@pytest.mark.integration
async def test_a_record_the_broker_refuses_is_dead_lettered_and_the_rest_delivered(
    kafka_bootstrap: str, topic_prefix: str, producer: AIOKafkaProducer
) -> None:
    """Before the fix every failed send was retried for ever: this call never returned."""
    small_name, dlq_name = _create(kafka_bootstrap, topic_prefix, max_message_bytes=2000)
    small, dlq = _Topic(producer, small_name), _Topic(producer, dlq_name)
    # Six 600-byte records fit one by one but not as one batch (the broker judges a batch): the burst
    # is refused whole, and each is sent again on its own; the 5,000-byte one is refused alone too.
    records = [(small, f"a{i}".encode(), bytes([97 + i]) * 600) for i in range(6)]
    records.insert(3, (small, b"huge", b"h" * 5000))
    dead_before = _counter(metrics.MERGE_DEAD_LETTERS, "too_large")

    result = await asyncio.wait_for(publish_acknowledged(records, dlq, first_pause=0.1), timeout=90)

    assert result.dead_lettered == [(b"huge", "too_large")]
    assert _counter(metrics.MERGE_DEAD_LETTERS, "too_large") == dead_before + 1
    delivered = read_all(kafka_bootstrap, small_name, expect=6, timeout=30)
    assert sorted(delivered) == sorted(value for _, _, value in records if len(value) == 600)
    letters = [json.loads(v) for v in read_all(kafka_bootstrap, dlq_name, expect=1, timeout=30)]
    assert len(letters) == 1
    assert letters[0]["key"] == "huge"
    assert letters[0]["reason"] == "too_large"
    assert letters[0]["refused_by_broker"] == small_name


class _TimesOutFirst(_Topic):
    """The real topic, except that its first ``failures`` sends time out as during a broker outage."""

    def __init__(self, producer: AIOKafkaProducer, name: str, failures: int) -> None:
        super().__init__(producer, name)
        self.failures = failures

    async def send(self, *, key: bytes | None, value: bytes) -> Awaitable[object]:
        if self.failures > 0:
            self.failures -= 1
            raise kafka_errors.KafkaTimeoutError("batch expired")
        return await super().send(key=key, value=value)


@pytest.mark.integration
async def test_a_retriable_failure_is_sent_again_and_counted(
    kafka_bootstrap: str, topic_prefix: str, producer: AIOKafkaProducer
) -> None:
    name, dlq_name = _create(kafka_bootstrap, topic_prefix, max_message_bytes=1_000_000)
    topic = _TimesOutFirst(producer, name, failures=2)
    retries_before = _counter(metrics.MERGE_SEND_RETRIES, "timeout")
    records = [(topic, f"k{i}".encode(), f"v{i}".encode()) for i in range(3)]

    result = await asyncio.wait_for(
        publish_acknowledged(records, _Topic(producer, dlq_name), first_pause=0.05), timeout=60
    )

    assert result.retries == {"timeout": 2}
    assert result.dead_lettered == []
    assert _counter(metrics.MERGE_SEND_RETRIES, "timeout") == retries_before + 2
    assert sorted(read_all(kafka_bootstrap, name, expect=3, timeout=30)) == [b"v0", b"v1", b"v2"]
