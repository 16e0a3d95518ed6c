"""Time-bounded fuzzing of every target for ``make soak``: ``python -m tests.fuzz.soak --seconds 600``.

Round-robin over the targets in batches of fresh random examples until the budget is spent. A failing
input is shrunk by hypothesis and written to ``tests/fuzz/corpus/<target>/crash-*.bin`` (kept in git as a
regression test, replayed by ``test_corpus_replay.py``). Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback

from hypothesis import HealthCheck, given, settings

os.environ.setdefault("NEWSWATCH_FUZZ_SAVE", "1")

from tests.fuzz.targets import CORPUS, run_target
from tests.fuzz.test_fuzz_properties import INPUTS


def batch(target: str, examples: int) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(INPUTS[target])
    def run(data: bytes) -> None:
        run_target(target, data)

    run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("NEWSWATCH_FUZZ_SECONDS", "600"))
    )
    parser.add_argument("--batch", type=int, default=300, help="examples per target per round")
    parser.add_argument("--targets", nargs="*", default=sorted(INPUTS))
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the entry points log every refused input
    deadline = time.monotonic() + args.seconds
    examples = dict.fromkeys(args.targets, 0)
    failed: dict[str, str] = {}
    before = {p for p in CORPUS.rglob("crash-*")}
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        for target in args.targets:
            if target in failed or time.monotonic() >= deadline:
                continue
            try:
                batch(target, args.batch)
                examples[target] += args.batch
            except Exception as exc:  # the shrunk input is already saved by run_target
                failed[target] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                traceback.print_exc()
        if len(failed) == len(args.targets):
            break
    new = sorted({p for p in CORPUS.rglob("crash-*")} - before)
    print(f"fuzz soak: {rounds} round(s) in {args.seconds:.0f}s budget")
    for target in args.targets:
        status = f"FAILED ({failed[target]})" if target in failed else "ok"
        print(f"  {target:20s} examples={examples[target]:7d}  {status}")
    for path in new:
        print(f"  new crasher kept: {path.relative_to(CORPUS.parent.parent.parent)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
