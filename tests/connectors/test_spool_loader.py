"""The spool connector and the offline tools read a file the same way (issue 17 item 4)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import orjson
import pytest

from connectors.backfill import load
from connectors.spool import read_spool_file
from streams.dedupe.offline import load_articles
from streams.detect import cli as explain_cli
from streams.documents.loader import load_documents

POLISH_PAGE = (
    "<html><head><meta charset='windows-1250'><title>Rozmowa telefoniczna</title></head><body>"
    "<nav><a href='/'>Strona główna</a> | <a href='/swiat'>Świat</a></nav>"
    "<article><h1>Rozmowa telefoniczna</h1>"
    + "".join(
        f"<p>Akapit {i}: prezydent Polski rozmawiał telefonicznie z kanclerzem Niemiec o sytuacji na "
        "granicy, o pomocy dla uchodźców i o dostawach gazu przed zimą; rozmowa trwała godzinę.</p>"
        for i in range(6)
    )
    + "</article><footer><p>Wszelkie prawa zastrzeżone.</p></footer></body></html>"
)


def test_spool_explain_dedupe_and_backfill_see_the_same_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "rozmowa.html"
    page.write_bytes(POLISH_PAGE.encode("cp1250"))
    # An mtime whose float seconds and nanoseconds give datetimes 1 us apart (failed 1 CI run in many).
    os.utime(page, ns=(1_765_137_220_000_000_637, 1_765_137_220_000_000_637))
    (tmp_path / "rozmowa.html.meta.json").write_bytes(
        orjson.dumps({"url": "https://example.pl/a?z=1&a=2", "source": "example.pl"})
    )
    (spooled,), bad = read_spool_file(page)
    assert bad == 0 and "rozmawiał telefonicznie" in spooled.text and "Strona główna" not in spooled.text

    def same(article: object) -> None:
        assert article == spooled.replace(fetched_at=article.fetched_at)  # type: ignore[attr-defined]

    ((_, offline),) = list(load_documents(page))
    same(offline)
    ((deduped, _),) = load_articles(tmp_path)
    same(deduped)
    backfilled = [item.article for item in load([page]) if item.article is not None]
    assert [a.text for a in backfilled] == [spooled.text] and backfilled[0].id == spooled.id

    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=None)
    explain_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["explain", "--json", str(tmp_path)])
    assert args.handler(args) == 0
    (document,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert document["article"]["id"] == spooled.id and document["article"]["url"] == spooled.url
    assert document["article"]["title"] == spooled.title == "Rozmowa telefoniczna"
    assert document["article"]["published"] == spooled.published.isoformat()
