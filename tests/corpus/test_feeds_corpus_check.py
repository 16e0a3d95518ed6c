"""The corpus check itself, on a small corpus written here (the real one is feedparser's tests/ folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("feeds_corpus_check.py")
FEEDS = {
    "rss/plain.xml": "<rss version='2.0'><channel><title>T</title><item><title>A &lt;2% rise</title>"
    "<link>https://e.example/a?b=1&amp;a=2</link><description>x</description></item></channel></rss>",
    "atom/empty_entry.xml": "<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>urn:x</id>"
    "<author><name>Only an author</name></author></entry></feed>",
    "encoding/declared.xml": "<!--\nHeader: Content-type: application/xml; charset=windows-1252\n-->\n"
    "<rss version='2.0'><channel><item><title>Caf\xe9</title><link>https://e.example/c</link></item>"
    "</channel></rss>",
}


def test_corpus_check_counts_and_explains_every_difference(tmp_path: Path) -> None:
    for name, text in FEEDS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(text.encode("cp1252"))
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), "--list"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "feeds checked: 3 (3 with entries in feedparser)" in lines
    assert "entry counts equal: 2/3" in lines and "titles equal: 3/3" in lines and "links equal: 3/3" in lines
    assert "equal or different only by a documented rule: 3/3" in lines
    assert any("empty_entry_skipped" in line and "atom/empty_entry.xml" in line for line in lines)
