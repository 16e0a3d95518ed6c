"""The progress display, and backfill without a broker (discovery, reading, delivery accounting)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from connectors.backfill import BackfillStats, count_units, discover, load, produce
from connectors.backfill_cli import run_backfill
from streams.cli import main as newswatch_main
from streams.progress import Progress, format_duration, format_rate
from streams.records import Article
from streams.settings import settings_from_mapping


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------- progress


def test_formats() -> None:
    assert format_duration(5) == "0:05"
    assert format_duration(3725) == "1:02:05"
    assert format_duration(None) == "?"
    assert format_rate(1234.5) == "1,234" or format_rate(1234.5) == "1,235"
    assert format_rate(None) == "?"


def test_plain_lines_every_interval_when_not_a_tty() -> None:
    out = io.StringIO()
    clock = Clock()
    with Progress(
        "job", total=100, unit="items", stream=out, interval=10, tty=False, clock=clock
    ) as progress:
        for _ in range(50):
            clock.now += 0.5
            progress.note(sent=progress.count + 1, errors=0)
            progress.advance()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert len(lines) == 3  # at 10 s, at 20 s, and the final line at 25 s
    assert lines[0].startswith("job  20/100 items  20.0%  2.00/s  ETA 0:40  sent=20 errors=0")
    assert lines[-1].startswith("job  50/100 items  50.0%  2.00/s  in 0:25")


def test_in_place_updates_on_a_tty() -> None:
    out = io.StringIO()
    clock = Clock()
    progress = Progress("job", total=10, stream=out, tty=True, refresh=0.2, clock=clock)
    with progress:
        for _ in range(10):
            clock.now += 1
            progress.advance()
    text = out.getvalue()
    assert text.count("\r") >= 10 and text.endswith("\n") and text.count("\n") == 1
    assert "ETA" in text and "10/10" in text


def test_unknown_total_and_disabled() -> None:
    out = io.StringIO()
    clock = Clock()
    progress = Progress("job", stream=out, tty=False, clock=clock)
    clock.now += 2
    progress.advance(4)
    assert progress.render().startswith("job  4 items  2.00/s")
    silent = io.StringIO()
    with Progress("job", stream=silent, enabled=False) as quiet:
        quiet.advance()
    assert silent.getvalue() == ""


# ---------------------------------------------------------------- backfill


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("Leaders spoke by phone on Monday.\n", encoding="utf-8")
    (root / "a.txt.meta.json").write_text(
        '{"url": "https://news.example/a", "published": "2020-10-05T10:00:00Z", "source": "news.example"}',
        encoding="utf-8",
    )
    (root / "sub" / "b.html").write_text("<html><title>B</title><body><p>Body of b.</p></body></html>")
    (root / "sub" / "c.jsonl").write_text(
        '{"url": "https://x.example/1", "title": "one", "text": "t", "published": "2020-10-06"}\n'
        "not json\n"
        "\n"
        "[1, 2]\n"
        '{"url": "https://x.example/2", "title": "two", "text": "t", "published": "2020-10-07"}',
        encoding="utf-8",
    )
    (root / "scan.pdf").write_bytes(b"%PDF")
    (root / ".hidden.txt").write_text("x")
    (root / "partial.txt.part").write_text("x")
    return root


def test_discover_and_count(archive: Path) -> None:
    inputs, skipped = discover(archive)
    assert [p.name for p in inputs] == ["a.txt", "b.html", "c.jsonl"]
    assert [p.name for p in skipped] == ["scan.pdf"]
    assert count_units(inputs) == 1 + 1 + 5
    assert discover(archive / "sub" / "c.jsonl") == ([archive / "sub" / "c.jsonl"], [])


def test_load_reads_sidecars_and_reports_bad_lines(archive: Path) -> None:
    inputs, _ = discover(archive)
    items = list(load(inputs))
    articles = [i.article for i in items if i.article is not None]
    errors = [i for i in items if i.error is not None]
    assert [a.url for a in articles] == [
        "https://news.example/a",
        "spool://b.html",
        "https://x.example/1",
        "https://x.example/2",
    ]
    assert articles[0].source_site == "news.example" and articles[0].connector == "backfill"
    assert articles[0].published.isoformat() == "2020-10-05T10:00:00+00:00"
    assert [e.line for e in errors] == [2, 4]
    assert sum(i.units for i in items) == count_units(inputs)


class FakeSink:
    def __init__(self, fail_first: int = 0) -> None:
        self.delivered: list[Article] = []

    async def deliver(self, article: Article) -> None:
        await asyncio.sleep(0)
        self.delivered.append(article)

    def flush(self, timeout: float | None = None) -> None:
        return None


def test_produce_counts_sent_and_errors(archive: Path) -> None:
    inputs, skipped = discover(archive)
    stats = BackfillStats(files=len(inputs), skipped=len(skipped))
    sink = FakeSink()
    units: list[int] = []
    asyncio.run(produce(load(inputs), sink, stats, max_in_flight=2, on_progress=units.append))
    assert (stats.read, stats.sent, stats.bad_lines, stats.bad_files, stats.skipped) == (4, 4, 2, 0, 1)
    assert len(sink.delivered) == 4 and sum(units) == count_units(inputs)


def test_unreadable_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "ok.txt").write_text("fine text")
    stats = run_backfill(settings_from_mapping({}), tmp_path, FakeSink(), progress_enabled=False)
    assert (stats.read, stats.sent, stats.bad_files) == (1, 1, 1)


def test_cli_dry_run_prints_articles_and_a_summary(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert newswatch_main(["backfill", str(archive), "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 4
    assert "https://x.example/2" in captured.out
    assert (
        "backfill: read 4 article(s) from 3 file(s); would produce 4; skipped 1 unsupported file(s); errors 2"
        in (captured.err)
    )
    assert "backfill  7/7 records 100.0%" in captured.err


def test_cli_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert newswatch_main(["backfill", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
