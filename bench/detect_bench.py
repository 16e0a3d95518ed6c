"""Detection throughput on one core: articles per second on the seeds (repeated) and on the eval passages.

Run from the repository root: ``.venv/bin/python bench/detect_bench.py [--rounds N]``. A naive keyword scan
(one case-insensitive regex over each article) runs in the same process as a baseline, so the figures can
be compared across machines. The engine (gazetteer load, regex compilation) is built before timing.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.detect.engine import DetectionEngine  # noqa: E402
from streams.records import Article  # noqa: E402
from tests.eval.score_detection import _article, load_passages  # noqa: E402

SEED_DATES = {
    "000": "2020-11-07",
    "001": "2020-11-07",
    "002": "2020-10-02",
    "003": "2020-10-01",
    "004": "2020-10-21",
}
GOAL_ARTICLES_PER_SECOND = 3000
_NAIVE = re.compile(r"phone|call|telephon|video conference|ceasefire|cease-fire|truce", re.IGNORECASE)


def seed_articles(folder: Path) -> list[Article]:
    articles = []
    for path in sorted(folder.glob("0*.txt")):
        moment = datetime.fromisoformat(SEED_DATES[path.name[:3]]).replace(hour=12, tzinfo=UTC)
        articles.append(
            Article(id=path.stem, url="", title="", text=path.read_text(encoding="utf-8"), published=moment)
        )
    return articles


def _find_seeds() -> Path:
    override = os.environ.get("NEWSWATCH_SEEDS_DIR")
    for candidate in ([Path(override)] if override else []) + [
        REPO.parent / "shared" / "seeds",
        REPO / "tests" / "data" / "seeds",
    ]:
        if (candidate / "000_6be6fbbbb802f048.txt").is_file():
            return candidate
    raise SystemExit("seed articles not found; set NEWSWATCH_SEEDS_DIR")


def rate(work: Callable[[Article], object], articles: Sequence[Article], rounds: int) -> float:
    """Articles per CPU-second of ``work`` over ``articles`` repeated ``rounds`` times (best of three runs).

    CPU time of this process, not wall time: on a shared machine that is what one core would deliver.
    """
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(rounds):
            for article in articles:
                work(article)
        best = min(best, time.process_time() - started)
    return rounds * len(articles) / max(best, 1e-9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=int, default=100, help="repetitions of each article set per timed run"
    )
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    engine = DetectionEngine()
    seeds = seed_articles(_find_seeds())
    passages = [_article(item) for item in load_passages()]
    rows = [
        ("seeds x5 (detect)", rate(engine.detect, seeds, args.rounds), len(seeds)),
        ("eval passages (detect)", rate(engine.detect, passages, max(1, args.rounds // 10)), len(passages)),
        (
            "seeds x5 (naive keyword scan)",
            rate(lambda a: _NAIVE.findall(a.text), seeds, args.rounds),
            len(seeds),
        ),
        (
            "eval passages (naive keyword scan)",
            rate(lambda a: _NAIVE.findall(a.text), passages, args.rounds),
            len(passages),
        ),
    ]
    mean_chars = sum(len(a.text) for a in seeds) / len(seeds)
    print(f"load average {os.getloadavg()[0]:.1f}; articles per CPU-second of this process (one core)")
    print(
        f"one core; seeds average {mean_chars:.0f} characters; goal >= {GOAL_ARTICLES_PER_SECOND} articles/s"
    )
    for name, per_second, count in rows:
        print(f"{name:<38}{per_second:>12,.0f} articles/s   ({count} distinct articles)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
