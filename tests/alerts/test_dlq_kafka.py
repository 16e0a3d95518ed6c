"""Dead letters via the real broker: receiver down for the whole budget, then dlq list and dlq replay."""

from __future__ import annotations

import asyncio
import base64
import socket

import orjson
import pytest
import yaml
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from pytest_httpserver import HTTPServer
from standardwebhooks import Webhook
from werkzeug import Request, Response

from alerts.deadletter import DeadLetter
from alerts.delivery_log import InMemoryDeliveryLog
from alerts.dispatch import Dispatcher
from alerts.dlq import dlq_size
from streams.cli import main
from streams.settings import load_settings
from streams.topics import ALERTS_DLQ

pytestmark = pytest.mark.integration

SECRET = "whsec_" + base64.b64encode(b"dlq-test-secret-0123456789abcdef").decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_dead_letter_listed_and_replayed(kafka_bootstrap, topic_prefix, tmp_path, capsys, alert_factory):
    port = _free_port()
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "kafka": {"bootstrap_servers": kafka_bootstrap, "topic_prefix": topic_prefix},
                "alerts": {
                    "console": False,
                    "state_dir": str(tmp_path / "alerts"),
                    "retry": {"max_attempts": 3, "initial_backoff_seconds": 0.05, "max_backoff_seconds": 0.1},
                    "sinks": [
                        {
                            "name": "hook",
                            "type": "webhook",
                            "url": f"http://127.0.0.1:{port}/in",
                            "secrets": [SECRET],
                        }
                    ],
                },
            }
        )
    )
    settings = load_settings(config, environ={})
    topic = settings.topic(ALERTS_DLQ)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
    admin.close()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")

    async def publish(letter: DeadLetter) -> None:
        future = producer.send(topic, key=letter.key.encode(), value=letter.to_json())
        await asyncio.to_thread(future.get, 30)

    alert = alert_factory("Receiver was down")

    async def worker_side() -> None:
        dispatcher = Dispatcher.from_settings(
            settings.alerts, delivery_log=InMemoryDeliveryLog(), dead_letter=publish
        )
        await dispatcher.start()
        await dispatcher.submit(alert)
        await dispatcher.flush(30)
        await dispatcher.close()

    asyncio.run(worker_side())  # nothing listens on the port: three attempts, then alerts.dlq
    producer.close()

    assert main(["--config", str(config), "dlq", "list", "--json"]) == 0
    rows = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["alert_id"], r["sink"], r["attempts"]) for r in rows] == [(alert.id, "hook", 3)]
    assert "ClientConnectorError" in rows[0]["error"]
    assert dlq_size(kafka_bootstrap, topic) == 1

    received: list[Request] = []

    def handler(request: Request) -> Response:
        received.append(request)
        return Response("", status=204)

    server = HTTPServer("127.0.0.1", port)  # the receiver is back, at the same address
    server.expect_request("/in", method="POST").respond_with_handler(handler)
    server.start()
    try:
        assert main(["--config", str(config), "dlq", "replay", "--id", alert.id]) == 0
        assert "delivered" in capsys.readouterr().out
        assert main(["--config", str(config), "dlq", "replay"]) == 0  # replay log: not sent twice
        assert "duplicate" in capsys.readouterr().out
    finally:
        server.clear()
        server.stop()
    assert len(received) == 1
    request = received[0]
    payload = Webhook(SECRET).verify(request.get_data(), dict(request.headers))
    assert payload["id"] == alert.id and request.headers["webhook-id"] == f"msg_{alert.id}"


def test_dlq_list_of_missing_topic_is_empty(kafka_bootstrap, topic_prefix, tmp_path, capsys):
    config = tmp_path / "c.yaml"
    config.write_text(
        yaml.safe_dump({"kafka": {"bootstrap_servers": kafka_bootstrap, "topic_prefix": topic_prefix}})
    )
    assert main(["--config", str(config), "dlq", "list", "--timeout", "10"]) == 0
    assert "0 dead letter(s)" in capsys.readouterr().err
