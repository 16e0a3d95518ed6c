"""One rule for the source of a report, whether it comes from detection or from a duplicate's re-issue.

Issue 19: detection fell back to the URL's host for an original, the duplicate path to the connector's
name, so a site's own copy of its story, brought by a feed connector without a site name, counted as
a second independent source and the event alerted ``confirmed`` on one source.
"""

from __future__ import annotations

from datetime import UTC, datetime

from streams.detect.engine import DetectionEngine
from streams.events.merge import merge_report
from streams.events.reports import duplicate_reports
from streams.events.source import report_source
from streams.records import Article

TEXT = (
    "Russian President Vladimir Putin held a telephone conversation with French President Emmanuel "
    "Macron on Saturday, the Kremlin said. They discussed the situation in the region."
)
PUBLISHED = datetime(2020, 11, 7, 12, tzinfo=UTC)


def _article(article_id: str, url: str, connector: str) -> Article:
    return Article(id=article_id, url=url, title="", text=TEXT, published=PUBLISHED, connector=connector)


def test_the_source_is_the_site_then_the_host_then_the_connector() -> None:
    named = _article("a", "https://www.site.example/x", "rss").replace(source_site="site")
    assert report_source(named) == "site"
    assert report_source(_article("a", "https://www.site.example/x", "rss")) == "www.site.example"
    assert report_source(_article("a", "", "rss")) == "rss"
    assert report_source(_article("a", "", "")) == ""


def test_a_sites_own_copy_is_not_a_second_source() -> None:
    original = _article("orig", "https://news.example/story", "spool")
    (report,) = DetectionEngine().detect(original).events
    copy = _article("copy", "https://news.example/story?utm=feed", "rss").replace(duplicate_of=original.id)
    (reissued,) = duplicate_reports([report], copy)
    assert reissued.sources == report.sources == ("news.example",)
    first = merge_report(None, report)
    assert merge_report(first.event, reissued).reason == "new_report", "same site: not 'confirmed'"
