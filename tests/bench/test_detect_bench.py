"""detect_bench's baseline engine (another commit's code in a subprocess) and its multilingual mix."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from streams.records import Article

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    script = REPO / "bench" / "detect_bench.py"
    spec = importlib.util.spec_from_file_location("detect_bench_under_test", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _article(text: str) -> Article:
    return Article(id="a", url="", title="", text=text, published=datetime(2020, 11, 7, 12, tzinfo=UTC))


def test_the_baseline_engine_runs_the_code_of_its_commit(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "BASELINE_TREES", tmp_path)  # not a tree per commit in var/
    articles = [_article("Putin and Macron spoke by phone on Saturday about Nagorno-Karabakh.")]
    baseline = bench.BaselineEngine("HEAD", {"one": articles})
    try:
        assert baseline.rate("one", 2) > 0
        assert baseline.rate("one", 1) > 0  # it keeps answering until closed
    finally:
        baseline.close()
    head = bench.baseline_tree("HEAD")
    assert head.parent == tmp_path
    assert (head / "streams" / "detect" / "engine.py").is_file()


def test_without_the_extracted_texts_there_is_no_multilingual_mix(bench: ModuleType, tmp_path: Path) -> None:
    assert bench.multilingual_mix([_article("Some English news text for the mix.")], tmp_path) == []


def test_the_world_news_shares_cover_every_language_the_detectors_read(bench: ModuleType) -> None:
    from streams.detect.engine import DetectionEngine

    assert sum(bench.WORLD_NEWS_SHARES.values()) == pytest.approx(1.0)
    assert set(bench.WORLD_NEWS_SHARES) == set(DetectionEngine().languages)


def test_the_cost_breakdown_names_every_step_and_each_prefilters_pass_rate(bench: ModuleType) -> None:
    from streams.detect.engine import DetectionEngine

    engine = DetectionEngine()
    call = _article("Putin and Macron spoke by phone on Saturday about Nagorno-Karabakh.")
    prose = _article("The function returns a list of the values read from the file, in order.")
    seconds, passed = bench.cost_breakdown(engine, [call, prose])
    assert passed["leader_call"] == (1, 2)
    steps = {"language and words", "sentence split", "prefilter leader_call", "detect leader_call"}
    assert steps <= set(seconds)
    assert all(spent >= 0 for spent in seconds.values())
