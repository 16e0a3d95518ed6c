"""`newswatch silence add|list|expire` share the silences file with a running dispatcher."""

from __future__ import annotations

import asyncio

import orjson
import pytest
import yaml

from alerts.deadletter import MemoryDeadLetters
from alerts.delivery_log import InMemoryDeliveryLog
from alerts.dispatch import Dispatcher
from alerts.silences import parse_duration
from streams.cli import main
from streams.errors import ConfigError
from streams.settings import load_settings


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "alerts": {
                    "console": False,
                    "state_dir": str(tmp_path / "alerts"),
                    "silence_reload_seconds": 0.05,
                }
            }
        )
    )
    return path


async def test_cli_silence_reaches_running_worker(config, capsys, alert_factory):
    settings = load_settings(config, environ={})
    dispatcher = Dispatcher.from_settings(
        settings.alerts.model_copy(update={"console": True}),
        delivery_log=InMemoryDeliveryLog(),
        dead_letter=MemoryDeadLetters(),
    )
    await dispatcher.start()
    try:
        args = [
            "--config",
            str(config),
            "silence",
            "add",
            "-m",
            "type=leader_call",
            "-m",
            "participant=xi-jinping",
        ]
        assert main([*args, "--duration", "2h", "--comment", "maintenance"]) == 0
        silence_id = capsys.readouterr().out.strip()
        await asyncio.sleep(0.1)
        hushed = await dispatcher.submit(alert_factory())
        assert main(["--config", str(config), "silence", "list", "--json"]) == 0
        (row,) = orjson.loads(capsys.readouterr().out)
        assert row["id"] == silence_id and row["comment"] == "maintenance"
        assert row["matchers"] == {"type": "leader_call", "participant": "xi-jinping"}
        assert main(["--config", str(config), "silence", "expire", silence_id]) == 0
        assert main(["--config", str(config), "silence", "expire", silence_id]) == 1
        capsys.readouterr()
        await asyncio.sleep(0.1)
        loud = await dispatcher.submit(alert_factory())
        await dispatcher.flush(5)
    finally:
        await dispatcher.close()
    assert (hushed.sent, hushed.reason) == (False, "silenced")
    assert loud.sent
    assert "ALERT" in capsys.readouterr().out  # the console sink printed the unsilenced one
    assert main(["--config", str(config), "silence", "list"]) == 0
    assert silence_id not in capsys.readouterr().out
    assert main(["--config", str(config), "silence", "list", "--all"]) == 0
    assert silence_id in capsys.readouterr().out


def test_bad_matcher_and_duration(config, capsys):
    assert main(["--config", str(config), "silence", "add", "-m", "colour=red", "-d", "1h"]) == 2
    assert "unknown matcher key" in capsys.readouterr().err
    assert parse_duration("90m") == 5400 and parse_duration("1d") == 86400
    with pytest.raises(ConfigError):
        parse_duration("soon")
