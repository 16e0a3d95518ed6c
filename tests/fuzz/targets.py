"""Fuzz targets: each takes raw bytes, feeds them to one untrusted-input entry point and checks its contract.

A target raises AssertionError (or lets an unexpected exception escape) when the contract is broken; a
documented refusal (ParseError, RecordError) is not a failure. The same targets are used by the quick
hypothesis tests (``make test``), the longer bounded run (``make soak``, see ``soak.py``) and the replay of
saved crashers in ``corpus/<target>/``.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from streams.errors import ParseError, RecordError
from streams.records import Article, Event

CORPUS = Path(__file__).resolve().parent / "corpus"
FETCHED_AT = datetime(2020, 11, 8, 12, 0, tzinfo=UTC)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_of(data: bytes) -> str:
    """Bytes as text the way an untrusted document arrives: UTF-8 with replacement characters."""
    return data.decode("utf-8", errors="replace")


# ---------------------------------------------------------------- normaliser (streams/text.py)


def target_normalize(data: bytes) -> None:
    from streams.text import MAX_TEXT_CHARS, normalize_text

    text = text_of(data)
    once = normalize_text(text)
    assert isinstance(once, str)
    assert len(once) <= MAX_TEXT_CHARS, "normalised text is longer than the cap"
    assert not _CONTROL.search(once), f"control character left in {once!r}"
    assert "\r" not in once
    assert "\n\n\n" not in once, "more than one blank line in a row"
    assert once == once.strip(), "leading or trailing blank space"
    assert unicodedata.is_normalized("NFC", once), "not NFC"
    assert "  " not in once, "double space left"


def target_normalize_article(data: bytes) -> None:
    from streams.text import normalize_article

    text = text_of(data)
    third = max(1, len(text) // 3)
    article = Article(
        id="fuzz",
        url="https://fuzz.example/a",
        title=text[:third],
        summary=text[third : 2 * third],
        text=text[2 * third :],
        published=FETCHED_AT,
    )
    normalised = normalize_article(article)
    # The record must still survive the wire.
    assert Article.from_json(normalised.to_json()) == normalised


# ---------------------------------------------------------------- records off the wire (worker decode)


def target_article_json(data: bytes) -> None:
    try:
        article = Article.from_json(data)
    except RecordError:
        return
    again = Article.from_json(article.to_json())
    assert again == article, "Article JSON round trip changed the record"


def target_event_json(data: bytes) -> None:
    try:
        event = Event.from_json(data)
    except RecordError:
        return
    assert Event.from_json(event.to_json()) == event, "Event JSON round trip changed the record"


# ---------------------------------------------------------------- detectors (streams/detect)


@cache
def _engine():  # type: ignore[no-untyped-def]
    from streams.detect.engine import DetectionEngine

    return DetectionEngine()


def target_detect(data: bytes) -> None:
    text = text_of(data)
    title, _, body = text.partition("\n")
    article = Article(
        id="fuzz-" + hashlib.sha256(data).hexdigest()[:12],
        url="https://fuzz.example/detect",
        title=title[:300],
        text=body,
        published=FETCHED_AT,
        source_site="fuzz.example",
    )
    detection = _engine().detect(article)
    for event in detection.events:
        # Every event must be a valid record that survives the topic between detect and merge.
        assert Event.from_json(event.to_json()) == event
        assert event.evidence, "event without evidence"
        assert all(e.article_id == article.id for e in event.evidence)
        day = datetime.fromisoformat(event.date).date()
        assert day <= FETCHED_AT.date(), f"event dated after the article: {event.date}"


def target_dedupe_fingerprint(data: bytes) -> None:
    from streams.dedupe.signature import fingerprint, jaccard_estimate
    from streams.settings.dedupe import DedupeSettings

    settings = DedupeSettings()
    text = text_of(data)
    first = fingerprint(text, settings=settings)
    second = fingerprint(text, settings=settings)
    assert first == second, "fingerprint is not deterministic"
    similarity = jaccard_estimate(first, second)
    assert 0.0 <= similarity <= 1.0


# ---------------------------------------------------------------- feed and spool parsing (connectors/)


def target_feed(data: bytes) -> None:
    from connectors.feeds import FUTURE_TOLERANCE, entry_problem, parse_feed, to_article

    url = "https://feeds.fuzz.example/rss"
    for content_type in ("", "application/rss+xml", "application/feed+json"):
        try:
            feed = parse_feed(data, url, content_type)
        except ParseError:
            continue
        for entry in feed.entries:
            if entry_problem(entry) is not None:
                continue
            article = to_article(entry, feed, feed_url=url, fetched_at=FETCHED_AT)
            assert article.id, "entry became an article without an id"
            assert Article.from_json(article.to_json()) == article
            if not article.published_is_fallback:
                assert article.published <= FETCHED_AT + FUTURE_TOLERANCE, "a future date was not refused"


def target_spool(data: bytes) -> None:
    import tempfile

    from connectors.spool import read_spool_file

    with tempfile.TemporaryDirectory(prefix="fuzz-spool-") as folder:
        for name in ("story.txt", "story.html", "story.jsonl"):
            path = Path(folder) / name
            path.write_bytes(data)
            try:
                articles, bad = read_spool_file(path)
            except ParseError:
                continue
            assert bad >= 0
            for article in articles:
                assert article.id
                assert Article.from_json(article.to_json()) == article


def target_canonical_url(data: bytes) -> None:
    from connectors.urls import canonical_url

    raw = text_of(data)
    once = canonical_url(raw, base="https://base.fuzz.example/dir/")
    assert isinstance(once, str)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "normalize": target_normalize,
    "normalize_article": target_normalize_article,
    "article_json": target_article_json,
    "event_json": target_event_json,
    "detect": target_detect,
    "dedupe_fingerprint": target_dedupe_fingerprint,
    "feed": target_feed,
    "spool": target_spool,
    "canonical_url": target_canonical_url,
}


def save_crasher(target: str, data: bytes) -> Path | None:
    """Keep a failing input under corpus/<target>/ when NEWSWATCH_FUZZ_SAVE=1 (the soak run sets it)."""
    if os.environ.get("NEWSWATCH_FUZZ_SAVE") != "1":
        return None
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{hashlib.sha256(data).hexdigest()[:16]}.bin"
    path.write_bytes(data)
    return path


def run_target(target: str, data: bytes) -> None:
    """Run one target; on failure save the (final, shrunk) input when asked, then re-raise."""
    try:
        TARGETS[target](data)
    except Exception:
        if _is_final_example():
            save_crasher(target, data)
        raise


def _is_final_example() -> bool:
    """True outside hypothesis, or on the shrunk example hypothesis replays last."""
    try:
        from hypothesis.control import current_build_context

        return bool(current_build_context().is_final)
    except Exception:
        return True
