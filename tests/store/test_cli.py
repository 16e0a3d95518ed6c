"""``newswatch store migrate`` and the standalone API server (``newswatch api``)."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
from pathlib import Path

import aiohttp
import pytest

from streams.settings.store import StoreSettings
from streams.store import open_store
from streams.store.cli import cmd_migrate, register
from streams.store.server import serve_api


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newswatch")
    parser.add_argument("--config")
    register(parser.add_subparsers(dest="command"))
    return parser


def test_commands_parse() -> None:
    args = _parser().parse_args(["api", "--port", "9000", "--no-migrate"])
    assert (args.port, args.no_migrate, args.func.__name__) == (9000, True, "cmd_api")
    assert _parser().parse_args(["store", "migrate"]).func is cmd_migrate


def test_store_migrate_uses_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # the default URL is relative: sqlite:///var/newswatch.db
    for name in [n for n in os.environ if n.startswith("NEWSWATCH_")]:
        monkeypatch.delenv(name)
    assert cmd_migrate(_parser().parse_args(["store", "migrate"])) == 0
    assert (tmp_path / "var" / "newswatch.db").is_file()
    assert "store schema at version" in capsys.readouterr().out


async def test_serve_api_until_stopped(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = StoreSettings(url=f"sqlite:///{tmp_path}/served.db", api_port=port)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_api(settings, stop=stop))
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/readyz") as response:
                        assert response.status == 200
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("server did not start")
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0
    store = open_store(settings)
    await store.ping()  # migrated at start
    await store.close()
