"""The framework's own ceiling: a Faust agent that consumes articles.raw and re-sends every record.

Same Faust version, same broker, same app settings as the worker (``streams.worker.app.create_app``:
raw key/value serialisers, acks=-1, the same commit settings and partition count), so the only
difference from the real worker is that it does no work: no JSON decode, no dedupe, no detection, and
one output topic (``bench.passthrough``) instead of the pipeline's chain of topics.

Run by ``bench/e2e_bench.py`` as ``python bench/passthrough_app.py CONFIG`` (a newswatch YAML whose
``worker.app_id`` names the consumer group); stops on SIGTERM.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import faust  # noqa: E402
from kafka.admin import KafkaAdminClient, NewTopic  # noqa: E402
from kafka.errors import TopicAlreadyExistsError  # noqa: E402
from prometheus_client import Counter, start_http_server  # noqa: E402

from streams.admin import ensure_topics  # noqa: E402
from streams.settings import Settings, load_settings  # noqa: E402
from streams.topics import ARTICLES_RAW  # noqa: E402
from streams.worker.app import create_app  # noqa: E402

OUTPUT = "bench.passthrough"
PASSED = Counter("newswatch_bench_passthrough_total", "Records re-sent by the pass-through agent.")


def create_output_topic(settings: Settings) -> None:
    """Create the output topic like the pipeline's (same partitions); Faust only declares source topics."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers.split(","))
    try:
        admin.create_topics(
            [NewTopic(settings.topic(OUTPUT), settings.kafka.partitions, settings.kafka.replication_factor)]
        )
    except TopicAlreadyExistsError:
        pass
    finally:
        admin.close()


def build(config: Path) -> tuple[faust.App, int]:
    settings = load_settings(config, environ={})
    ensure_topics(settings)
    create_output_topic(settings)
    app = create_app(settings)

    def topic(name: str) -> faust.TopicT:
        return app.topic(
            settings.topic(name),
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.kafka.partitions,
        )

    source, sink = topic(ARTICLES_RAW), topic(OUTPUT)

    @app.agent(source, name="bench.passthrough")
    async def passthrough(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for event in stream.events():
            await sink.send(key=event.key, value=event.value)
            PASSED.inc()
            yield None

    return app, settings.worker.metrics_port


def main() -> None:
    app, metrics_port = build(Path(sys.argv[1]))
    if metrics_port:
        start_http_server(metrics_port, addr="127.0.0.1")
    faust.Worker(app, loglevel="warning", quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main()
