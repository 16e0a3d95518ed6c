"""Time another commit's detection engine on the article sets of ``bench/detect_bench.py``.

``detect_bench.py --baseline REF`` writes the tree of REF into ``var/bench/baseline/<commit>`` and runs
this script there in a subprocess, so the articles are the same and the engine, its data and its
patterns are REF's. Standalone on purpose: it imports nothing of the current tree.

Run as ``python bench/detect_baseline.py TREE ARTICLES.json``; prints a JSON object {set name: articles
per CPU-second}. ``ARTICLES.json``: {"sets": [{"name", "rounds", "articles": [Article.to_dict(), ...]}]}.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    tree, articles_file = Path(argv[0]).resolve(), Path(argv[1])
    sys.path.insert(0, str(tree))
    import streams  # the tree's own package (it comes first on the path)
    from streams.detect.engine import DetectionEngine
    from streams.records import Article

    if not Path(streams.__file__).resolve().is_relative_to(tree):
        raise SystemExit(f"streams imported from {streams.__file__}, not from {tree}")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # the core the caller times on
    known = {field.name for field in fields(Article)}
    engine = DetectionEngine()
    rates: dict[str, float] = {}
    for item in json.loads(articles_file.read_text(encoding="utf-8"))["sets"]:
        articles = [Article.from_dict({k: v for k, v in a.items() if k in known}) for a in item["articles"]]
        rates[item["name"]] = _rate(engine.detect, articles, int(item["rounds"]))
    print(json.dumps(rates))
    return 0


def _rate(work: Any, articles: list[Any], rounds: int) -> float:
    """Articles per CPU-second, best of three runs (as ``detect_bench.rate``)."""
    for article in articles:  # warm up: the language model and memos load on first use
        work(article)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(rounds):
            for article in articles:
                work(article)
        best = min(best, time.process_time() - started)
    return rounds * len(articles) / max(best, 1e-9)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
