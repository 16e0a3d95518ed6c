"""Fixtures for the alerts tests: sample alerts and real HTTP receivers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from streams.records import Alert, Event, Evidence, Participant


def make_alert(
    headline: str = "Putin and Xi hold phone call",
    *,
    type: str = "leader_call",
    date: str = "2026-11-20",
    reason: str = "first",
    people: tuple[tuple[str, str], ...] = (("Vladimir Putin", "RUS"), ("Xi Jinping", "CHN")),
    sources: int = 2,
    severity: str = "warning",
    rule: str | None = None,
) -> Alert:
    """An alert with evidence and links; ``sources`` distinct source sites."""
    participants = tuple(
        Participant(name=n, country=c, person_id=n.lower().replace(" ", "-"), is_leader=True)
        for n, c in people
    )
    evidence = tuple(
        Evidence(
            article_id=f"a{i}",
            url=f"https://news{i}.example/story/{i}?a=1&b=2",
            sentence=f"{headline} (report {i})",
            source=f"news{i}.example",
            published=datetime(2026, 11, 20, 10, i % 60, tzinfo=UTC),
            rule="leader_call",
        )
        for i in range(sources)
    )
    event = Event(
        type=type,
        date=date,
        participants=participants,
        headline=headline,
        evidence=evidence,
        sources=tuple(e.source for e in evidence),
        severity=severity,
        rule=rule,
        cameo="036",
        plover_category="CONSULT",
    )
    return Alert(event=event, reason=reason)


@pytest.fixture
def alert_factory() -> Callable[..., Alert]:
    return make_alert


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        import orjson

        return orjson.loads(self.body)


@dataclass
class Receiver:
    """A scripted HTTP receiver: answers from ``script`` (then ``default``), records every request."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    script: list[tuple[int, dict[str, str], str]] = field(default_factory=list)
    default: tuple[int, dict[str, str], str] = (200, {}, "ok")
    check: Callable[[Received], tuple[int, str] | None] | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        got = Received(request.path_qs, dict(request.headers), await request.read(), time.monotonic())
        self.requests.append(got)
        self.arrived.set()
        if self.check is not None:
            verdict = self.check(got)
            if verdict is not None:
                return web.Response(status=verdict[0], text=verdict[1])
        status, headers, body = self.script.pop(0) if self.script else self.default
        return web.Response(status=status, headers=headers, text=body)

    async def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"receiver got {len(self.requests)} of {count} requests")
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), 0.05)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A real aiohttp server on 127.0.0.1 with a random port; ``receiver.url`` ends in /hook/<token>."""
    recv = Receiver()
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", recv.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    recv.url = f"http://127.0.0.1:{port}/hook/T0SECRET-path-token-123"
    yield recv
    await runner.cleanup()


@pytest.fixture
def dead_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


FAST_RETRY: dict[str, Any] = {
    "max_attempts": 4,
    "initial_backoff_seconds": 0.02,
    "max_backoff_seconds": 0.1,
    "max_elapsed_seconds": 30,
}


@pytest.fixture
def make_settings(tmp_path: Any) -> Callable[..., Any]:
    """AlertSettings with console off, a temporary state_dir and a fast retry budget, plus overrides."""
    from streams.settings.alerts import AlertSettings

    def build(**overrides: Any) -> AlertSettings:
        data: dict[str, Any] = {
            "console": False,
            "state_dir": str(tmp_path / "alerts"),
            "retry": dict(FAST_RETRY),
        }
        data.update(overrides)
        return AlertSettings.model_validate(data)

    return build
