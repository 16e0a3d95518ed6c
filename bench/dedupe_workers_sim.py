"""How the dedupe answers of several workers compare with one worker's, sharing one ordered state log.

An offline model of the scale-out path (no Kafka): the bench corpus is split over N workers by the
partition of each article's key (4 partitions, as in ``bench/e2e_bench.py``), each worker a
``SharedDedupe``. In each round every worker decides its next batch against the state as the round
began (the worst case: all batches race), then the workers write their records to one list (the log),
each applies the log to its end and settles its races, and the losers' tombstones are applied too, as
``streams/worker/pipeline.py`` does. It prints the duplicates found (exact and near), the exact copies
kept unique more than once, and one worker's figures.

Run: ``.venv/bin/python bench/dedupe_workers_sim.py [--articles 20000] [--workers 2,4] [--batches 100,500]``
(needs ``var/bench/sources.json``, which ``bench/e2e_bench.py`` harvests on its first run).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from corpus import Sources, StreamBuilder  # noqa: E402

from connectors.readback import partition_for  # noqa: E402
from streams.dedupe.batch import fingerprint_texts  # noqa: E402
from streams.dedupe.index import DedupeDecision  # noqa: E402
from streams.dedupe.keys import fingerprint_key  # noqa: E402
from streams.dedupe.normalize import article_text  # noqa: E402
from streams.dedupe.urls import url_hash  # noqa: E402
from streams.records import Article  # noqa: E402
from streams.settings.dedupe import DedupeSettings  # noqa: E402
from streams.worker.dedupe_state import LogRecord, SharedDedupe  # noqa: E402

PARTITIONS = 4


class Worker:
    def __init__(self, settings: DedupeSettings) -> None:
        self.shared = SharedDedupe(settings)
        self.shared.index.observe = False
        self.applied = 0

    def catch_up(self, log: list[LogRecord]) -> None:
        for offset in range(self.applied, len(log)):
            self.shared.apply(*log[offset], offset)
        self.applied = len(log)


def run(
    articles: list[Article], settings: DedupeSettings, workers: int, batch: int
) -> dict[str, DedupeDecision]:
    """Final decisions (article id -> decision) of ``workers`` workers taking ``batch`` articles at a time."""
    queues: list[list[Article]] = [[] for _ in range(workers)]
    for article in articles:
        queues[partition_for(article.url.encode(), PARTITIONS) % workers].append(article)
    pool, log = [Worker(settings) for _ in range(workers)], []
    final: dict[str, DedupeDecision] = {}
    for start in range(0, max(len(q) for q in queues), batch):
        decided = []
        for worker, queue in zip(pool, queues, strict=True):
            chunk = queue[start : start + batch]
            decisions = worker.shared.check_and_add_batch(chunk) if chunk else []
            remembered = [
                fingerprint_key(a.id)
                for a, d in zip(chunk, decisions, strict=True)
                if not d.is_duplicate and not d.replay
            ]
            decided.append((chunk, decisions, remembered))
        for worker, (_, _, remembered) in zip(pool, decided, strict=True):
            log.extend(worker.shared.log_records(remembered, []))
        for worker, (chunk, decisions, remembered) in zip(pool, decided, strict=True):
            worker.catch_up(log)
            changed = worker.shared.settle(remembered)
            log.extend(worker.shared.forget(list(changed)))
            for article, decision in zip(chunk, decisions, strict=True):
                decision = changed.get(article.id, decision)
                lost = changed.get(decision.duplicate_of or "")
                final[article.id] = decision if lost is None else lost
    return final


def answers(
    articles: list[Article], final: dict[str, DedupeDecision], settings: DedupeSettings
) -> dict[str, int]:
    """Duplicates (exact: same URL or text as the original; near: the rest) and exact copies kept twice."""
    printed = fingerprint_texts([article_text(a) for a in articles], settings, [0] * len(articles))
    content = {a.id: fp.content_hash for a, (fp, _) in zip(articles, printed, strict=True)}
    url = {a.id: url_hash(a.url) for a in articles}
    exact = near = 0
    for article in articles:
        original = final[article.id].duplicate_of
        if original is not None:
            same = content[article.id] == content[original] or url[article.id] == url[original]
            exact, near = exact + same, near + (not same)
    kept = Counter(f"c{content[a.id]}" for a in articles if final[a.id].duplicate_of is None)
    kept.update(f"u{url[a.id]}" for a in articles if final[a.id].duplicate_of is None and url[a.id])
    return {
        "duplicates": exact + near,
        "exact": exact,
        "near": near,
        "kept_twice": sum(n - 1 for n in kept.values() if n > 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--workers", default="2,4", help="comma-separated worker counts")
    parser.add_argument(
        "--batches", default="100,500", help="comma-separated batch sizes (articles per worker)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sources = Sources.load(cache=REPO / "var" / "bench" / "sources.json")
    builder = StreamBuilder(sources, seed=args.seed, day=date(2020, 11, 9), run_tag="sim0")
    articles = [item.article for item in builder.stream(args.articles)]
    settings = DedupeSettings()
    one = answers(articles, run(articles, settings, 1, 500), settings)
    print(f"{args.articles} bench articles; one worker: {one}")
    print("| workers | batch | duplicates | exact | near | near vs one worker | exact copies kept twice |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for workers in (int(n) for n in args.workers.split(",")):
        for batch in (int(n) for n in args.batches.split(",")):
            got = answers(articles, run(articles, settings, workers, batch), settings)
            delta = (got["near"] - one["near"]) / max(1, one["near"])
            print(
                f"| {workers} | {batch} | {got['duplicates']} | {got['exact']} | {got['near']} "
                f"| {delta:+.2%} | {got['kept_twice']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
