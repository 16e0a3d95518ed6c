"""``newswatch dedupe-check`` on the seeds folder and on a JSONL file."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from streams.dedupe import cli
from streams.records import Article


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=None)
    cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    code = args.func(args)
    return code, capsys.readouterr().out


def test_seeds_folder_json(seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["dedupe-check", str(seeds_dir), "--json"], capsys)
    assert code == 0
    report = orjson.loads(out)
    assert report["format"] == "newswatch.dedupe-check/1"
    assert (report["articles"], report["unique"], report["duplicates"]) == (5, 4, 1)
    (group,) = report["groups"]
    members = {group["original"]["source"], *(d["source"] for d in group["duplicates"])}
    assert members == {"000_6be6fbbbb802f048.txt", "001_a6ff0212a8b49c5c.txt"}
    assert group["duplicates"][0]["outcome"] == "near" and group["duplicates"][0]["similarity"] >= 0.8
    assert len(report["decisions"]) == 5 and {"reason", "nearest_similarity"} <= set(report["decisions"][0])


def test_seeds_folder_text_and_threshold(seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["dedupe-check", str(seeds_dir)], capsys)
    assert code == 0 and "5 articles: 4 unique, 1 duplicates" in out and "001_a6ff0212a8b49c5c" in out
    code, out = _run(
        ["dedupe-check", str(seeds_dir), "--threshold", "1.0", "--estimate-threshold", "1.0"], capsys
    )
    assert code == 0


def test_jsonl_input_and_bad_path(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = []
    for number, path in enumerate(sorted(seeds_dir.glob("00[01]*.txt"))):
        article = Article(id=f"s{number}", url="", title="", text=path.read_text(encoding="utf-8"),
                          published=datetime(2020, 11, 7, 12, number, tzinfo=UTC))  # fmt: skip
        lines.append(article.to_json().decode())
    feed = tmp_path / "articles.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = _run(["dedupe-check", str(feed), "--json"], capsys)
    assert code == 0 and orjson.loads(out)["groups"][0]["duplicates"][0]["id"] == "s1"
    code, _ = _run(["dedupe-check", str(tmp_path / "missing.jsonl")], capsys)
    assert code == 2
