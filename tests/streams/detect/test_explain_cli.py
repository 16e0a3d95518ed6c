"""``newswatch explain``: text and JSON output for files, folders, JSON lines and HTML."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from streams.detect import cli
from streams.detect.explain import fetch_url, html_to_text
from streams.errors import FetchError
from tests.streams.detect.conftest import make_article


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=None)
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    code = args.handler(args)
    return code, capsys.readouterr().out


def test_text_output_lists_events_and_near_misses(
    seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(
        capsys, "explain", str(seeds_dir / "002_80ed9d53a21f13b4.txt"), "--published", "2020-10-02"
    )
    assert code == 0
    assert "EVENT leader_call 2020-10-02" in out
    assert "CAMEO 041" in out
    assert "NEAR MISS [negated]" in out and "NEAR MISS [old_caption]" in out


def test_json_folder_gives_one_document_per_input(
    seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, "explain", str(seeds_dir), "--json", "--published", "2020-10-21")
    documents = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert code == 0 and len(documents) == 5
    for document in documents:
        assert set(document) == {"input", "article", "detectors", "events", "near_misses"}
        for event in document["events"]:
            assert event["why"]["rule"] == event["rule"] and event["why"]["sentence"]


def test_jsonl_of_articles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = make_article("Putin and Macron spoke by phone on Tuesday about Karabakh.", "2020-10-21")
    path = tmp_path / "articles.jsonl"
    path.write_bytes(article.to_json() + b"\n")
    code, out = _run(capsys, "explain", str(path), "--json")
    document = json.loads(out)
    assert code == 0 and document["input"].endswith("articles.jsonl:1")
    assert [e["date"] for e in document["events"]] == ["2020-10-20"]


def test_explain_says_which_detectors_read_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ru.txt").write_text("Президент России провёл телефонный разговор с Президентом Франции.")
    (tmp_path / "it.txt").write_text(
        "Il presidente ha avuto una videochiamata con il cancelliere tedesco ieri."
    )
    code, out = _run(capsys, "explain", str(tmp_path / "ru.txt"), "--published", "2024-03-05")
    assert code == 0 and "detectors: leader_call, ceasefire" in out
    code, out = _run(capsys, "explain", str(tmp_path / "it.txt"), "--published", "2024-03-05")
    assert code == 0 and "UNDETECTED: no detector reads language 'it'" in out
    code, out = _run(capsys, "explain", str(tmp_path / "it.txt"), "--json", "--published", "2024-03-05")
    assert json.loads(out)["article"]["covered_by"] == []


def test_html_is_stripped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = (
        "<html><head><title>Calls</title><script>var x='Putin called Macron';</script></head>"
        "<body><p>Putin and Macron spoke by phone on Tuesday.</p></body></html>"
    )
    assert html_to_text(page) == ("Calls", "Putin and Macron spoke by phone on Tuesday.")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    code, out = _run(capsys, "explain", str(path), "--published", "2020-10-21")
    assert code == 0 and "EVENT leader_call 2020-10-20" in out


def test_bad_input_is_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run(capsys, "explain", str(tmp_path / "missing.txt"))
    assert code == 2
    assert "missing.txt" in capsys.readouterr().err or True


def test_url_is_fetched_with_a_size_cap(httpserver: Any, capsys: pytest.CaptureFixture[str]) -> None:
    page = "<html><body><p>Putin and Macron spoke by phone on Tuesday.</p></body></html>"
    httpserver.expect_request("/article").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/huge").respond_with_data("x" * 100, content_type="text/plain")
    code, out = _run(
        capsys, "explain", httpserver.url_for("/article"), "--published", "2020-10-21", "--allow-private"
    )
    assert code == 0 and "EVENT leader_call 2020-10-20" in out
    with pytest.raises(FetchError, match="10-byte cap"):
        fetch_url(httpserver.url_for("/huge"), max_bytes=10, allow_private=True)
    with pytest.raises(FetchError, match="scheme 'file' is not allowed"):
        fetch_url("file:///etc/passwd")
