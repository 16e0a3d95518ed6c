"""The spool connector: seeds with and without sidecars, HTML, JSON lines, failures, and restarts."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.spool import SpoolConnector, guess_title, read_spool_file
from connectors.state import StateStore
from streams.records import stable_id

SEED_DATES = {
    "000_6be6fbbbb802f048.txt": "2020-11-07",
    "001_a6ff0212a8b49c5c.txt": "2020-11-07",
    "002_80ed9d53a21f13b4.txt": "2020-10-02",
    "003_916328e3991dc88e.txt": "2020-10-01",
    "004_a4b85e159159ef82.txt": "2020-10-21",
}


async def _connector(settings, sink):  # type: ignore[no-untyped-def]
    state = StateStore.in_dir(settings.connectors.state_dir)
    connector = SpoolConnector(settings, sink, state)
    await connector.setup()
    return connector, state


async def test_seeds_with_sidecars(seeds_dir: Path, settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    spool = Path(settings.connectors.spool_dir)
    spool.mkdir(parents=True)
    for name, day in SEED_DATES.items():
        (spool / f"{name}.meta.json").write_text(json.dumps({"published": day, "source": "seed.example"}))
        shutil.copy(seeds_dir / name, spool / name)
    connector, state = await _connector(settings, sink)
    assert await connector.scan_once() == 5
    by_url = {a.url: a for a in sink.articles}
    assert set(by_url) == {f"spool://{n}" for n in SEED_DATES}
    for name, day in SEED_DATES.items():
        article = by_url[f"spool://{name}"]
        assert article.published == datetime.fromisoformat(day).replace(tzinfo=UTC)
        assert not article.published_is_fallback
        assert article.id == stable_id(f"spool://{name}")
        assert article.source_site == "seed.example"
        assert article.connector == "spool"
        assert len(article.text) > 500
    assert by_url["spool://000_6be6fbbbb802f048.txt"].title.startswith("Putin, Macron express concern")
    assert by_url["spool://002_80ed9d53a21f13b4.txt"].title == "Putin, Pashinian Again Discuss Karabakh War"
    assert sorted(p.name for p in (spool / "done").iterdir() if not p.name.endswith(".meta.json")) == sorted(
        SEED_DATES
    )
    assert not any(p.is_file() for p in spool.iterdir())
    state.close()


async def test_no_sidecar_uses_mtime_flagged(seeds_dir: Path, settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    spool = Path(settings.connectors.spool_dir)
    spool.mkdir(parents=True)
    target = spool / "001_a6ff0212a8b49c5c.txt"
    shutil.copy(seeds_dir / target.name, target)
    os.utime(target, (1_600_000_000, 1_600_000_000))
    connector, state = await _connector(settings, sink)
    await connector.scan_once()
    (article,) = sink.articles
    assert article.published_is_fallback
    assert article.published == datetime.fromtimestamp(1_600_000_000, UTC)
    assert article.url == "spool://001_a6ff0212a8b49c5c.txt"
    state.close()


def test_sidecar_url_is_canonical_key(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Leaders Spoke By Phone About The War\n\nBody text here.")
    (tmp_path / "a.txt.meta.json").write_text(
        json.dumps({"url": "HTTPS://News.Example.com:443/a?utm_source=x&id=3#top", "title": "T"})
    )
    (article,), bad = read_spool_file(path)
    assert article.url == "https://news.example.com/a?id=3"
    assert article.id == stable_id("https://news.example.com/a?id=3")
    assert article.title == "T" and bad == 0


def test_html_file_extracts_main_text(tmp_path: Path) -> None:
    chrome = "<nav><a href='/'>Home</a> Share on Facebook | Tweet | Subscribe to our newsletter</nav>"
    paragraphs = "".join(
        f"<p>Paragraph {i}: the presidents discussed the ceasefire and the humanitarian situation.</p>"
        for i in range(8)
    )
    html = (
        f"<html><head><title>Leaders discuss ceasefire</title></head><body>{chrome}"
        f"<article><h1>Leaders discuss ceasefire</h1>{paragraphs}</article>"
        "<footer>Copyright Example Media. All rights reserved. Privacy policy.</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html)
    (article,), _ = read_spool_file(path)
    assert article.title == "Leaders discuss ceasefire"
    assert "Paragraph 7" in article.text
    assert "Subscribe" not in article.text and "<p>" not in article.text


def test_jsonl_bad_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    good = {
        "url": "https://e.com/1?utm_medium=x",
        "title": "One",
        "text": "t",
        "published": "2020-10-01T00:00:00Z",
    }
    lines = [json.dumps(good), "{not json", json.dumps([1, 2]), json.dumps({"title": "Two", "text": "u"}), ""]
    path.write_text("\n".join(lines))
    articles, bad = read_spool_file(path)
    assert bad == 2
    assert [a.title for a in articles] == ["One", "Two"]
    assert articles[0].url == "https://e.com/1" and articles[0].id == stable_id("https://e.com/1")
    assert articles[1].published_is_fallback and articles[1].connector == "spool"


async def test_unreadable_file_goes_to_failed(settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for()
    spool = Path(settings.connectors.spool_dir)
    spool.mkdir(parents=True)
    (spool / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (spool / "ok.txt").write_text("A Headline That Looks Like One\n\nSome text.")
    connector, state = await _connector(settings, sink)
    await connector.scan_once()
    assert [a.title for a in sink.articles] == ["A Headline That Looks Like One"]
    assert (spool / "failed" / "blob.txt").exists()
    assert "binary" in (spool / "failed" / "blob.txt.error.txt").read_text()
    state.close()


async def test_restart_after_ack_before_move_does_not_repeat(settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    """A crash after the ack but before the move: the next start moves the file without producing it."""
    settings = settings_for()
    spool = Path(settings.connectors.spool_dir)
    spool.mkdir(parents=True)
    path = spool / "x.txt"
    path.write_text("Some Headline For The Test\n\ntext")
    connector, state = await _connector(settings, sink)
    from connectors.spool import file_digest

    state.mark_spool_done(file_digest(path), path.name)  # as if produced, then crashed
    state.close()
    connector, state = await _connector(settings, sink)
    await connector.scan_once()
    assert sink.articles == []
    assert (spool / "done" / "x.txt").exists()
    # Dropping the same file again later is produced again (the marker is gone).
    (spool / "x.txt").write_text("Some Headline For The Test\n\ntext")
    await connector.scan_once()
    assert len(sink.articles) == 1
    assert (spool / "done").joinpath("x.txt").exists()
    state.close()


async def test_partial_and_hidden_files_wait(settings_for, sink) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(spool_settle_seconds=30)
    spool = Path(settings.connectors.spool_dir)
    spool.mkdir(parents=True)
    (spool / ".hidden.tmp").write_text("x")
    (spool / "fresh.txt").write_text("Just Written File Headline Here\n\nx")
    connector, state = await _connector(settings, sink)
    assert await connector.scan_once() == 0
    state.close()


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Send a Tweet\nShare on Facebook 35\nOpEdNews Op Eds 11/7/20\n\n"
            "Putin and Macron talk about the war",
            "Putin and Macron talk about the war",
        ),
        ("short\n\nThis is a sentence that ends with a full stop.", ""),
    ],
)
def test_guess_title(text: str, title: str) -> None:
    assert guess_title(text) == title


# --- declared charsets are honoured (BOM, sidecar charset, <meta charset>); the rest is detected ---------

RUSSIAN = (
    "Президент России Владимир Путин провёл телефонный разговор с президентом Франции Эммануэлем "
    "Макроном. Стороны обсудили ситуацию в Нагорном Карабахе и договорились продолжить контакты."
)
GREEK = "Ο πρωθυπουργός μίλησε τηλεφωνικά με τον πρόεδρο της Τουρκίας για την εκεχειρία στη Συρία."


def _text_of(path: Path) -> str:
    (article,), _ = read_spool_file(path)
    return article.text


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_undeclared_cyrillic_is_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode(encoding))
    assert _text_of(path) == RUSSIAN


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "ru.html"
    head = '<html><head><meta charset="windows-1251"><title>Звонок</title></head>'
    page = f"{head}<body><p>{RUSSIAN}</p></body></html>"
    path.write_bytes(page.encode("cp1251"))
    (article,), _ = read_spool_file(path)
    assert "Владимир Путин" in article.text and article.title == "Звонок"


def test_sidecar_charset_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "gr.txt"
    path.write_bytes(GREEK.encode("iso-8859-7"))
    (tmp_path / "gr.txt.meta.json").write_text(json.dumps({"charset": "iso-8859-7"}))
    assert _text_of(path) == GREEK


def test_byte_order_mark_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(RUSSIAN.encode("utf-16"))  # with its BOM; NUL bytes, yet not binary
    assert _text_of(path) == RUSSIAN


def test_undeclared_western_text_stays_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "fr.txt"
    text = "Café crème, naïve façade — déjà vu"
    path.write_bytes(text.encode("cp1252"))
    assert _text_of(path) == text


def test_wrong_or_unknown_declaration_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode("utf-8"))
    (tmp_path / "ru.txt.meta.json").write_text(json.dumps({"charset": "no-such-charset"}))
    assert _text_of(path) == RUSSIAN
