"""Time another commit's detection engine on the article sets of ``bench/detect_bench.py``.

``detect_bench.py --baseline REF`` writes the tree of REF into ``var/bench/baseline/<commit>`` and starts
this script there in a subprocess, so the articles are the same and the engine, its data and its
patterns are REF's. Standalone on purpose: it imports nothing of the current tree.

Run as ``python bench/detect_baseline.py TREE ARTICLES.json``, where ``ARTICLES.json`` is
``{"sets": {name: [Article.to_dict(), ...]}}``. It prints ``ready`` once the engine is built and every
set detected once (warm), then answers each line ``NAME ROUNDS`` on its input with the CPU seconds of
detecting that set ROUNDS times, so the caller can alternate its own runs with these under one load.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from dataclasses import fields
from pathlib import Path


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
    sets = {
        name: [Article.from_dict({k: v for k, v in a.items() if k in known}) for a in articles]
        for name, articles in json.loads(articles_file.read_text(encoding="utf-8"))["sets"].items()
    }
    for articles in sets.values():  # warm up: the language model and memos load on first use
        for article in articles:
            engine.detect(article)
    gc.collect()
    gc.freeze()  # as the caller does: the sets are not walked by every collection while timed
    print("ready", flush=True)
    for line in sys.stdin:
        name, rounds = line.rsplit(maxsplit=1)
        started = time.process_time()
        for _ in range(int(rounds)):
            for article in sets[name]:
                engine.detect(article)
        print(time.process_time() - started, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
