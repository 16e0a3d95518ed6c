"""The merge agent: a thin Faust shell around ``streams.events.merge_stage.MergeStage``.

events --merge--> alerts + events.merged (failed reports: events.dlq)

Each report is taken by plain stream iteration, so Faust makes it the current event and the event
table's write for it lands on its partition (the ``events`` topic and the table are both keyed by event
id) with public APIs only. Outputs first, state second: the report's alert and merged event are
acknowledged by the broker (``streams.worker.outputs``) before its new state is written, and Faust
acknowledges the report's offset only after that, so a kill at any point makes the same decision again
with the same alert id, never a state without its alert (docs/architecture.md, "Guarantees").

One report per round trip: a burst of reports waits for one acknowledgement each. The stage sees about
one report per hundred articles, so this stays far from the worker's bottleneck.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import faust
from faust.types import TableT

from streams.events.merge_stage import DEAD_LETTER_REASONS, MergeOutputs, MergeStage
from streams.settings import Settings
from streams.worker import metrics
from streams.worker.app import PipelineTopics
from streams.worker.outputs import Outgoing, publish_acknowledged

EVENT_TABLE = "events"  # changelog topic <app id>-events-changelog


def outgoing(out: MergeOutputs, topics: PipelineTopics) -> list[Outgoing]:
    """The records a batch sends: dead letters, merged events, then alerts."""
    records: list[Outgoing] = [(topics.events_dlq, key, value) for key, value in out.dead]
    records += [(topics.events_merged, key, value) for key, value in out.merged]
    records += [(topics.alerts, key, value) for key, value in out.alerts]
    return records


class MergeMetrics:
    """The merge stage's series, labelled children bound once."""

    def __init__(self) -> None:
        metrics.init_labels()
        self.seconds = metrics.STAGE_SECONDS.labels(stage="merge")
        self.errors = metrics.STAGE_ERRORS.labels(stage="merge")
        dead = metrics.EVENT_REPORTS_DEAD_LETTERED
        self.dead = {reason: dead.labels(reason=reason) for reason in DEAD_LETTER_REASONS}

    def count(self, out: MergeOutputs, reports: int) -> None:
        for reason, count in out.merges.items():
            metrics.EVENTS_MERGED.labels(reason=reason).inc(count)
        for reason, count in out.alerted.items():
            metrics.ALERTS_EMITTED.labels(reason=reason).inc(count)
        for reason, count in out.dead_reasons.items():
            self.dead[reason].inc(count)
            self.errors.inc(count)
        if reports:
            per_report = out.seconds / reports
            for _ in range(reports):
                self.seconds.observe(per_report)


def register_merge_stage(app: faust.App, topics: PipelineTopics, settings: Settings) -> TableT[bytes, bytes]:
    """Attach the event table and the merge agent to ``app``; returns the table."""
    event_table = app.Table(
        EVENT_TABLE,
        key_type=bytes,
        value_type=bytes,
        partitions=settings.kafka.partitions,
    )
    stage = MergeStage()
    counters = MergeMetrics()

    @app.agent(topics.events, name="newswatch.merge")
    async def merge_agent(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for event in stream.events():
            out = stage.process([(event.key, event.value)], event_table)
            counters.count(out, 1)
            await publish_acknowledged(outgoing(out, topics), dead_letters=topics.events_dlq)
            for writes in out.writes.values():
                for key, state in writes:
                    event_table[key] = state  # the current event is this report: its partition
            yield None

    return event_table
