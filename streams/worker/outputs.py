"""The merge stage's outputs: sent until acknowledged, dead-lettered if the broker refuses one for good.

A send that fails for a reason that may pass (broker away, leader moving, timeout, or a topic-wide
refusal such as a missing ACL, which an operator fixes) is sent again after a pause doubling up to
10 s: the stage waits rather than write a state whose alert is not on Kafka. A record the broker will
never take (too large, invalid) is first sent again on its own, since aiokafka packs a burst into one
batch per partition and the broker judges the batch's size; refused alone, it is replaced by a small
dead letter on ``events.dlq`` naming its topic, key and reason, so the stage moves on.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, cast

from aiokafka import errors as kafka_errors

from streams.worker import metrics

log = logging.getLogger(__name__)

MAX_PAUSE = 10.0
ERROR_TEXT_LIMIT = 300

#: Refusals about the record itself: sending it again can only fail again.
_RECORD_REFUSALS: dict[type[BaseException], str] = {
    kafka_errors.MessageSizeTooLargeError: "too_large",
    kafka_errors.RecordTooLargeError: "too_large",
    kafka_errors.RecordListTooLargeError: "too_large",
    kafka_errors.CorruptRecordException: "invalid_record",
    kafka_errors.InvalidTimestampError: "invalid_record",
    kafka_errors.UnsupportedForMessageFormatError: "invalid_record",
}
_TIMEOUTS = (kafka_errors.KafkaTimeoutError, kafka_errors.RequestTimedOutError, TimeoutError)
RETRY_REASONS = ("timeout", "unavailable", "broker_refused", "alone")
DEAD_LETTER_REASONS = ("too_large", "invalid_record")


class OutputTopic(Protocol):
    """What the stage sends to: a Faust topic (``send`` returns the future of the broker's ack)."""

    def get_topic_name(self) -> str: ...

    async def send(self, *, key: bytes | None, value: bytes) -> Awaitable[object]: ...


Outgoing = tuple[OutputTopic, bytes | None, bytes]  # topic, key, value


@dataclass(frozen=True, slots=True)
class SendFailure:
    """How a failed send is handled: sent again (``retriable``) or dead-lettered, and why."""

    retriable: bool
    reason: str


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps (Faust raises ``ProducerSendError`` from aiokafka's error)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify_send_error(exc: BaseException) -> SendFailure:
    """Retriable unless the error is about the record itself (too large, invalid, unserialisable)."""
    chain = _causes(exc)
    for error in chain:
        for kind, reason in _RECORD_REFUSALS.items():
            if isinstance(error, kind):
                return SendFailure(False, reason)
    if any(isinstance(error, _TIMEOUTS) for error in chain):
        return SendFailure(True, "timeout")
    kafka = next((error for error in chain if isinstance(error, kafka_errors.KafkaError)), None)
    if kafka is not None:
        return SendFailure(True, "unavailable" if kafka.retriable else "broker_refused")
    if any(isinstance(error, (OSError, ConnectionError)) for error in chain):
        return SendFailure(True, "unavailable")
    if any(type(error).__module__.split(".")[0] == "faust" for error in chain):
        return SendFailure(True, "broker_refused")  # producer not ready or stopping: not the record's fault
    return SendFailure(False, "invalid_record")  # TypeError, ValueError: this record cannot be sent


def error_text(exc: BaseException) -> str:
    """The error as one short line (class and message) for logs and dead letters."""
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return text if len(text) <= ERROR_TEXT_LIMIT else text[: ERROR_TEXT_LIMIT - 3] + "..."


def dead_letter(record: Outgoing, failure: SendFailure, exc: BaseException) -> tuple[bytes | None, bytes]:
    """The (key, value) put on ``events.dlq`` in place of a record the broker refused for good."""
    topic, key, value = record
    letter = {
        "stage": "merge",
        "refused_by_broker": topic.get_topic_name(),
        "key": None if key is None else key.decode("utf-8", "replace"),
        "reason": failure.reason,
        "error": error_text(exc),
        "value_bytes": len(value),
    }
    return key, json.dumps(letter, sort_keys=True).encode()


@dataclass
class PublishResult:
    """What one ``publish_acknowledged`` call had to do beyond a plain send."""

    retries: dict[str, int] = field(default_factory=dict)  # reason -> records sent again
    dead_lettered: list[tuple[bytes | None, str]] = field(default_factory=list)  # (key, reason)


@dataclass
class _Pending:
    record: Outgoing
    alone: bool = False  # send on its own (after a refusal of the burst it was part of)
    is_letter: bool = False  # a dead letter: never dead-lettered again, only retried


async def _send(records: Sequence[_Pending]) -> list[object | BaseException]:
    """Send each record, back to back, and wait for every ack (or error)."""
    outcomes: list[object] = []
    for pending in records:
        topic, key, value = pending.record
        try:
            outcomes.append(await topic.send(key=key, value=value))
        except Exception as exc:  # not even queued (producer not ready, record too large, ...)
            outcomes.append(exc)
    acks = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    results = iter(await asyncio.gather(*cast(list[Awaitable[object]], acks), return_exceptions=True))
    return [outcome if isinstance(outcome, BaseException) else next(results) for outcome in outcomes]


async def publish_acknowledged(
    records: Sequence[Outgoing], dead_letters: OutputTopic, *, first_pause: float = 0.5
) -> PublishResult:
    """Return once the broker acknowledged every record, or the dead letter of one it refused for good.

    The caller writes its state afterwards, so it never records an effect that did not happen. A record
    sent twice is a repeat of the same id, which its readers drop.
    """
    result = PublishResult()
    pause = first_pause
    todo = [_Pending(record) for record in records]
    while todo:
        burst = [p for p in todo if not p.alone]
        outcomes = list(zip(burst, await _send(burst), strict=True))
        for pending in (p for p in todo if p.alone):  # one at a time: its own batch
            outcomes += list(zip([pending], await _send([pending]), strict=True))
        again: list[_Pending] = []
        wait = False
        for pending, outcome in outcomes:
            if not isinstance(outcome, BaseException):
                continue
            failure = classify_send_error(outcome)
            if failure.retriable or pending.is_letter:
                reason, wait = failure.reason, True
                again.append(pending)
            elif not pending.alone and len(burst) > 1:
                reason = "alone"
                again.append(_Pending(pending.record, alone=True))
            else:
                key, value = dead_letter(pending.record, failure, outcome)
                metrics.MERGE_DEAD_LETTERS.labels(reason=failure.reason).inc()
                result.dead_lettered.append((pending.record[1], failure.reason))
                log.error(
                    "the broker refused a record for %s for good (%s); dead-lettered with its key %r",
                    pending.record[0].get_topic_name(),
                    error_text(outcome),
                    None if pending.record[1] is None else pending.record[1].decode("utf-8", "replace"),
                    extra={"stage": "merge"},
                )
                again.append(_Pending((dead_letters, key, value), alone=True, is_letter=True))
                continue
            metrics.MERGE_SEND_RETRIES.labels(reason=reason).inc()
            result.retries[reason] = result.retries.get(reason, 0) + 1
        if again and wait:
            failed = [o for _, o in outcomes if isinstance(o, BaseException)]
            log.warning(
                "%d of %d records not acknowledged (%s); sending them again in %.1f s",
                len(again),
                len(todo),
                error_text(failed[0]),
                pause,
                extra={"stage": "merge"},
            )
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE)
        todo = again
    return result
