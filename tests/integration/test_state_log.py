"""The shared state log on the real broker: one order for every writer, read whole by a later reader."""

from __future__ import annotations

import asyncio

import pytest

from streams.errors import BrokerError
from streams.worker.state_log import StateLog, ensure_log_topic

pytestmark = pytest.mark.integration


class _Applied:
    def __init__(self) -> None:
        self.records: list[tuple[bytes, bytes | None, int]] = []

    def __call__(self, key: bytes, value: bytes | None, offset: int, written_at: float) -> None:
        assert written_at > 0
        self.records.append((key, value, offset))


def test_two_writers_share_one_order_and_a_late_reader_reads_it_all(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    topic = f"{topic_prefix}dedupe.state"

    async def scenario() -> tuple[list[_Applied], int, int]:
        seen = [_Applied(), _Applied()]
        first, second = (StateLog(kafka_bootstrap, topic, applied) for applied in seen)
        await asyncio.gather(first.start(), second.start())
        try:
            ends = await asyncio.gather(
                first.write([(b"fa", b"1"), (b"fb", b"2")]), second.write([(b"fc", b"3"), (b"fa", None)])
            )
            assert all(end is not None for end in ends)
            last = max(end for end in ends if end is not None)
            await asyncio.wait_for(asyncio.gather(first.applied(last), second.applied(last)), 30)
        finally:
            await asyncio.gather(first.stop(), second.stop())
        late = _Applied()
        reader = StateLog(kafka_bootstrap, topic, late)
        await reader.start()  # returns once the log is read to the end it found
        await reader.stop()
        seen.append(late)
        return seen, last, reader.position

    seen, last, position = asyncio.run(scenario())
    first, second, late = (applied.records for applied in seen)
    assert len(first) == 4 and first == second == late  # the same records, in the same order, everywhere
    assert [offset for _, _, offset in first] == sorted(offset for _, _, offset in first)
    assert position == last + 1


def test_a_log_topic_with_more_than_one_partition_is_refused(kafka_bootstrap: str, topic_prefix: str) -> None:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    topic = f"{topic_prefix}dedupe.state"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics([NewTopic(topic, 2, 1)])
    finally:
        admin.close()
    with pytest.raises(BrokerError, match="exactly 1"):
        ensure_log_topic(kafka_bootstrap, topic, 1, 1)
