"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _find_seeds() -> Path:
    override = os.environ.get("NEWSWATCH_SEEDS_DIR")
    candidates = [Path(override)] if override else []
    candidates += [REPO.parent / "shared" / "seeds", REPO / "tests" / "data" / "seeds"]
    for candidate in candidates:
        if (candidate / "000_6be6fbbbb802f048.txt").is_file():
            return candidate
    raise FileNotFoundError(f"seed articles not found in any of {candidates}")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder holding the five seed articles."""
    return _find_seeds()


# ---------------------------------------------------------------- the real Kafka broker

import socket  # noqa: E402
import subprocess  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402

KAFKA_SCRIPT = REPO / "deploy" / "kafka" / "kafka.sh"
TEST_KAFKA_PORT = int(os.environ.get("NEWSWATCH_TEST_KAFKA_PORT", "29192"))


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _test_broker_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        NEWSWATCH_KAFKA_PORT=str(TEST_KAFKA_PORT),
        NEWSWATCH_KAFKA_CONTROLLER_PORT=str(TEST_KAFKA_PORT + 1),
        NEWSWATCH_KAFKA_DATA=str(REPO / "var" / "kafka-test"),
    )
    return env


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A real Kafka 3.9 broker for the test session: ``NEWSWATCH_TEST_BOOTSTRAP`` if set, else one we start.

    The broker we start listens on 127.0.0.1:29192 with its own data folder (var/kafka-test), so it
    never touches a broker that ``make run`` started, and it is stopped when the session ends.
    """
    given = os.environ.get("NEWSWATCH_TEST_BOOTSTRAP")
    if given:
        yield given
        return
    started_here = not _port_open("127.0.0.1", TEST_KAFKA_PORT)
    if started_here:
        subprocess.run([str(KAFKA_SCRIPT), "start"], env=_test_broker_env(), check=True, timeout=900)
    try:
        yield f"127.0.0.1:{TEST_KAFKA_PORT}"
    finally:
        if started_here and not os.environ.get("NEWSWATCH_TEST_KEEP_BROKER"):
            subprocess.run([str(KAFKA_SCRIPT), "stop"], env=_test_broker_env(), check=False, timeout=120)


@pytest.fixture
def topic_prefix() -> str:
    """A unique topic prefix (and Faust app id stem) per test, so tests never see each other's records."""
    return f"t{uuid.uuid4().hex[:10]}."


def free_port() -> int:
    """A TCP port that is free right now on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- a real PostgreSQL server

from tests.postgres_fixtures import postgres_database, postgres_server, postgres_url  # noqa: E402, F401
