"""How many feeds one connector process keeps at cadence, with its CPU and memory.

Run: ``.venv/bin/python bench/feeds_bench.py`` (the goal: 5,000 feeds at a 5-minute cadence, run for
160 s; first polls are spread over the interval as in production, so this measures the goal's poll
rate with every poll a feed's first and heaviest one: the whole 20-item backlog is parsed and
produced), ``--stress`` (5,000 feeds every 60 s for 150 s: five times the goal, judged on the steady
state after the first round) or ``--quick`` (500 feeds every 10 s for 25 s). Options: ``--feeds N
--interval S --duration S --change F --per-host N``.

One aiohttp server in a child process serves N synthetic RSS feeds (20 items each, ~7 KB) on
127.0.0.1 with ETags; each poll a fraction ``--change`` of feeds has a new item, the rest answer 304.
The connector side is the real FeedsConnector (scheduler, safe HTTP client with the SSRF switch on,
feedparser, SQLite state, metrics) with a counting sink instead of Kafka, and idle back-off off so every
feed is really polled at its interval. Reported: polls/s, lateness of polls against their due time
(p50/p99/max), CPU of the connector process (its own, not the server's), peak RSS, and the estimate
"feeds at a 5-minute cadence per CPU core" = 300 s x polls per CPU-second.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from aiohttp import web  # noqa: E402

from connectors.rss import FeedsConnector  # noqa: E402
from connectors.state import StateStore  # noqa: E402
from streams.records import Article  # noqa: E402
from streams.settings import settings_from_mapping  # noqa: E402

ITEMS = 20
WORDS = [
    "ceasefire",
    "talks",
    "leaders",
    "minister",
    "phone",
    "call",
    "border",
    "region",
    "capital",
    "statement",
]


def feed_document(feed: int, version: int) -> bytes:
    """Feed ``feed`` at ``version``: the newest item is numbered ``version``."""
    items = []
    for n in range(version, max(-1, version - ITEMS), -1):
        words = " ".join(WORDS[(feed + n + k) % len(WORDS)] for k in range(40))
        items.append(
            f"<item><title>Feed {feed} story {n}</title>"
            f"<link>https://f{feed}.example.org/story/{n}?utm_source=rss</link>"
            f"<guid isPermaLink='false'>f{feed}-{n}</guid><pubDate>Sat, 07 Nov 2020 18:00:00 GMT</pubDate>"
            f"<description>{words}</description></item>"
        )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {feed}</title>"
        f"<link>https://f{feed}.example.org/</link><description>synthetic</description>{''.join(items)}"
        "</channel></rss>"
    ).encode()


def serve(port_queue: multiprocessing.Queue, change: float, interval: float) -> None:
    """The server process: feed i changes every interval/change seconds, phase-shifted per feed."""

    async def handler(request: web.Request) -> web.StreamResponse:
        feed = int(request.match_info["n"])
        period = interval / change if change > 0 else 1e12
        version = int((time.time() + feed * period / 997) / period)
        etag = f'"{feed}-{version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304)
        return web.Response(
            body=feed_document(feed, version), content_type="application/rss+xml", headers={"ETag": etag}
        )

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}.xml", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        port_queue.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


class CountingSink:
    """Accepts articles without Kafka; counts them."""

    def __init__(self) -> None:
        self.count = 0

    async def deliver(self, article: Article) -> None:
        self.count += 1

    def flush(self, timeout: float | None = None) -> None:
        return None


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def run(args: argparse.Namespace, port: int) -> dict[str, float]:
    state_dir = tempfile.mkdtemp(prefix="feeds-bench-")
    settings = settings_from_mapping(
        {
            "connectors": {
                "state_dir": state_dir,
                "spool_dir": None,
                "metrics_port": 0,
                "idle_backoff_factor": 1.0,
                "start_spread_seconds": args.interval,
                "per_host_concurrency": args.per_host,
                "max_concurrent_fetches": args.per_host,
                "feeds": [
                    {
                        "url": f"http://127.0.0.1:{port}/feed/{i}.xml",
                        "allow_private": True,
                        "interval_seconds": args.interval,
                    }
                    for i in range(args.feeds)
                ],
            }
        }
    )
    sink = CountingSink()
    state = StateStore.in_dir(state_dir)
    connector = FeedsConnector(settings, sink, state)
    await connector.setup()
    stop = asyncio.Event()
    rss_start = rss_mb()
    cpu_start = time.process_time()
    wall_start = time.monotonic()
    task = asyncio.create_task(connector.run(stop))
    peak_rss = rss_start
    while time.monotonic() - wall_start < args.duration:
        await asyncio.sleep(1.0)
        peak_rss = max(peak_rss, rss_mb())
    stop.set()
    await asyncio.wait_for(task, 60)
    wall = time.monotonic() - wall_start
    cpu = time.process_time() - cpu_start
    await connector.close()
    sched = connector.scheduler
    lags = sorted(lag for _, lag in sched.recent_lags) or [0.0]
    # Steady state: polls after the first interval (the first round parses every feed's whole backlog).
    steady_from = time.time() - wall + args.interval
    steady = sorted(lag for started, lag in sched.recent_lags if started >= steady_from) or [0.0]
    steady_polls = sum(1 for started, _ in sched.recent_lags if started >= steady_from)
    polls = sched.polls
    state.close()
    return {
        "feeds": args.feeds,
        "interval_s": args.interval,
        "wall_s": wall,
        "polls": polls,
        "polls_per_s": polls / wall,
        "expected_polls_per_s": args.feeds / args.interval,
        "articles": sink.count,
        "cpu_s": cpu,
        "cpu_pct_of_one_core": 100 * cpu / wall,
        "lag_p50_s": statistics.median(lags),
        "lag_p99_s": lags[int(0.99 * (len(lags) - 1))],
        "lag_max_s": lags[-1],
        "steady_polls_per_s": steady_polls / max(1e-9, wall - args.interval),
        "steady_lag_p50_s": statistics.median(steady),
        "steady_lag_p99_s": steady[int(0.99 * (len(steady) - 1))],
        "rss_start_mb": rss_start,
        "rss_peak_mb": max(peak_rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "feeds_at_5min_per_core": 300 * polls / cpu if cpu else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="500 feeds, 10 s interval, 25 s")
    parser.add_argument(
        "--stress", action="store_true", help="5,000 feeds every 60 s for 150 s (5x the goal)"
    )
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--interval", type=float, default=300.0, help="poll interval of every feed (s)")
    parser.add_argument("--duration", type=float, default=160.0, help="measured run time (s)")
    parser.add_argument(
        "--change", type=float, default=0.1, help="fraction of feeds with a new item per interval"
    )
    parser.add_argument(
        "--per-host", type=int, default=32, help="concurrent fetches (all feeds share one host)"
    )
    args = parser.parse_args()
    if args.quick:
        args.feeds, args.interval, args.duration = 500, 10.0, 25.0
    elif args.stress:
        args.feeds, args.interval, args.duration = 5000, 60.0, 150.0
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    server = ctx.Process(target=serve, args=(queue, args.change, args.interval), daemon=True)
    server.start()
    try:
        port = queue.get(timeout=30)
        result = asyncio.run(run(args, port))
    finally:
        server.terminate()
        server.join(10)
    on_time = (
        result["lag_p99_s"] < 0.1 * args.interval
        and result["polls_per_s"] >= 0.9 * result["expected_polls_per_s"]
    )
    print(f"feeds bench (pid {os.getpid()}, {os.cpu_count()} cores shared)")
    for key, value in result.items():
        print(f"  {key:24s} {value:12.3f}" if isinstance(value, float) else f"  {key:24s} {value:12d}")
    equivalent = args.feeds * 300 / args.interval
    verdict = "kept cadence" if on_time else "FELL BEHIND"
    print(
        f"  => {args.feeds} feeds every {args.interval:.0f} s (load of {equivalent:,.0f} feeds at 5 min): "
        f"{verdict}; CPU {result['cpu_pct_of_one_core']:.1f}% of a core, "
        f"peak RSS {result['rss_peak_mb']:.0f} MB"
    )
    print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0 if on_time else 1


if __name__ == "__main__":
    sys.exit(main())
