"""One article under two URL spellings is one key (issue 17 item 7): query order and IDN hosts."""

from __future__ import annotations

import pytest

from connectors.urls import canonical_url as connectors_canonical_url
from streams.dedupe.urls import canonical_url, dedupe_url, url_hash


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://example.com/a?id=7&page=2", "https://example.com/a?page=2&id=7"),
        ("https://example.com/a?id=7&page=2&utm_source=x", "https://EXAMPLE.com/a?page=2&id=7#top"),
        ("https://bücher.example/artikel?x=1", "https://xn--bcher-kva.example/artikel?x=1"),
        ("https://BÜCHER.example./artikel", "https://xn--bcher-kva.example/artikel"),
        ("http://новости.рф/статья", "http://xn--b1amnebsh.xn--p1ai/статья"),
    ],
)
def test_two_spellings_are_one_url(one: str, other: str) -> None:
    assert canonical_url(one) == canonical_url(other)
    assert dedupe_url(one) == dedupe_url(other) and url_hash(one) == url_hash(other)


def test_canonical_form_and_one_function() -> None:
    assert canonical_url("https://bücher.example/a?b=2&a=1") == "https://xn--bcher-kva.example/a?a=1&b=2"
    # values of one name keep their order (a site may read them in order); names are sorted
    assert canonical_url("https://e.com/?z=1&t=b&t=a") == "https://e.com/?t=b&t=a&z=1"
    assert connectors_canonical_url is canonical_url  # the connectors key articles with the same function
    # a label IDNA refuses (empty) keeps its spelling instead of failing
    assert canonical_url("https://a..b/x") == "https://a..b/x"
