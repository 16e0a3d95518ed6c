"""The batch path: vectorised fingerprints, ranking and estimates equal the one-article reference code."""

from __future__ import annotations

import random
import re
import textwrap
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.dedupe import batch, index
from streams.dedupe.batch import fingerprint_texts
from streams.dedupe.candidates import rank, rank_many
from streams.dedupe.estimates import Estimator
from streams.dedupe.index import DedupeDecision, DedupeIndex
from streams.dedupe.keys import fingerprint_key
from streams.dedupe.lookups import Lookups, packed
from streams.dedupe.signature import body_text, containment_estimate, fingerprint, fingerprint_body
from streams.dedupe.verify import shingle_code
from streams.records import Article
from streams.settings.dedupe import DedupeSettings
from streams.worker.dedupe_state import SharedDedupe

SETTINGS = DedupeSettings()
EDGE_TEXTS = [
    "",
    "...",
    "one",
    "only four words here",
    "exactly five words right here",
    "Don\u2019t \u201cstop\u201d \u2014 now\u2026 \u00abvraiment\u00bb\u00a0ok\u3000\u3001end",
    "\u00c9T\u00c9 \u00e0 PARIS, na\u00efve CAF\u00c9 \uff21\uff22\uff23 \u2460 \ufb01ne",
    "Menu\nShare on Facebook\n\nThe minister said the talks\nwould continue next week in Geneva with all\n"
    "parties present at the table.\nSign up for our newsletter today, it is free and easy.",
]


def _reference(text: str, published: int, shaped: DedupeSettings = SETTINGS) -> tuple[object, str]:
    fp, shingles = fingerprint_body(body_text(text, shaped), shaped, published)
    return fp, shingle_code(shingles)


@pytest.mark.parametrize(
    "shape",
    [{}, {"signature_bins": 256, "lsh_bands": 12, "lsh_rows": 2}, {"signature_bins": 16, "shingle_words": 3}],
    ids=["default", "wide", "narrow"],
)
def test_batch_fingerprints_equal_single_ones(
    seeds: dict[str, Article], monkeypatch: pytest.MonkeyPatch, shape: dict[str, int]
) -> None:
    shaped = SETTINGS.model_copy(update=shape)
    texts = EDGE_TEXTS + [seed.text for seed in seeds.values()] + EDGE_TEXTS
    published = list(range(len(texts)))
    expected = [_reference(text, when, shaped) for text, when in zip(texts, published, strict=True)]
    assert fingerprint_texts(texts, shaped, published) == expected
    monkeypatch.setattr(batch, "CHUNK_BYTES", 100)  # many chunks, some of one article
    assert fingerprint_texts(texts, shaped, published) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=300), min_size=1, max_size=6))
def test_batch_fingerprints_of_any_text_equal_single_ones(texts: list[str]) -> None:
    published = list(range(len(texts)))
    expected = [_reference(text, when) for text, when in zip(texts, published, strict=True)]
    assert fingerprint_texts(texts, SETTINGS, published) == expected


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(min_value=0, max_value=40), max_size=60), min_size=1, max_size=12),
    st.integers(min_value=1, max_value=30),
)
def test_vectorised_ranking_equals_python_ranking(found: list[list[int]], limit: int) -> None:
    scale = 1 << 26  # slots far apart too, not only small ones (all below 2**32)
    found = [[slot * scale if slot % 7 == 0 else slot for slot in slots] for slots in found]
    owner, slots = rank_many([b"".join(packed(slot) for slot in probe) for probe in found], limit)
    for number, probe in enumerate(found):
        assert slots[owner == number].tolist() == rank(probe, limit)


def test_vectorised_estimates_equal_the_signature_estimate(seeds: dict[str, Article]) -> None:
    rng = random.Random(3)
    texts = [seed.text for seed in seeds.values()]
    texts += [" ".join(rng.sample(text.split(), len(text.split()) // 2)) for text in texts]
    prints = [fingerprint(text, settings=SETTINGS, published=rng.randrange(1000)) for text in texts]
    lookups = Lookups(SETTINGS)
    slots = [lookups.link(f"k{number}", fp, 0) for number, fp in enumerate(prints)]
    pairs = [(probe, slot) for probe in range(len(prints)) for slot in slots]
    estimates = Estimator(SETTINGS).pairs(
        lookups, prints, np.array([p for p, _ in pairs]), np.array([s for _, s in pairs])
    )
    assert estimates == [containment_estimate(prints[probe], prints[slot]) for probe, slot in pairs]


# ---------------------------------------------------------------------------------- decisions


def _stream(seeds: dict[str, Article], count: int = 240, seed: int = 5) -> list[Article]:
    """Articles drawn from the seeds' sentences, with copies, cuts, chrome, restyles, replays and odd ones."""
    rng = random.Random(seed)
    sentences = [s for a in seeds.values() for s in re.split(r"(?<=[.!?])\s+", a.text) if len(s.split()) > 5]
    start = seeds["000"].published
    made: list[Article] = []
    for number in range(count):
        when = start + timedelta(minutes=number)
        roll = rng.random()
        if made and roll < 0.35:
            original = rng.choice(made[-60:])
            paragraphs = original.text.split("\n\n")
            kind = rng.randrange(5)
            if kind == 0:
                text = "\n\n".join(paragraphs[: max(1, len(paragraphs) // 2)])
            elif kind == 1 and len(paragraphs) > 2:
                text = "\n\n".join(paragraphs[:1] + paragraphs[2:])
            elif kind == 2:
                text = "Home | World\nShare this\n\n" + original.text + "\n\nAll rights reserved."
            elif kind == 3:
                text = original.text.replace("'", "\u2019").replace('"', "\u201c")
            else:
                text = "\n\n".join(textwrap.fill(p, width=50) for p in paragraphs)
            made.append(Article(id=f"v{number}", url="", title="", text=text, published=when))
        elif made and roll < 0.43:
            made.append(rng.choice(made).replace(published=when))  # a replay, same id
        elif made and roll < 0.45:  # the same id again, too late to match itself: remembered anew
            made.append(rng.choice(made[-30:]).replace(published=when + timedelta(days=8)))
        elif roll < 0.5:
            made.append(
                Article(id=f"s{number}", url="", title="", text=rng.choice(EDGE_TEXTS), published=when)
            )
        else:
            paragraphs = [
                " ".join(rng.choices(sentences, k=rng.randint(1, 4))) for _ in range(rng.randint(2, 6))
            ]
            url = f"https://example.org/{rng.randrange(40)}" if rng.random() < 0.2 else ""
            made.append(
                Article(id=f"a{number}", url=url, title="", text="\n\n".join(paragraphs), published=when)
            )
    made.append(made[0].replace(id="future", published=start + timedelta(days=900)))
    made.append(made[1].replace(id="ancient", published=start - timedelta(days=30)))
    return made


def _decide(articles: list[Article], size: int, **options: object) -> list[DedupeDecision]:
    changes = {key: value for key, value in options.items() if key != "text_cache_size"}
    settings_ = SETTINGS.model_copy(update=changes) if changes else SETTINGS
    cache = options.get("text_cache_size")
    dedupe = DedupeIndex(settings_, text_cache_size=cache if isinstance(cache, int) else None, observe=False)
    now = articles[0].published + timedelta(days=30)
    decisions: list[DedupeDecision] = []
    for first in range(0, len(articles), size):
        decisions += dedupe.check_and_add_batch(articles[first : first + size], now=now)
    return decisions


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"text_cache_size": 0},
        {"band_bucket_cap": 2, "max_candidates": 3},
        {"strip_chrome": False},
        {"signature_bins": 256, "lsh_bands": 20, "lsh_rows": 2, "near_estimate_threshold": 0.2},
    ],
    ids=["default", "no-text-cache", "tiny-buckets", "no-chrome-stripping", "wide-low-threshold"],
)
def test_batches_decide_as_single_calls(seeds: dict[str, Article], options: dict[str, object]) -> None:
    articles = _stream(seeds)
    single = _decide(articles, 1, **options)
    assert sum(decision.is_duplicate for decision in single) > 40  # the stream does exercise the layers
    assert any(decision.replay for decision in single)
    for size in (7, 64, len(articles)):
        assert _decide(articles, size, **options) == single, size


def test_small_prescore_windows_decide_the_same(
    seeds: dict[str, Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _stream(seeds, seed=8)
    single = _decide(articles, 1)
    for window in (1, 3):
        monkeypatch.setattr(index, "PRESCORE_WINDOW", window)
        assert _decide(articles, 50) == single


def test_compacting_the_lookups_keeps_the_decisions(
    seeds: dict[str, Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _stream(seeds, count=300, seed=9)[:300]
    articles = [
        a.replace(published=articles[0].published + timedelta(hours=12 * n)) for n, a in enumerate(articles)
    ]

    def run(compact_after: int) -> tuple[list[DedupeDecision], DedupeIndex]:
        monkeypatch.setattr(index, "COMPACT_AFTER", compact_after)
        dedupe = DedupeIndex(SETTINGS, observe=False)
        decisions: list[DedupeDecision] = []
        for first in range(0, len(articles), 20):
            chunk = articles[first : first + 20]
            decisions += dedupe.check_and_add_batch(chunk, now=chunk[-1].published)
            dedupe.evict_expired(chunk[-1].published)
        return decisions, dedupe

    compacted, small = run(0)
    kept, large = run(10**9)
    assert compacted == kept
    assert large.lookups.dead > 0 and len(small.lookups.keys) < len(large.lookups.keys)
    live_keys = sorted(key for key in small.lookups.keys if key is not None)
    assert live_keys == sorted(small.fingerprints) == sorted(large.lookups.slot_of)


def test_shared_state_decides_against_entries_applied_from_the_log(seeds: dict[str, Article]) -> None:
    writer = SharedDedupe(SETTINGS)
    (written,) = writer.check_and_add_batch([seeds["000"]])
    records = writer.log_records([fingerprint_key(seeds["000"].id)], [])
    state = SharedDedupe(SETTINGS)
    for offset, (key, value) in enumerate(records):
        state.apply(key, value, offset)  # another worker's entry, read from the log
    (first,) = state.check_and_add_batch([seeds["001"]])
    assert not written.is_duplicate and first.duplicate_of == seeds["000"].id
    key, _ = records[-1]  # the fingerprint entry (after its text code)
    state.apply(key, None, len(records))  # the tombstone of another worker's eviction
    (again,) = state.check_and_add_batch([seeds["000"].replace(id="000-again")])
    assert not again.is_duplicate and again.nearest_id is None  # 001 was a duplicate, so not remembered
    assert fingerprint_key(seeds["000"].id) not in state.index.lookups.slot_of
