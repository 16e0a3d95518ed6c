"""The spool trusts no file: poison pills, links, foreign or huge files, files still being written.

Each test drops a bad input first and a canary after it; the canary must come through and the bad input
must end in ``failed/`` with a reason (or wait, when it is still being written).
"""

from __future__ import annotations

import json
import logging
import os
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

from connectors.producer import RejectedArticleError
from connectors.spool import SpoolConnector, read_spool_file
from connectors.spoolfolder import shown
from connectors.state import StateStore
from streams.errors import ParseError
from streams.records import Article
from tests.connectors.conftest import RecordingSink

CANARY = "Canary Headline After The Bad Input\n\nThe canary text must arrive."
OVERFLOW = "9999-12-31T23:59:59-14:00"


async def _connector(settings: Any, sink: Any) -> tuple[SpoolConnector, StateStore]:
    state = StateStore.in_dir(settings.connectors.state_dir)
    connector = SpoolConnector(settings, sink, state)
    await connector.setup()
    return connector, state


def _drop(path: Path, data: bytes | str, age: float) -> Path:
    """Write a file and date it ``age`` seconds back (older files are processed first)."""
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    os.utime(path, (time.time() - age, time.time() - age), follow_symlinks=False)
    return path


def _spool(settings_for: Any, **overrides: Any) -> tuple[Any, Path]:
    settings = settings_for(**overrides)
    spool = Path(settings.connectors.spool_dir)
    spool.mkdir(parents=True)
    return settings, spool


def _failed_reason(spool: Path, name: str) -> str:
    return (spool / "failed" / (name + ".error.txt")).read_text(encoding="utf-8")


def _failed_count(reason: str) -> float:
    return REGISTRY.get_sample_value("newswatch_spool_failed_files_total", {"reason": reason}) or 0.0


def _canary_titles(sink: RecordingSink) -> list[str]:
    return [a.title for a in sink.articles if a.title.startswith("Canary")]


def test_jsonl_line_with_overflowing_date_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        {"url": "https://e.example/poison", "title": "Poison", "text": "x", "published": OVERFLOW},
        {"url": "https://e.example/canary", "title": "Canary", "text": "y", "published": "2020-11-07"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    articles, bad = read_spool_file(path)
    assert bad == 1
    assert [a.title for a in articles] == ["Canary"]


async def test_sidecar_with_overflowing_date_fails_and_the_next_file_flows(settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    settings, spool = _spool(settings_for)
    _drop(spool / "poison.txt", "Poisoned Story With A Bad Date\n\ntext", 20)
    (spool / "poison.txt.meta.json").write_text(json.dumps({"published": OVERFLOW}))
    _drop(spool / "canary.txt", CANARY, 10)
    connector, state = await _connector(settings, sink)
    before = _failed_count("bad_date")
    await connector.scan_once()
    assert _canary_titles(sink) == ["Canary Headline After The Bad Input"]
    assert len(sink.articles) == 1
    assert "bad published time" in _failed_reason(spool, "poison.txt")
    assert _failed_count("bad_date") == before + 1
    assert (spool / "failed" / "poison.txt.meta.json").exists()
    state.close()


async def test_name_that_is_not_utf8_goes_to_failed(settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    settings, spool = _spool(settings_for)
    bad_name = os.fsdecode(b"caf\xe9-latin1.txt")
    _drop(spool / bad_name, "Story Whose Name Is Not Valid UTF-8\n\ntext", 20)
    _drop(spool / "canary.txt", CANARY, 10)
    connector, state = await _connector(settings, sink)
    before = _failed_count("bad_name")
    await connector.scan_once()
    assert _canary_titles(sink) == ["Canary Headline After The Bad Input"]
    assert len(sink.articles) == 1
    assert (spool / "failed" / bad_name).exists()
    assert _failed_count("bad_name") == before + 1
    assert "not valid UTF-8" in _failed_reason(spool, bad_name)
    assert "\\xe9" in _failed_reason(spool, bad_name)  # the name, escaped
    state.close()


async def test_symlink_is_never_followed(settings_for, sink, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, spool = _spool(settings_for)
    secret = tmp_path / "shadow"
    secret.write_text("root:SECRET-HASH:19000:0:99999:7:::\n")
    (spool / "s.txt").symlink_to(secret)
    os.utime(spool / "s.txt", (time.time() - 20, time.time() - 20), follow_symlinks=False)
    _drop(spool / "canary.txt", CANARY, 10)
    connector, state = await _connector(settings, sink)
    before = _failed_count("not_regular_file")
    await connector.scan_once()
    assert _failed_count("not_regular_file") == before + 1
    assert len(sink.articles) == 1 and _canary_titles(sink)
    assert not any("SECRET" in a.text for a in sink.articles)
    assert (spool / "failed" / "s.txt").is_symlink()
    assert "symbolic link" in _failed_reason(spool, "s.txt")
    assert secret.read_text().startswith("root:")  # the target is untouched
    state.close()


async def test_symlinked_sidecar_is_refused(settings_for, sink, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, spool = _spool(settings_for)
    outside = tmp_path / "meta.json"
    outside.write_text(json.dumps({"title": "Taken From Outside"}))
    _drop(spool / "a.txt", "A Story With A Linked Sidecar File\n\ntext", 20)
    (spool / "a.txt.meta.json").symlink_to(outside)
    connector, state = await _connector(settings, sink)
    await connector.scan_once()
    assert sink.articles == []
    assert "sidecar" in _failed_reason(spool, "a.txt")
    state.close()


async def test_fifo_and_foreign_files_go_to_failed(settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    settings, spool = _spool(settings_for)
    os.mkfifo(spool / "pipe.txt")
    foreign = _drop(spool / "foreign.txt", "A Story Someone Else Put Here\n\ntext", 20)
    os.chown(foreign, os.stat(spool).st_uid + 4242, -1)
    _drop(spool / "canary.txt", CANARY, 10)
    connector, state = await _connector(settings, sink)
    await connector.scan_once()
    assert [a.title for a in sink.articles] == ["Canary Headline After The Bad Input"]
    assert "not a regular file" in _failed_reason(spool, "pipe.txt")
    assert "not to the spool's owner" in _failed_reason(spool, "foreign.txt")
    state.close()


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    """A sparse 200 MB file is refused without reading it: the Python heap does not grow by its size."""
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(ParseError):
            read_spool_file(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024, peak


async def test_zero_byte_file_is_skipped_not_an_empty_article(settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    settings, spool = _spool(settings_for)
    _drop(spool / "empty.txt", b"", 20)
    _drop(spool / "blank.txt", b"  \n\n \t\n", 15)
    _drop(spool / "canary.txt", CANARY, 10)
    connector, state = await _connector(settings, sink)
    await connector.scan_once()
    assert [a.title for a in sink.articles] == ["Canary Headline After The Bad Input"]
    assert "empty" in _failed_reason(spool, "empty.txt")
    assert "no text" in _failed_reason(spool, "blank.txt")
    state.close()


async def test_newline_in_a_name_cannot_forge_a_log_line(settings_for, sink, caplog) -> None:  # type: ignore[no-untyped-def]
    settings, spool = _spool(settings_for)
    name = "story.txt\n2026-01-01 00:00:00 CRITICAL forged line.txt"
    _drop(spool / name, "A Story With A Newline In Its Name\n\ntext", 20)
    _drop(spool / "blob\rx.txt", b"\x00binary", 15)
    connector, state = await _connector(settings, sink)
    with caplog.at_level(logging.INFO, logger="connectors"):
        await connector.scan_once()
    assert len(sink.articles) == 1
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("connectors")]
    assert any("forged line" in m for m in messages)
    assert not any("\n" in m or "\r" in m for m in messages)
    assert shown(name) == "story.txt\\n2026-01-01 00:00:00 CRITICAL forged line.txt"
    state.close()


async def test_cut_off_last_line_waits_for_the_rest(settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    """A writer pausing mid-file: 3 whole lines and half a fourth are on disk. Nothing may be produced
    (and the file not moved) until the rest arrives; then all 10 lines are."""
    settings, spool = _spool(settings_for)
    path = spool / "slow.jsonl"
    lines = [
        json.dumps({"url": f"https://slow.example/{n}", "title": f"Line {n}", "text": "t"}) + "\n"
        for n in range(10)
    ]
    head = "".join(lines[:3]) + lines[3][:20]
    _drop(path, head, 30)
    connector, state = await _connector(settings, sink)
    await connector.scan_once()
    assert sink.articles == [] and path.exists()
    _drop(path, "".join(lines), 30)
    await connector.scan_once()
    assert sorted(a.title for a in sink.articles) == sorted(f"Line {n}" for n in range(10))
    assert (spool / "done" / "slow.jsonl").exists()
    state.close()


async def test_cut_off_last_line_counts_as_bad_once_the_file_stays_unchanged(settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    settings, spool = _spool(settings_for)
    path = _drop(
        spool / "abandoned.jsonl", json.dumps({"title": "Whole", "text": "t"}) + '\n{"title": "Cut', 30
    )
    connector, state = await _connector(settings, sink)
    connector.folder.incomplete_wait_seconds = 0.2
    await connector.scan_once()
    assert sink.articles == []
    time.sleep(0.25)
    await connector.scan_once()
    assert [a.title for a in sink.articles] == ["Whole"]
    assert (spool / "done" / "abandoned.jsonl").exists()
    assert path.name not in os.listdir(spool)
    state.close()


async def test_growing_file_with_an_old_mtime_waits_until_it_settles(settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    """Copies keep old mtimes: readiness is size and mtime unchanged across the settle time, as seen."""
    settings, spool = _spool(settings_for, spool_settle_seconds=0.3)
    path = spool / "copy.jsonl"
    lines = [
        json.dumps({"url": f"https://copy.example/{n}", "title": f"C{n}", "text": "t"}) for n in range(10)
    ]
    _drop(path, "\n".join(lines[:3]) + "\n", 3600)
    connector, state = await _connector(settings, sink)
    await connector.scan_once()
    assert sink.articles == []  # first sight: not yet known to be stable
    _drop(path, "\n".join(lines) + "\n", 3600)
    time.sleep(0.35)
    await connector.scan_once()
    assert sink.articles == []  # changed since it was first seen: settles again
    time.sleep(0.35)
    await connector.scan_once()
    assert len(sink.articles) == 10
    state.close()


class RefusingSink(RecordingSink):
    """Refuses articles whose title starts with "Refused", as the producer does with one too large."""

    async def deliver(self, article: Article) -> None:
        if article.title.startswith("Refused"):
            raise RejectedArticleError(f"article {article.id} is too large", "too_large")
        await super().deliver(article)


async def test_article_kafka_refuses_does_not_block_the_folder(settings_for) -> None:  # type: ignore[no-untyped-def]
    settings, spool = _spool(settings_for)
    sink = RefusingSink()
    _drop(spool / "big.txt", "Refused Because It Is Far Too Large\n\ntext", 30)
    lines = [{"title": "Refused line", "text": "x"}, {"title": "Canary line", "text": "y"}]
    _drop(spool / "mixed.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n", 20)
    _drop(spool / "canary.txt", CANARY, 10)
    connector, state = await _connector(settings, sink)
    await connector.scan_once()
    assert sorted(a.title for a in sink.articles) == ["Canary Headline After The Bad Input", "Canary line"]
    assert "too large" in _failed_reason(spool, "big.txt")
    assert (spool / "done" / "mixed.jsonl").exists()
    assert state.in_flight() == []
    await connector.scan_once()  # nothing is retried
    assert len(sink.articles) == 2
    state.close()
