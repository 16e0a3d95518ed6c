"""The speaker hint: a feed setting or a spool sidecar names the leader a source speaks as, and every
article from it carries that gazetteer id to the detectors (issue 15)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from connectors.http import HttpClient
from connectors.rss import FeedPoller
from connectors.spool import read_spool_file
from connectors.state import FeedState, StateStore
from streams.errors import ConfigError
from streams.records import Article
from streams.settings import load_settings
from streams.settings.connectors import FeedSettings
from streams.settings.startcheck import check_start
from tests.connectors.test_poller import rss

ADDRESS = "Говорив сьогодні з канцлером Німеччини Олафом Шольцом."


async def test_a_feed_with_a_speaker_gives_articles_that_carry_it(  # type: ignore[no-untyped-def]
    feed_server, settings_for, sink, tmp_path: Path
) -> None:
    settings = settings_for()
    poller = FeedPoller(settings, HttpClient(settings.connectors), sink, StateStore(tmp_path / "s.sqlite3"))
    try:
        url = feed_server.static("/addresses", rss([("a1", ADDRESS)]), "application/rss+xml")
        feed = FeedSettings(url=url, allow_private=True, language="uk", speaker="zelensky-volodymyr")
        report = await poller.poll(feed, FeedState())
        plain = feed_server.static("/news", rss([("n1", "News")]), "application/rss+xml")
        other = await poller.poll(FeedSettings(url=plain, allow_private=True), FeedState())
    finally:
        await poller.client.close()
    assert [a.speaker for a in report.articles] == ["zelensky-volodymyr"]
    assert [a.speaker for a in other.articles] == [None]


def test_a_spool_sidecar_names_the_speaker(tmp_path: Path) -> None:
    path = tmp_path / "address.txt"
    path.write_text(f"Звернення\n\n{ADDRESS}\n", encoding="utf-8")
    (tmp_path / "address.txt.meta.json").write_bytes(
        orjson.dumps({"language": "uk", "speaker": "zelensky-volodymyr", "published": "2022-05-17T20:00:00Z"})
    )
    (article,), bad = read_spool_file(path)
    assert bad == 0 and article.speaker == "zelensky-volodymyr"


def test_the_speaker_survives_the_wire_and_old_records_have_none(tmp_path: Path) -> None:
    path = tmp_path / "address.txt"
    path.write_text(ADDRESS, encoding="utf-8")
    (tmp_path / "address.txt.meta.json").write_bytes(orjson.dumps({"speaker": "zelensky-volodymyr"}))
    (article,), _ = read_spool_file(path)
    assert Article.from_json(article.to_json()).speaker == "zelensky-volodymyr"
    old = article.to_dict()
    del old["speaker"]
    assert Article.from_dict(old).speaker is None


def test_a_feed_speaker_unknown_to_the_gazetteer_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.yaml"
    feed = "connectors:\n  feeds:\n    - {url: 'https://www.president.gov.ua/rss', speaker: %s}\n"
    path.write_text(feed % "zelensky-volodymyr", encoding="utf-8")
    check_start(load_settings(path))
    path.write_text(feed % "zelenskyy", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"connectors.feeds \(https://www.president.gov.ua/rss\).speaker"):
        check_start(load_settings(path))
