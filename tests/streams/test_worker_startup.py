"""Worker start-up: the start check's engine is the worker's (built once), and detection's data loads at
boot (``EngineWarmup``), once, a failure there stopping nothing."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.detect.engine import DetectionEngine
from streams.records import Article
from streams.settings import Settings
from streams.settings.detect import DetectSettings
from streams.settings.startcheck import check_start
from streams.worker.pipeline import EngineWarmup


@pytest.fixture(scope="module")
def engine() -> DetectionEngine:
    return DetectionEngine()


class CountingEngine(DetectionEngine):
    """A real engine that counts its ``warm`` calls and the threads they ran in."""

    def __init__(self, engine: DetectionEngine, fail: bool = False) -> None:
        super().__init__(engine.gazetteer)
        self.calls: list[int] = []
        self.fail = fail

    def warm(self) -> None:
        self.calls.append(threading.get_ident())
        if self.fail:
            raise OSError("model file unreadable")
        super().warm()


def test_warmup_loads_once_off_the_event_loop_and_every_waiter_waits_for_it(engine: DetectionEngine) -> None:
    counting = CountingEngine(engine)
    warmup = EngineWarmup(counting)

    async def boot_and_first_batches() -> None:
        await asyncio.gather(warmup.ready(), warmup.ready())  # the boot task and the first batch at once
        await warmup.ready()  # a later batch

    asyncio.run(boot_and_first_batches())
    assert len(counting.calls) == 1
    assert counting.calls[0] != threading.get_ident()  # in a thread: the event loop stays free


def test_a_failed_warmup_is_logged_and_detection_still_works(
    engine: DetectionEngine, caplog: pytest.LogCaptureFixture
) -> None:
    failing = CountingEngine(engine, fail=True)
    asyncio.run(EngineWarmup(failing).ready())  # does not raise
    assert "loading detection data at boot failed" in caplog.text
    article = Article(
        id="w1",
        url="https://example.org/w1",
        title="Macron et Poutine se sont entretenus par téléphone",
        text="Le président Emmanuel Macron s'est entretenu mardi par téléphone avec Vladimir Poutine.",
        source_site="example.org",
        published=datetime(2020, 11, 10, 9, tzinfo=UTC),
        fetched_at=datetime(2020, 11, 10, 9, 5, tzinfo=UTC),
    )
    assert failing.detect(article).events == engine.detect(article).events


def test_warm_leaves_the_answers_unchanged(engine: DetectionEngine) -> None:
    article = Article(
        id="w2",
        url="https://example.org/w2",
        title="Protesters gathered in Minsk",
        text="Thousands of protesters marched in Minsk on Sunday against the disputed election result.",
        source_site="example.org",
        published=datetime(2020, 11, 9, 9, tzinfo=UTC),
        fetched_at=datetime(2020, 11, 9, 9, 5, tzinfo=UTC),
    )
    before = engine.detect(article)
    engine.warm()
    assert engine.detect(article) == before


def test_the_worker_takes_the_engine_the_start_check_built() -> None:
    settings = Settings()
    check_start(settings)  # builds and keeps one
    checked = DetectionEngine.check_settings(settings.detect)
    assert DetectionEngine.from_settings(settings.detect, take_checked=True) is checked
    again = DetectionEngine.from_settings(settings.detect, take_checked=True)
    assert again is not checked  # taken once: a later engine is its own
    assert DetectionEngine.from_settings(settings.detect) is not again  # without take_checked: always new


def test_a_rule_file_changed_since_the_check_is_read_again(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: []\n", encoding="utf-8")
    settings = DetectSettings(rules_path=str(rules))
    checked = DetectionEngine.check_settings(settings)
    rules.write_text("rules: []\n# edited since the check\n", encoding="utf-8")
    assert DetectionEngine.from_settings(settings, take_checked=True) is not checked
    checked = DetectionEngine.check_settings(settings)
    assert DetectionEngine.from_settings(DetectSettings(), take_checked=True) is not checked  # other settings
