"""Which source an article counts as for an event: the one rule behind "a second independent source"."""

from __future__ import annotations

from urllib.parse import urlsplit

from streams.records import Article


def report_source(article: Article) -> str:
    """The article's site, else its URL's host, else the connector that brought it ('' if none is known).

    Detection (an original's report) and the re-issued reports of its duplicates both use this, so the
    same site always counts as the same source, whichever path its article took.
    """
    return article.source_site or urlsplit(article.url).hostname or article.connector or ""
