"""First-view render time of the live page with 5,000 stored events in headless Chromium.

Run: ``.venv/bin/python bench/page_bench.py`` (7 loads) or ``--quick`` (3 loads). Needs chromium and
chromedriver (``make test-deps``) and selenium. A SQLite store gets the seven seed events and 5,000
generated ones (tests/store/synthetic.py); the page is served on 127.0.0.1 and loaded in a fresh headless
Chromium profile. Each load reports, in milliseconds from navigation start (the browser's own clock):

* ``list``: the first 50 events are in the list (``newswatch-list-shown``);
* ``first view``: the list and the timeline both drawn (``newswatch-list-shown`` and
  ``newswatch-timeline-drawn`` marks) — what the screen shows before scrolling;
* ``all views``: map and contact graph drawn too (``newswatch-views-drawn``).

The first load is cold (library and world map not cached, the server's /api/views answer not cached);
later loads are reported as warm. The machine is shared, so the median of warm loads is the figure to quote.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.store.conftest import seven_events  # noqa: E402
from tests.store.page_harness import browser_missing, chromium, served_store, until  # noqa: E402
from tests.store.synthetic import generated_events  # noqa: E402

MARKS = """
const at = (name) => (performance.getEntriesByName(name)[0] || {}).startTime;
return [at('newswatch-list-shown'), at('newswatch-timeline-drawn'), at('newswatch-views-drawn')];"""


async def run(loads: int, count: int) -> int:
    reason = browser_missing()
    if reason:
        print(f"page bench needs a browser: {reason}")
        return 1
    folder = tempfile.mkdtemp(prefix="newswatch-page-bench-")
    events = seven_events() + generated_events(count)
    started = time.perf_counter()
    async with served_store(f"sqlite:///{folder}/bench.db", events) as (url, _store):
        print(f"stored {len(events)} events in {time.perf_counter() - started:.1f} s; page at {url}")
        rows = []
        with chromium(1200, 900) as browser:
            for n in range(loads):
                await asyncio.to_thread(browser.get, "about:blank")
                await asyncio.to_thread(browser.get, url)
                listed, timeline, every = await until(
                    lambda: (lambda r: r if r[0] and r[2] else None)(browser.execute_script(MARKS)),
                    timeout=120.0,
                )
                first = max(listed, timeline)
                rows.append((listed, first, every))
                print(f"load {n + 1} ({'cold' if n == 0 else 'warm'}): list {listed:.0f} ms, "
                      f"first view {first:.0f} ms, all views {every:.0f} ms")  # fmt: skip
    warm = rows[1:] or rows
    print(f"\n| {len(events)} events, headless Chromium | list | first view | all views |")
    print("|---|---|---|---|")
    print(f"| cold (first load) | {rows[0][0]:.0f} ms | {rows[0][1]:.0f} ms | {rows[0][2]:.0f} ms |")
    print(
        f"| warm median of {len(warm)} | {statistics.median(r[0] for r in warm):.0f} ms | "
        f"{statistics.median(r[1] for r in warm):.0f} ms | {statistics.median(r[2] for r in warm):.0f} ms |"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 page loads instead of 7")
    parser.add_argument("--events", type=int, default=5000, help="generated events besides the seeds")
    args = parser.parse_args()
    return asyncio.run(run(3 if args.quick else 7, args.events))


if __name__ == "__main__":
    sys.exit(main())
