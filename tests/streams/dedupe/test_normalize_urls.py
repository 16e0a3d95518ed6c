"""Normalisation and URL identity: copies must compare equal, different pages must not."""

from __future__ import annotations

from streams.dedupe.normalize import is_body_line, normalize_text, strip_chrome
from streams.dedupe.urls import dedupe_url, url_hash


def test_normalize_text_unifies_quotes_dashes_and_space() -> None:
    assert normalize_text("\u201cIt\u2019s\u00a0here\u201d \u2014  OK\uff01") == '"it\'s here" - ok!'


def test_body_lines_and_chrome_lines() -> None:
    body = "The two leaders discussed the situation in the region and agreed to talk again soon."
    assert is_body_line(body, min_words=6, long_line_words=25)
    for chrome in ("Share on Facebook Share on Twitter", "Most Popular Articles by this Author:",
                   "Sign up for our daily newsletter to get the latest stories.", "Menu"):  # fmt: skip
        assert not is_body_line(chrome, min_words=6, long_line_words=25)


def test_strip_chrome_joins_hard_wrapped_lines_and_falls_back_on_short_texts() -> None:
    wrapped = (
        "The minister said on Tuesday that the talks\nwould continue next week in Geneva with all\n"
        "parties present at the table.\nShare this"
    )
    assert strip_chrome(wrapped, min_body_words=5) == (
        "The minister said on Tuesday that the talks would continue next week in Geneva with all "
        "parties present at the table."
    )
    assert strip_chrome("Breaking\nShort item", min_body_words=25) == "Breaking\nShort item"


def test_dedupe_url_drops_tracking_scheme_www_amp_and_fragments() -> None:
    same = [
        "https://www.example.com/news/story-1/?utm_source=rss&utm_medium=feed",
        "http://example.com/news/story-1#comments",
        "https://amp.example.com/news/story-1/amp",
        "https://example.com:443/news/story-1?fbclid=abc",
    ]
    assert {dedupe_url(u) for u in same} == {"example.com/news/story-1"}
    assert dedupe_url("https://example.com/item?id=2&page=1") == dedupe_url(
        "https://example.com/item?page=1&id=2"
    )
    assert dedupe_url("https://example.com/item?id=2") != dedupe_url("https://example.com/item?id=3")
    assert url_hash("") == 0 and url_hash(same[0]) == url_hash(same[1]) != 0


def test_chrome_phrases_drop_short_sentences_but_not_ones_a_rejoined_wrap_created() -> None:
    body = "The talks in Geneva went on late into the night " * 3
    wrapped = f"The clerk asked everyone to sign\nup before noon, the officials said today.\n{body}"
    assert strip_chrome(wrapped).startswith("The clerk asked everyone to sign up before noon")
    closing = "The minister said the talks were useful."
    promo = f"{body}\nSign up for our newsletter to get the top stories.\n{closing}"
    assert strip_chrome(promo) == f"{body.strip()}\n{closing}"


def test_strip_chrome_keeps_exactly_the_lines_is_body_line_accepts() -> None:
    """The tested rule is the running one (issue 19: an inlined copy of ``is_body_line`` was what ran)."""
    lines = [
        "The two leaders discussed the situation in the region and agreed to talk again soon.",
        "Share on Facebook Share on Twitter",
        "Sign up for our daily newsletter to get the latest stories.",
        "Menu",
        "A spokesman said the call lasted an hour.",
        "Read more about the talks and what comes next (click here).",
        " ".join(["word"] * 30),
    ]
    kept = strip_chrome("\n".join(lines), min_words=6, long_line_words=25, min_body_words=5).split("\n")
    assert kept == [line for line in lines if is_body_line(line, min_words=6, long_line_words=25)]
    assert len(kept) == 3
