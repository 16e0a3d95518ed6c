"""Latency from alert produced to signed webhook received, at a fixed rate (default 100 events/s).

Runs an aiohttp receiver on 127.0.0.1 and the alerts Dispatcher in one process, submits one alert
every 1/rate seconds (group_wait 0) and reports p50/p90/p99/max of produce -> receive. Goal:
p50 <= 50 ms, p99 <= 500 ms.  Usage: .venv/bin/python bench/alert_latency_bench.py [--seconds 20]
``--quick`` (``make bench``) runs 3 s and fails only if an alert is lost: a smoke run on a busy machine
says nothing about the latency goal, which the full run checks.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.deadletter import MemoryDeadLetters
from alerts.delivery_log import InMemoryDeliveryLog
from alerts.dispatch import Dispatcher
from streams.records import Alert, Event, Evidence, Participant
from streams.settings.alerts import AlertSettings

SECRET = "whsec_" + base64.b64encode(b"bench-secret-0123456789abcdefgh").decode()


def make_alert(i: int) -> Alert:
    """A distinct alert per i (its own participant), created now."""
    people = (Participant("Bench Leader", "RUS", person_id="bench-leader"), Participant(f"Person {i}", "CHN"))
    evidence = (Evidence(f"a{i}", f"https://news.example/{i}", "They spoke by phone.", "news.example"),)
    event = Event(
        type="leader_call",
        date="2026-11-22",
        participants=people,
        headline=f"Bench call {i}",
        evidence=evidence,
        sources=("news.example",),
    )
    return Alert(event=event, reason="first", created_at=datetime.now(UTC))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench(rate: float, seconds: float, concurrency: int) -> dict[str, float]:
    received: dict[str, float] = {}

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        received[request.headers["webhook-id"]] = time.monotonic()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    settings = AlertSettings.model_validate(
        {
            "console": False,
            "state_dir": "var/bench-alerts",
            "group_wait_seconds": 0,
            "group_interval_seconds": 0,
            "sinks": [
                {
                    "name": "bench",
                    "type": "webhook",
                    "url": f"http://127.0.0.1:{port}/hook",
                    "secrets": [SECRET],
                    "concurrency": concurrency,
                }
            ],
        }
    )
    dispatcher = Dispatcher.from_settings(
        settings, delivery_log=InMemoryDeliveryLog(), dead_letter=MemoryDeadLetters()
    )
    await dispatcher.start()
    produced: dict[str, float] = {}
    total = int(rate * seconds)
    start = time.monotonic()
    for i in range(total):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        alert = make_alert(i)
        produced[f"msg_{alert.id}"] = time.monotonic()
        await dispatcher.submit(alert)
    await dispatcher.flush(60)
    await dispatcher.close()
    await runner.cleanup()
    latencies = [(received[k] - t) * 1000 for k, t in produced.items() if k in received]
    return {
        "events": total,
        "received": len(latencies),
        "achieved_rate": total / (time.monotonic() - start),
        "p50_ms": percentile(latencies, 0.50),
        "p90_ms": percentile(latencies, 0.90),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "mean_ms": statistics.fmean(latencies),
    }


QUICK_SECONDS = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="alerts per second")
    parser.add_argument("--seconds", type=float, default=None, help="how long to produce (default 20)")
    parser.add_argument("--concurrency", type=int, default=4, help="webhook sink concurrency")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_SECONDS:g} s smoke run: fails only if alerts are lost"
    )
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else (QUICK_SECONDS if args.quick else 20.0)
    result = asyncio.run(bench(args.rate, seconds, args.concurrency))
    for key, val in result.items():
        print(f"{key:14} {val:10.2f}" if isinstance(val, float) else f"{key:14} {val:10}")
    none_lost = result["received"] == result["events"]
    ok = none_lost and result["p50_ms"] <= 50 and result["p99_ms"] <= 500
    print("goal (p50 <= 50 ms, p99 <= 500 ms, none lost):", "MET" if ok else "MISSED")
    if args.quick:
        return 0 if none_lost else 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
