"""How many duplicates two workers find, against one, as the fingerprint exchange between them slows.

An offline model of the scale-out path (no Kafka): the bench corpus is split over two ``DedupeIndex``
objects by the partition of each article's key (4 partitions, 2 per worker, as in
``bench/e2e_bench.py --workers 2``), and each worker's new fingerprints reach the other one ``LAG``
articles later, through ``link_entry`` as the worker applies the changelog. It prints, per lag, the
duplicates found, the exact duplicates both workers kept (what
``newswatch_dedupe_cross_worker_duplicates_total`` counts), and one worker's figure for reference.

Run: ``.venv/bin/python bench/dedupe_workers_sim.py [--articles 20000] [--lags 0,500,3000,8000]``
(needs ``var/bench/sources.json``, which ``bench/e2e_bench.py`` harvests on its first run).
"""

from __future__ import annotations

import argparse
import sys
from collections import deque
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from corpus import Sources, StreamBuilder  # noqa: E402

from connectors.readback import partition_for  # noqa: E402
from streams.dedupe.index import DedupeIndex  # noqa: E402
from streams.dedupe.keys import fingerprint_key  # noqa: E402
from streams.records import Article  # noqa: E402
from streams.settings.dedupe import DedupeSettings  # noqa: E402

PARTITIONS, WORKERS = 4, 2


def one_worker(articles: list[Article], settings: DedupeSettings) -> int:
    index = DedupeIndex(settings, fingerprints={}, observe=False)
    return sum(decision.is_duplicate for decision in index.check_and_add_batch(articles))


def two_workers(articles: list[Article], settings: DedupeSettings, lag: int) -> tuple[int, int]:
    """(duplicates found, exact duplicates kept by both) when fingerprints cross ``lag`` articles late."""
    workers = [DedupeIndex(settings, fingerprints={}, observe=False) for _ in range(WORKERS)]
    in_transit: deque[tuple[int, int, str, bytes]] = deque()  # (due, to worker, key, value)
    duplicates = raced = 0

    def deliver(until: float) -> int:
        clashes = 0
        while in_transit and in_transit[0][0] <= until:
            _, to, key, value = in_transit.popleft()
            workers[to].fingerprints[key] = value  # the table replica got the record
            clashes += workers[to].link_entry(key, value) is not None
        return clashes

    for position, article in enumerate(articles):
        raced += deliver(position)
        owner = partition_for(article.url.encode(), PARTITIONS) % WORKERS
        decision = workers[owner].check_and_add(article)
        duplicates += decision.is_duplicate
        if not decision.is_duplicate and not decision.replay:
            key = fingerprint_key(article.id)
            in_transit.append((position + lag, 1 - owner, key, workers[owner].fingerprints[key]))
    raced += deliver(float("inf"))
    return duplicates, raced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--lags", default="0,500,3000,8000", help="comma-separated, in articles")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sources = Sources.load(cache=REPO / "var" / "bench" / "sources.json")
    builder = StreamBuilder(sources, seed=args.seed, day=date(2020, 11, 9), run_tag="sim0")
    articles = [item.article for item in builder.stream(args.articles)]
    settings = DedupeSettings()
    print(f"{args.articles} bench articles; one worker finds {one_worker(articles, settings)} duplicates")
    print("| lag (articles) | duplicates found by two workers | exact duplicates kept by both |")
    print("| ---: | ---: | ---: |")
    for lag in (int(part) for part in args.lags.split(",")):
        found, raced = two_workers(articles, settings, lag)
        print(f"| {lag} | {found} | {raced} |", flush=True)


if __name__ == "__main__":
    main()
