"""After a rebalance, rewind the partitions that have no committed offset to their first record.

Faust seeks every assigned partition to its committed offset once a rebalance is over, but the client
below it (aiokafka's ``seek_to_committed``) seeks only where that offset is above 0. A partition that no
worker has committed yet (the worker that held it was killed before its first commit, as a starved merge
or alert agent can be) keeps the position its fetches reached during the rebalance; those records were
dropped (``streams.worker.app.hold_records_during_seek``), and the first record processed after them
commits past them. The issue-19 kill test lost 10 to 37 of 120 alerts this way: reports on ``events`` and
alerts on ``alerts`` committed by the next owner without ever being processed.

``RewindUncommitted`` is a Faust sensor (a public extension point): when Faust reports the rebalance
over, it holds the flow, seeks the stream partitions without a committed offset to their earliest
offset (the partitions with one to it again, as Faust did), and lets the records flow again. Records
are read twice at most; every stage is idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from typing import Any

import faust
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faust.types import TP

from streams.worker.metrics import PARTITIONS_REWOUND

log = logging.getLogger(__name__)


class RewindUncommitted(faust.Sensor):
    """Seek the uncommitted partitions of ``topics`` to their first record at the end of every rebalance."""

    def __init__(self, app: faust.App, bootstrap: str, topics: Collection[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.bootstrap = bootstrap
        self.topics = frozenset(topics)
        self._rewinds: set[asyncio.Task[None]] = set()

    def on_rebalance_end(self, app: Any, state: Any) -> None:
        """Called right after Faust resumed the flow: hold it again until the rewind is done."""
        self.app.consumer.stop_flow()
        task = asyncio.ensure_future(self.rewind())
        self._rewinds.add(task)
        task.add_done_callback(self._rewinds.discard)

    async def rewind(self) -> None:
        consumer = self.app.consumer
        try:
            await consumer.perform_seek()  # the committed ones again, as Faust did before the flow resumed
            streams = [tp for tp in consumer.assignment() if tp.topic in self.topics]
            committed = await self.committed(streams)
            uncommitted = [tp for tp in streams if not committed.get(tp)]
            if uncommitted:
                earliest = await consumer.earliest_offsets(*uncommitted)
                for tp in uncommitted:
                    await consumer.seek(tp, earliest[tp])
                PARTITIONS_REWOUND.labels("rewound").inc(len(uncommitted))
                log.info(
                    "rebalance: %d partitions without a committed offset read from their first record",
                    len(uncommitted),
                    extra={"stage": "worker"},
                )
        except Exception:  # a new rebalance took the partitions: it seeks them itself
            PARTITIONS_REWOUND.labels("failed").inc()
            log.warning("rewinding uncommitted partitions failed", exc_info=True, extra={"stage": "worker"})
        finally:
            if not self.app.rebalancing:
                consumer.resume_flow()

    async def committed(self, partitions: Collection[TP]) -> dict[TP, int]:
        """The group's committed offsets of ``partitions`` (absent: none committed), from the broker."""
        if not partitions:
            return {}
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            asked = [TopicPartition(tp.topic, tp.partition) for tp in partitions]
            found = await admin.list_consumer_group_offsets(self.app.conf.id, partitions=asked)
        finally:
            await admin.close()
        return {TP(tp.topic, tp.partition): meta.offset for tp, meta in found.items() if meta.offset >= 0}
