"""The shared document loader (issue 17 items 3, 4): one reading of a file for the spool and every
offline tool, the same text on every extraction, and the date a document states about itself."""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from streams.dedupe.offline import load_articles
from streams.detect import cli as explain_cli
from streams.documents.dating import dateline_date, document_date
from streams.documents.extract import extract_main_text
from streams.documents.loader import load_documents
from streams.settings import Settings
from tests.seed_events import SEED_EVENTS

ROOT = Path(__file__).resolve().parents[2]
CHROME = "Subscribe to our newsletter for the latest headlines every morning"
PARAGRAPHS = "".join(
    f"<p>Paragraph {i}: the foreign ministers met in Geneva on Tuesday to discuss the ceasefire line, "
    "the exchange of prisoners and the return of displaced families to their villages before winter.</p>"
    for i in range(8)
)
PAGE = (
    "<html><head><title>Talks in Geneva</title></head><body>"
    f"<nav><ul><li><a href='/'>Home</a></li><li><a href='/w'>World</a></li></ul></nav>"
    f"<div class='promo'><p>{CHROME}</p></div>"
    f"<article><h1>Talks in Geneva</h1>{PARAGRAPHS}</article>"
    "<footer><p>Copyright 2020 Example News. All rights reserved.</p></footer></body></html>"
)


def _explain(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=None)
    explain_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["explain", "--json", *argv])
    assert args.handler(args) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def _stage(seeds: Path, dest: Path) -> None:
    spec = importlib.util.spec_from_file_location("stage_seeds", ROOT / "deploy" / "seeds" / "stage_seeds.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.stage(seeds, dest)


def test_the_same_page_extracts_the_same_text_every_time() -> None:
    # trafilatura's deduplicate=True remembers paragraphs process-wide: from the 4th run they vanished.
    texts = [extract_main_text(PAGE, "https://example.com/geneva") for _ in range(8)]
    assert len(set(texts)) == 1 and len(texts[0]) > 1000


def test_explain_on_a_staged_spool_folder_gives_exactly_the_seed_events(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _stage(seeds_dir, tmp_path)
    documents = _explain(capsys, str(tmp_path))
    assert len(documents) == 5
    alerted = {t for t in Settings().alerts.default_types if not t.endswith("*")}
    found = {
        (e["type"], e["date"], tuple(sorted(p["country"] for p in e["participants"])))
        for d in documents
        for e in d["events"]  # type: ignore[attr-defined]
        if e["type"] in alerted
    }
    assert found == SEED_EVENTS
    assert all(not d["article"]["published_is_fallback"] for d in documents)  # type: ignore[index]


def test_explain_on_the_bare_seed_files_dates_004_from_its_text(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = sorted(p.name for p in seeds_dir.glob("00?_*.txt"))
    for name in names:
        shutil.copy(seeds_dir / name, tmp_path / name)
    documents = _explain(capsys, *(str(tmp_path / name) for name in names))
    by_name = {Path(str(d["input"])).name[:3]: d for d in documents}
    article = by_name["004"]["article"]
    assert article["published"] == "2020-10-21T12:00:00+00:00"  # type: ignore[index]
    assert article["published_is_fallback"] is False  # type: ignore[index]
    events = {(e["type"], e["date"]) for e in by_name["004"]["events"]}  # type: ignore[attr-defined]
    assert ("leader_call", "2020-10-20") in events
    # 002's only full dates are in a photo caption and in prose: never taken as the article's date
    assert by_name["002"]["article"]["published_is_fallback"] is True  # type: ignore[index]


def test_datelines_and_page_dates() -> None:
    today = datetime(2026, 1, 1, tzinfo=UTC).date()
    assert str(dateline_date("Title\n\nOctober 21, 2020\nBody text.", today)) == "2020-10-21"
    assert str(dateline_date("Published: 21 Oct. 2020 10:30 GMT\nBody", today)) == "2020-10-21"
    assert str(dateline_date("Updated Wednesday, October 21, 2020 at 10:30 am EST", today)) == "2020-10-21"
    assert dateline_date("Leaders met in Ashgabat,October 11, 2019.", today) is None
    assert dateline_date("October 21, 2030", today) is None  # the future is not a publication date
    meta = "<html><head><meta property='article:published_time' content='2020-10-21T08:00:00Z'>"
    assert document_date("", meta + "</head><body><p>x</p></body></html>") == datetime(
        2020, 10, 21, 12, tzinfo=UTC
    )
    timed = "<html><body><article><time datetime='2019-03-04'>4 March</time><p>x</p></article></body></html>"
    assert document_date("", timed) == datetime(2019, 3, 4, 12, tzinfo=UTC)


def test_dedupe_check_reads_pages_as_the_spool_does(tmp_path: Path) -> None:
    # Windows-1252 text, page chrome and a sidecar: dedupe-check used its own reader (chrome kept,
    # non-UTF-8 garbled); now it gets the spool's text, title, date and id.
    (tmp_path / "page.html").write_bytes(PAGE.replace("Geneva on", "Genève on").encode("cp1252"))
    (tmp_path / "page.html.meta.json").write_bytes(
        orjson.dumps({"url": "https://Example.com/geneva?b=2&a=1", "published": "2020-10-21T08:00:00Z"})
    )
    ((article, source),) = load_articles(tmp_path)
    assert source == "page.html"
    assert "Genève on Tuesday" in article.text and "\ufffd" not in article.text
    assert CHROME not in article.text and "Copyright" not in article.text
    assert article.url == "https://example.com/geneva?a=1&b=2"
    assert article.published == datetime(2020, 10, 21, 8, tzinfo=UTC)
    ((_, same),) = list(load_documents(tmp_path / "page.html"))
    assert same == article.replace(fetched_at=same.fetched_at)


def test_html_without_metadata_is_dated_from_its_markup(tmp_path: Path) -> None:
    page = PAGE.replace("<head>", "<head><meta name='date' content='2020-10-21'>")
    (tmp_path / "dated.html").write_text(page, encoding="utf-8")
    ((_, article),) = list(load_documents(tmp_path))
    assert (article.published, article.published_is_fallback) == (
        datetime(2020, 10, 21, 12, tzinfo=UTC),
        False,
    )
