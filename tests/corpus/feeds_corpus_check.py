#!/usr/bin/env python3
"""Run ``newswatch feeds check --json`` over a feed corpus and compare it with plain feedparser.

    python tests/corpus/feeds_corpus_check.py CORPUS_FOLDER [--list] [--json]

CORPUS_FOLDER is, for instance, the ``tests`` folder of a copy of feedparser's repository (its
``wellformed``, ``illformed``, ``encoding`` and ``entities`` feeds). Each feed is served from a local
HTTP server on 127.0.0.1 (with the ``Header:`` lines of its leading comment as response headers, as
feedparser's own tests do) and read twice: through the real command line (``feeds check URL --json``)
and through ``feedparser.parse`` with the same bytes and headers. For each feed it compares the entry
count, the titles and the links, and prints how many agree. Every difference is put in a category;
the categories are what the pipeline does on purpose (docs/connectors.md, "Feed corpus check"), and a
difference in no category is printed as UNEXPLAINED and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import re
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser
import orjson

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from connectors.urls import canonical_url  # noqa: E402
from streams.cli import main as newswatch  # noqa: E402

FEED_SUFFIXES = (".xml", ".rss", ".rdf", ".atom", ".json")
_HEADER = re.compile(rb"^Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)
_COMMENT = re.compile(rb"<!--(.*?)-->", re.DOTALL)
_SPACES = re.compile(r"\s+")


def declared_headers(body: bytes) -> dict[str, str]:
    """The ``Header: Name: value`` lines of the leading comment (feedparser's test convention)."""
    found = _COMMENT.search(body[:4096])
    if not found:
        return {}
    return {
        m.group(1).decode().lower(): m.group(2).decode("latin-1") for m in _HEADER.finditer(found.group(1))
    }


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(value: str, markup: bool) -> str:
    """A title as readers show it: markup reduced to its text, white space collapsed."""
    if markup:
        parser = _Text()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    return _SPACES.sub(" ", html.unescape(value) if markup else value).strip()


class _Handler(BaseHTTPRequestHandler):
    root: Path

    def do_GET(self) -> None:
        path = (self.root / unquote(urlsplit(self.path).path).lstrip("/")).resolve()
        if self.root not in path.parents or not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        headers = declared_headers(body)
        headers.setdefault(
            "content-type", "application/json" if path.suffix == ".json" else "application/xml"
        )
        for name, value in headers.items():
            if name not in ("content-length", "content-encoding", "transfer-encoding", "location"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@dataclass
class Outcome:
    """One feed: what each reader found and the differences, each with its category."""

    name: str
    ours: int = 0
    theirs: int = 0
    titles_equal: bool = True
    links_equal: bool = True
    differences: list[tuple[str, str]] = field(default_factory=list)  # (category, detail)


def check_feed(url: str) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        newswatch(["feeds", "check", url, "--allow-private", "--json"])
    text = out.getvalue()
    if not text.strip():
        return {"error": "no output", "articles": [], "skipped": [], "problems": []}
    document: dict[str, Any] = orjson.loads(text)
    return document


SKIP_CATEGORIES = {
    "no title, summary or content": "empty_entry_skipped",
    "repeats entry id": "repeated_id_skipped",
}


def _count_category(name: str, report: dict[str, Any], ours: int, theirs: int) -> str:
    """Why the entry counts differ, or "" if no deliberate rule accounts for all of it."""
    if name.endswith(".json") and theirs == 0 and ours > 0:
        return "json_feed_read"  # the installed feedparser 6 does not read JSON Feed; we do
    if report.get("error") and "not a feed" in str(report["error"]):
        return "not_a_feed"
    reasons = [str(s.get("reason", "")) for s in report.get("skipped") or []]
    found = {category for marker, category in SKIP_CATEGORIES.items() for r in reasons if marker in r}
    if ours + len(reasons) == theirs and found and all(any(m in r for m in SKIP_CATEGORIES) for r in reasons):
        return "+".join(sorted(found))
    return ""


def _title_category(lost: Counter[str], raw_titles: list[str]) -> str:
    if any(re.search(r"<(script|style)\b", t, re.I) for t in raw_titles):
        return "script_text_dropped"  # text inside <script>/<style> is never article text
    return ""


def _link_category(extra: Counter[str], lost: Counter[str], guids: set[str]) -> str:
    if not lost and set(extra) <= guids:
        return "link_from_guid"  # no <link>: a URL-like GUID (rdf:about, permalink) is the article URL
    return ""


def compare(name: str, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    report = check_feed(url)
    response_headers = {"content-location": url, **headers}
    response_headers.setdefault("content-type", "application/xml")
    parsed = feedparser.parse(body, response_headers=response_headers)
    articles = report.get("articles") or []
    outcome = Outcome(name, len(articles), len(parsed.entries))
    if outcome.ours != outcome.theirs:
        detail = f"entries {outcome.ours} vs feedparser {outcome.theirs}"
        if report.get("error"):
            detail += f" ({str(report['error'])[:100]})"
        category = _count_category(name, report, outcome.ours, outcome.theirs)
        outcome.differences.append((category or "UNEXPLAINED", detail))
    kept = [e for e in parsed.entries if outcome.ours >= outcome.theirs or _kept(e, articles)]
    theirs_titles = Counter(
        plain(str(e.get("title", "")), "html" in str((e.get("title_detail") or {}).get("type", "")))
        for e in kept
    )
    ours_titles = Counter(_SPACES.sub(" ", str(a.get("title") or "")).strip() for a in articles)
    if outcome.ours != outcome.theirs:  # entries were skipped (counted above): compare what is left
        every = {plain(str(e.get("title", "")), "html" in str((e.get("title_detail") or {}).get("type", "")))
                 for e in parsed.entries}  # fmt: skip
        ours_titles = Counter(set(ours_titles))
        theirs_titles = Counter(set(theirs_titles) | (set(ours_titles) & every))
    if ours_titles != theirs_titles and parsed.entries:
        outcome.titles_equal = False
        extra, lost = ours_titles - theirs_titles, theirs_titles - ours_titles
        category = _title_category(lost, [str(e.get("title", "")) for e in kept])
        detail = f"titles ours {sorted(extra)[:3]} vs feedparser {sorted(lost)[:3]}"
        outcome.differences.append((category or "UNEXPLAINED", detail))
    theirs_links = Counter(canonical_url(str(e.get("link"))) for e in kept if e.get("link"))
    ours_links = Counter(str(a.get("url")) for a in articles if not str(a.get("url")).startswith("urn:"))
    if outcome.ours != outcome.theirs:
        theirs_links, ours_links = Counter(set(theirs_links)), Counter(set(ours_links))
    if ours_links != theirs_links and parsed.entries:
        outcome.links_equal = False
        extra, lost = ours_links - theirs_links, theirs_links - ours_links
        guids = {canonical_url(str(e.get("id"))) for e in kept if e.get("id")}
        category = _link_category(extra, lost, guids)
        detail = f"links ours {sorted(extra)[:3]} vs feedparser {sorted(lost)[:3]}"
        outcome.differences.append((category or "UNEXPLAINED", detail))
    return outcome


def _kept(entry: Any, articles: list[dict[str, Any]]) -> bool:
    """Whether we produced this feedparser entry (matched on title or canonical link)."""
    link = canonical_url(str(entry.get("link"))) if entry.get("link") else None
    title = _SPACES.sub(" ", str(entry.get("title", ""))).strip()
    return any(a.get("url") == link or (title and a.get("title") == title) for a in articles)


def corpus_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in FEED_SUFFIXES and "__" not in p.name
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="folder of feed files (e.g. feedparser's tests/)")
    parser.add_argument("--list", action="store_true", help="list every difference, not only the counts")
    args = parser.parse_args()
    root = args.corpus.resolve()
    files = corpus_files(root)
    if not files:
        print(f"no feed files under {root}", file=sys.stderr)
        return 2
    handler = type("Handler", (_Handler,), {"root": root})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    outcomes = []
    try:
        for path in files:
            name = str(path.relative_to(root))
            body = path.read_bytes()
            outcomes.append(compare(name, base + name, body, declared_headers(body)))
    finally:
        server.shutdown()
    with_entries = [o for o in outcomes if o.theirs]
    same = [o for o in outcomes if o.ours == o.theirs and o.titles_equal and o.links_equal]
    explained = [o for o in outcomes if all(c != "UNEXPLAINED" for c, _ in o.differences)]
    print(f"feeds checked: {len(outcomes)} ({len(with_entries)} with entries in feedparser)")
    print(f"entry counts equal: {sum(o.ours == o.theirs for o in outcomes)}/{len(outcomes)}")
    print(f"titles equal: {sum(o.titles_equal for o in outcomes)}/{len(outcomes)}")
    print(f"links equal: {sum(o.links_equal for o in outcomes)}/{len(outcomes)}")
    print(f"all three equal: {len(same)}/{len(outcomes)} ({sum(o.theirs > 0 for o in same)} with entries)")
    print(f"equal or different only by a documented rule: {len(explained)}/{len(outcomes)}")
    categories = Counter(c for o in outcomes for c, _ in o.differences)
    print(
        "differences by category: " + (", ".join(f"{c} {n}" for c, n in sorted(categories.items())) or "none")
    )
    for outcome in outcomes:
        for category, detail in outcome.differences:
            if args.list or category == "UNEXPLAINED":
                print(f"  {category:22} {outcome.name}: {detail}")
    return 1 if categories.get("UNEXPLAINED") else 0


if __name__ == "__main__":
    sys.exit(main())
