"""dedupe_bench's decision files: two runs compared decision by decision (--save-decisions, --compare)."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from streams.dedupe.index import DedupeIndex
from streams.settings.dedupe import DedupeSettings

REPO = Path(__file__).resolve().parents[2]
SENTENCES = [
    f"The council of town number {n} met again on Monday to discuss the budget and the new bridge."
    for n in range(60)
]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    script = REPO / "bench" / "dedupe_bench.py"
    spec = importlib.util.spec_from_file_location("dedupe_bench_under_test", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_decisions_saved_by_one_run_are_compared_by_another(bench: ModuleType, tmp_path: Path) -> None:
    items = bench.CorpusBuilder(SENTENCES, seed=3).build(40)
    kept: list = []
    bench.decide_in_batches(DedupeIndex(DedupeSettings(), observe=False), [i.article for i in items], kept)
    lines = bench.decision_lines(items, kept)
    saved = tmp_path / "decisions.jsonl"
    saved.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    assert bench.compare_decisions(lines, saved).startswith("decisions: all 40 equal")

    changed = list(kept)
    changed[7] = replace(changed[7], similarity=0.5)
    assert "1 of 40 differ" in bench.compare_decisions(bench.decision_lines(items, changed), saved)

    other = bench.CorpusBuilder(SENTENCES, seed=4).build(40)
    assert "another stream" in bench.compare_decisions(bench.decision_lines(other, kept), saved)
