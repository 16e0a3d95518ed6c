"""The dedupe decision on the seeds, on constructed variants of real articles, and on look-alikes."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Iterator, MutableMapping
from datetime import timedelta

import pytest

from streams.dedupe.index import DedupeIndex
from streams.dedupe.keys import decode_entry, fingerprint_key
from streams.dedupe.lookups import unpacked
from streams.records import Article
from streams.settings.dedupe import DedupeSettings

SETTINGS = DedupeSettings()


def _index(**changes: object) -> DedupeIndex:
    settings = SETTINGS.model_copy(update=changes) if changes else SETTINGS
    return DedupeIndex(settings, observe=False)


def _variant(article: Article, text: str, suffix: str) -> Article:
    return article.replace(id=f"{article.id}-{suffix}", text=text, url="")


def _paragraphs(article: Article) -> list[str]:
    return [line for line in article.text.splitlines() if line.strip()]


def test_seeds_in_every_order_give_one_duplicate_pair(seeds: dict[str, Article]) -> None:
    for order in itertools.permutations(sorted(seeds)):
        index = _index()
        decisions = {key: index.check_and_add(seeds[key]) for key in order}
        duplicates = {key: d for key, d in decisions.items() if d.is_duplicate}
        assert len(duplicates) == 1, (order, duplicates)
        ((key, decision),) = duplicates.items()
        assert key in ("000", "001")
        assert decision.outcome == "near"
        assert decision.duplicate_of == seeds["001" if key == "000" else "000"].id
        assert decision.similarity is not None and decision.similarity >= SETTINGS.near_threshold


def test_seeds_without_text_cache_decide_on_signatures(seeds: dict[str, Article]) -> None:
    for order in (sorted(seeds), sorted(seeds, reverse=True)):
        index = DedupeIndex(SETTINGS, text_cache_size=0, observe=False)
        decisions = {key: index.check_and_add(seeds[key]) for key in order}
        flagged = {key: d for key, d in decisions.items() if d.is_duplicate}
        assert len(flagged) == 1 and set(flagged) <= {"000", "001"}
        assert next(iter(flagged.values())).method == "signature"


def test_seed_chrome_also_handled_without_chrome_stripping(seeds: dict[str, Article]) -> None:
    index = _index(strip_chrome=False)
    assert not index.check_and_add(seeds["000"]).is_duplicate
    decision = index.check_and_add(seeds["001"])
    assert decision.outcome == "near" and decision.duplicate_of == seeds["000"].id


def _variants(article: Article) -> dict[str, Article]:
    paragraphs = _paragraphs(article)
    words = article.text.split()
    half = " ".join(words[: len(words) // 2])
    dropped = "\n".join(paragraphs[:2] + paragraphs[3:])
    headline = "\n".join(["A completely different headline for the same story", *paragraphs[1:]])
    chrome = (
        "Home | World | Politics | Business\nShare on Facebook Share on Twitter Email\nBy Staff Writer\n\n"
        + article.text
        + "\n\nSign up for our newsletter to get the top stories every morning.\nRelated articles\n"
        "Copyright 2020 Example Media. All rights reserved.\nTerms of use | Privacy"
    )
    restyled = (
        article.text.replace("'", "\u2019").replace(". ", ".   ").replace("\n", "\n\n").replace('"', "\u201c")
    )
    wrapped = "\n\n".join(textwrap.fill(line, width=60) for line in paragraphs)
    return {
        "half": _variant(article, half, "half"),
        "paragraph_removed": _variant(article, dropped, "drop"),
        "headline": _variant(article, headline, "headline"),
        "chrome": _variant(article, chrome, "chrome"),
        "whitespace_quotes": _variant(article, restyled, "style"),
        "hard_wrapped": _variant(article, wrapped, "wrap"),
    }


@pytest.mark.parametrize("base", ["001", "002", "003", "004"])
@pytest.mark.parametrize("cache", [True, False])
def test_variants_of_real_articles_are_duplicates(seeds: dict[str, Article], base: str, cache: bool) -> None:
    article = seeds[base]
    for kind, variant in _variants(article).items():
        for first, second in ((article, variant), (variant, article)):
            index = DedupeIndex(SETTINGS, text_cache_size=100 if cache else 0, observe=False)
            assert not index.check_and_add(first).is_duplicate
            decision = index.check_and_add(second)
            assert decision.duplicate_of == first.id, (kind, first.id, decision)
            assert decision.outcome in ("near", "exact_content")
            assert decision.similarity is not None and 0.0 < decision.similarity <= 1.0


def test_whitespace_and_quote_changes_are_exact_content(seeds: dict[str, Article]) -> None:
    index = _index()
    index.check_and_add(seeds["002"])
    restyled = _variants(seeds["002"])["whitespace_quotes"]
    decision = index.check_and_add(restyled)
    assert decision.outcome == "exact_content" and decision.similarity == 1.0


def test_same_subject_articles_are_not_duplicates(seeds: dict[str, Article]) -> None:
    index = _index()
    for key in ("000", "003", "004"):  # three reports of Putin-Macron phone calls
        assert not index.check_and_add(seeds[key]).is_duplicate


def test_article_quoting_a_paragraph_of_another_is_not_a_duplicate(seeds: dict[str, Article]) -> None:
    source = seeds["002"]
    quoted = _paragraphs(source)[4]
    borrower = seeds["004"]
    lines = _paragraphs(borrower)
    text = "\n".join([*lines[:3], quoted, *lines[3:]])
    index = _index()
    index.check_and_add(source)
    decision = index.check_and_add(borrower.replace(id="borrower", text=text))
    assert not decision.is_duplicate
    assert decision.nearest_similarity is None or decision.nearest_similarity < 0.5


def test_same_url_is_exact_url(seeds: dict[str, Article]) -> None:
    index = _index()
    first = seeds["002"].replace(url="https://www.azatutyun.am/a/30870000.html?utm_source=rss")
    index.check_and_add(first)
    again = seeds["003"].replace(id="other", url="http://azatutyun.am/a/30870000.html#top")
    decision = index.check_and_add(again)
    assert decision.outcome == "exact_url" and decision.duplicate_of == first.id


def test_replay_of_the_same_article_stays_unique(seeds: dict[str, Article]) -> None:
    index = _index()
    article = seeds["002"].replace(url="https://example.org/a")
    assert index.check_and_add(article).outcome == "unique"
    again = index.check_and_add(article)
    assert again.outcome == "unique" and again.replay and not again.is_duplicate
    assert len(index) == 1


def test_duplicates_outside_the_window_are_not_matched(seeds: dict[str, Article]) -> None:
    index = _index()
    index.check_and_add(seeds["000"])
    late = seeds["001"].replace(published=seeds["000"].published + timedelta(days=8))
    assert not index.check_and_add(late).is_duplicate


def test_eviction_forgets_old_articles_and_all_their_keys(seeds: dict[str, Article]) -> None:
    index = _index()
    for key in ("000", "002", "003", "004"):
        index.check_and_add(seeds[key].replace(url=f"https://example.org/{key}"))
    assert len(index) == 4
    evicted = index.evict_expired(seeds["000"].published + timedelta(days=7) - timedelta(hours=1))
    assert evicted == 3  # 002, 003 and 004 are older than 7 days by then; 000 stays
    assert len(index) == 1 == len(index.fingerprints)
    remaining = decode_entry(next(iter(index.fingerprints.values())))
    assert remaining.article_id == seeds["000"].id
    assert len(index.urls) == 2  # 000's URL and content keys
    assert all(len(unpacked(bucket)) == 1 for bucket in index.bands.values())
    assert len(index.bands) <= SETTINGS.lsh_bands
    assert index.check_and_add(seeds["001"]).duplicate_of == seeds["000"].id


class _RecordingTable(MutableMapping[str, bytes]):
    """A stand-in for a Faust table: str keys, bytes values, and a changelog of writes."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.writes = 0

    def __getitem__(self, key: str) -> bytes:
        return self.data[key]

    def __setitem__(self, key: str, value: bytes) -> None:
        assert isinstance(key, str) and isinstance(value, bytes)
        self.writes += 1
        self.data[key] = value

    def __delitem__(self, key: str) -> None:
        del self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def _resolved(index: DedupeIndex) -> tuple[dict[int, str | None], dict[int, list[str | None]]]:
    """The lookups with slots replaced by table keys (slot numbers depend on the linking order)."""
    keys = index.lookups.keys
    urls = {lookup: keys[slot] for lookup, slot in index.urls.items()}
    bands = {lookup: [keys[slot] for slot in unpacked(bucket)] for lookup, bucket in index.bands.items()}
    return urls, bands


def test_state_in_the_injected_table_survives_a_restart(seeds: dict[str, Article]) -> None:
    fingerprints = _RecordingTable()
    first = DedupeIndex(SETTINGS, fingerprints=fingerprints, observe=False)
    for key in ("000", "002"):
        first.check_and_add(seeds[key])
    assert fingerprints.writes == 2  # one table write per remembered article, nothing else is stored
    restarted = DedupeIndex(SETTINGS, fingerprints=fingerprints, observe=False)
    assert restarted.rebuild_lookups() == 2 == len(restarted)
    decision = restarted.check_and_add(seeds["001"])  # text cache is empty: signature decision
    assert decision.duplicate_of == seeds["000"].id and decision.method == "signature"


def test_lookups_rebuild_from_the_fingerprint_table_alone(seeds: dict[str, Article]) -> None:
    fingerprints = _RecordingTable()
    first = DedupeIndex(SETTINGS, fingerprints=fingerprints, observe=False)
    for key in ("000", "002", "003"):
        first.check_and_add(seeds[key].replace(url=f"https://example.org/{key}"))
    rebuilt = DedupeIndex(SETTINGS, fingerprints=fingerprints, observe=False)
    assert rebuilt.rebuild_lookups() == 3
    assert _resolved(rebuilt) == _resolved(first)
    assert rebuilt.check_and_add(seeds["001"]).duplicate_of == seeds["000"].id


def test_link_entry_applies_another_workers_write(seeds: dict[str, Article]) -> None:
    writer = _index()
    writer.check_and_add(seeds["000"])
    ((key, value),) = writer.fingerprints.items()
    reader = _index()
    reader.fingerprints[key] = value  # the table replica received the changelog record
    reader.link_entry(key.encode(), value)
    assert _resolved(reader) == _resolved(writer)
    assert reader.check_and_add(seeds["001"]).duplicate_of == seeds["000"].id


def test_unlink_entry_applies_another_workers_deletion(seeds: dict[str, Article]) -> None:
    index = _index()
    index.check_and_add(seeds["000"])
    ((key, _),) = index.fingerprints.items()
    del index.fingerprints[key]  # another worker evicted it: the replica saw the tombstone
    index.unlink_entry(key)
    decision = index.check_and_add(seeds["001"])
    assert not decision.is_duplicate and decision.nearest_id is None
    assert index.check_and_add(seeds["000"]).duplicate_of == seeds["001"].id  # not a replay of itself


def test_a_fingerprint_gone_without_notice_is_ignored(seeds: dict[str, Article]) -> None:
    index = _index()
    index.check_and_add(seeds["000"])
    index.fingerprints.clear()  # the table lost it and the lookups were not told
    assert not index.check_and_add(seeds["001"]).is_duplicate


def test_bucket_cap_bounds_band_entries() -> None:
    index = _index(band_bucket_cap=2)
    sentence = "The committee said the decision on the new budget would be taken after a long debate. "
    for number in range(6):
        text = (
            sentence * 3
            + f"Extra sentence number {number} makes each article differ a little from the others."
        )
        index.check_and_add(
            Article(id=f"a{number}", url="", title="", text=text, published=_when()), now=_when()
        )
    assert all(len(unpacked(bucket)) <= 2 for bucket in index.bands.values())


def _when():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2020, 11, 7, 12, tzinfo=UTC)


def test_future_dates_are_clamped_to_now(seeds: dict[str, Article]) -> None:
    index = _index()
    future = seeds["002"].replace(published=seeds["002"].published + timedelta(days=400))
    index.check_and_add(future, now=seeds["002"].published)
    assert index.high_watermark == seeds["002"].published


def _entry(index: DedupeIndex, article_id: str) -> tuple[str, bytes]:
    key = fingerprint_key(article_id)
    return key, index.fingerprints[key]


@pytest.mark.parametrize(
    ("copy_changes", "layer"),
    [
        ({"url": "https://mirror.example/copy"}, "exact_content"),
        ({"text": "Updated: a new lead."}, "exact_url"),
    ],
)
def test_two_workers_keeping_one_story_is_counted_once(
    seeds: dict[str, Article], copy_changes: dict[str, str], layer: str
) -> None:
    original = seeds["000"].replace(url="https://news.example/story")
    copy = original.replace(id="copy-of-000", **copy_changes)
    worker_a, worker_b = _index(), _index()
    assert not worker_a.check_and_add(original).is_duplicate  # both decide before either hears
    assert not worker_b.check_and_add(copy).is_duplicate
    from_a, from_b = _entry(worker_a, original.id), _entry(worker_b, copy.id)

    clashes = [worker_a.link_entry(*from_b), worker_b.link_entry(*from_a)]

    assert sorted(clashes, key=str) == sorted([layer, None], key=str)  # one report per pair
    assert worker_a.link_entry(*from_a) is None  # its own entry coming back is no clash
    assert worker_a.link_entry(*from_b) is None  # nor one taken in before (recovery reads it again)
    assert worker_b.link_entry(*from_a) is None


def test_an_honest_near_duplicate_or_a_stranger_is_no_clash(seeds: dict[str, Article]) -> None:
    worker_a, worker_b = _index(), _index()
    worker_a.check_and_add(seeds["000"])
    worker_b.check_and_add(seeds["001"])  # a near-duplicate of 000, but neither exact layer matches
    worker_b.check_and_add(seeds["003"])
    assert worker_a.link_entry(*_entry(worker_b, seeds["001"].id)) is None
    assert worker_a.link_entry(*_entry(worker_b, seeds["003"].id)) is None
