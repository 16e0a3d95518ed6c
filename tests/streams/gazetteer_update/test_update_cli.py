"""``newswatch gazetteer update`` against a real HTTP server on 127.0.0.1 answering SPARQL JSON results
(fixtures/terms.json, fixtures/labels.json): the diff, the file, the detectors after a restart, and a
broken or unreachable endpoint changing nothing."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from streams.cli import main
from streams.detect.engine import DetectionEngine
from streams.detect.gazetteer import Gazetteer
from streams.detect.gazetteer_load import DATA_DIR
from streams.records import EventType
from streams.settings.detect import DetectSettings
from tests.streams.detect.conftest import make_article

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SPARQL_JSON = "application/sparql-results+json"


class SparqlServer:
    """A local SPARQL endpoint: answers the terms and labels queries from the fixtures, or breaks."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query).get("query", [""])[0]
                server.requests.append({"query": query, "accept": self.headers.get("Accept", "")})
                status, body, kind = server.answer(query)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, query: str) -> tuple[int, bytes, str]:
        which = "terms" if "newswatch:terms" in query else "labels"
        body = (FIXTURES / f"{which}.json").read_bytes()
        if self.mode == "http_500":
            return 500, b"Internal Server Error", "text/plain"
        if self.mode == "truncated" and which == "terms":
            return 200, body[: len(body) // 2], SPARQL_JSON
        if self.mode == "html":
            return 200, b"<html><body>Rate limit exceeded</body></html>", "text/html"
        if self.mode == "no_results" and which == "terms":
            return 200, b'{"head": {"vars": ["person"]}}', SPARQL_JSON
        if self.mode == "bad_labels" and which == "labels":
            return (
                200,
                b'{"head": {"vars": ["person", "lang", "kind", "text"]}, "results": {"bindings": 3}}',
                (SPARQL_JSON),
            )
        return 200, body, SPARQL_JSON

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def sparql() -> Iterator[SparqlServer]:
    server = SparqlServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(autouse=True)
def _no_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSWATCH_CONFIG", raising=False)


def _update(url: str, out: Path, *extra: str) -> int:
    return main(["gazetteer", "update", "--endpoint", url, "--out", str(out), "--allow-private", *extra])


def test_update_prints_the_diff_writes_the_file_and_the_detectors_use_it_after_a_restart(
    sparql: SparqlServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "leaders-refreshed.yaml"
    before = Gazetteer.load()
    assert before.holder("CZE", "president", date(2026, 6, 1)).person_id == "pavel-petr"  # type: ignore[union-attr]

    assert _update(sparql.url, out) == 0
    printed, progress = capsys.readouterr()
    assert "3 change(s) against the data in use: 2 added, 1 ended, 0 changed" in printed
    lines = printed.splitlines()
    assert any(
        line.split()[:4] == ["ended", "CZE", "president", "Petr"] and "2026-03-09" in line for line in lines
    )
    assert any("added" in line and "Jana Nováková (novakova-jana)" in line for line in lines)
    assert any(
        "added" in line and "BFA prime_minister" in line and "2019-01-24 -> 2021-12-10" in line
        for line in lines
    )
    assert (
        "left out: ended without end date 1, fictional 1, historical country 1, undated 1, unusable label 1"
        in printed
    )
    assert not any("KWT" in line for line in lines)  # Sabah Al-Khalid: matched by name, dates within 31 days
    assert "batch 1/1" in progress and f"wrote {out}" in progress
    assert {r["accept"] for r in sparql.requests} == {SPARQL_JSON}

    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["as_of"] == datetime.now(UTC).date().isoformat()
    people = {p["id"]: p for p in doc["people"]}
    assert set(people) == {"pavel-petr", "novakova-jana", "dabire-christophe-joseph-marie"}  # unchanged: not
    assert people["novakova-jana"]["wikidata"] == "Q99000001"
    assert people["novakova-jana"]["aliases"] == ["Nováková"]  # the lower-case alias left out
    assert people["novakova-jana"]["labels"] == {
        "ru": ["Яна Новакова"],
        "de": ["Jana Nováková"],
        "zh": ["雅娜·诺瓦科娃"],
    }
    assert people["pavel-petr"]["terms"] == [
        {"country": "CZE", "office": "president", "start": "2023-03-09", "end": "2026-03-09"}
    ]

    # A restart: the engine is built from settings pointing at the written file.
    engine = DetectionEngine.from_settings(DetectSettings(gazetteer_path=str(out)))
    gazetteer = engine.gazetteer
    assert gazetteer.newest_as_of == datetime.now(UTC).date()
    assert gazetteer.holder("CZE", "president", date(2026, 6, 1)).person_id == "novakova-jana"  # type: ignore[union-attr]
    assert gazetteer.holder("CZE", "president", date(2025, 6, 1)).person_id == "pavel-petr"  # type: ignore[union-attr]
    assert (
        gazetteer.holder("BFA", "prime_minister", date(2021, 1, 1)).person_id
        == "dabire-christophe-joseph-marie"
    )  # type: ignore[union-attr]
    assert gazetteer.holder("KWT", "prime_minister", date(2021, 1, 1)).person_id == "al-sabah-sabah-al-khalid"  # type: ignore[union-attr]
    assert [m.person_id for m in gazetteer.find_names("Яна Новакова и Путин")] == [
        "novakova-jana",
        "putin-vladimir",
    ]
    article = make_article(
        "Czech President Jana Nováková held a phone call with Russian President Vladimir Putin on Monday, "
        "Prague Castle said.",
        "2026-06-02",
    )
    calls = [e for e in engine.detect(article).events if e.type == EventType.LEADER_CALL]
    assert calls and {p.person_id for p in calls[0].participants} == {"novakova-jana", "putin-vladimir"}
    stale = DetectionEngine.from_settings(DetectSettings())
    old_calls = [e for e in stale.detect(article).events if e.type == EventType.LEADER_CALL]
    assert all("novakova-jana" not in {p.person_id for p in e.participants} for e in old_calls)


def test_a_second_update_over_the_file_in_use_finds_nothing_new_and_keeps_its_people(
    sparql: SparqlServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "leaders-refreshed.yaml"
    assert _update(sparql.url, out) == 0
    first = yaml.safe_load(out.read_text(encoding="utf-8"))
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"detect:\n  gazetteer_path: {out}\n", encoding="utf-8")
    capsys.readouterr()
    assert (
        main(
            [
                "--config",
                str(config),
                "gazetteer",
                "update",
                "--endpoint",
                sparql.url,
                "--out",
                str(out),
                "--allow-private",
            ]
        )
        == 0
    )
    assert "0 change(s) against the data in use" in capsys.readouterr().out
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["people"] == first["people"]


@pytest.mark.parametrize("mode", ["truncated", "html", "no_results", "bad_labels", "http_500"])
def test_a_broken_response_changes_nothing(
    sparql: SparqlServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    out = tmp_path / "leaders-refreshed.yaml"
    out.write_text("format: 1\nas_of: 2026-01-01\npeople: []\n", encoding="utf-8")
    shipped = (DATA_DIR / "leaders.yaml").read_bytes()
    sparql.mode = mode
    assert _update(sparql.url, out) == 1
    err = capsys.readouterr().err
    reached = "could not be reached" if mode == "http_500" else "answered with a malformed result"
    assert f"the endpoint {reached}" in err and "nothing was written" in err
    assert out.read_text(encoding="utf-8") == "format: 1\nas_of: 2026-01-01\npeople: []\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaders-refreshed.yaml"]  # no temporary left
    assert (DATA_DIR / "leaders.yaml").read_bytes() == shipped


def test_an_unreachable_endpoint_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    out = tmp_path / "leaders-refreshed.yaml"
    assert _update(f"http://127.0.0.1:{port}/sparql", out) == 1
    assert "could not be reached" in capsys.readouterr().err
    assert not out.exists()


def test_the_guard_refuses_a_loopback_endpoint_unless_allowed(
    sparql: SparqlServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "leaders-refreshed.yaml"
    assert main(["gazetteer", "update", "--endpoint", sparql.url, "--out", str(out)]) == 1
    assert "could not be reached" in capsys.readouterr().err
    assert not sparql.requests and not out.exists()


def test_the_shipped_file_is_never_the_target(
    sparql: SparqlServer, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = (DATA_DIR / "leaders.yaml").read_bytes()
    assert _update(sparql.url, DATA_DIR / "leaders.yaml") == 2
    assert "refusing to write into the shipped data" in capsys.readouterr().err
    assert (DATA_DIR / "leaders.yaml").read_bytes() == shipped
    assert sorted(p.name for p in DATA_DIR.iterdir() if p.name.endswith(".tmp")) == []
