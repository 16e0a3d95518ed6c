"""Signatures: deterministic, compact, serialisable, and accurate enough on real text."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.dedupe.keys import (
    article_ref,
    band_key,
    band_keys,
    content_key,
    decode_entry,
    encode_entry,
    ref_key,
    url_key,
)
from streams.dedupe.signature import (
    Fingerprint,
    body_text,
    containment_estimate,
    fingerprint,
    fingerprint_body,
    jaccard_estimate,
    shingle_hashes,
    word_array,
    word_bytes,
)
from streams.records import Article
from streams.settings.dedupe import DedupeSettings

SETTINGS = DedupeSettings()


def test_words_ignore_case_punctuation_quotes_and_spacing() -> None:
    assert (
        word_bytes("Don\u2019t  \u201cstop\u201d \u2014 now!")
        == word_bytes('don\'t "stop" - now')
        == b"don t stop now"
    )
    assert word_bytes("") == b"" and word_bytes("...") == b""


def test_shingles_are_positional_word_ngrams() -> None:
    hashes = shingle_hashes(word_array("a b c d e a b c d e"), 5)
    assert len(hashes) == 6 and hashes[0] == hashes[5] and len(set(hashes.tolist())) == 5
    assert len(shingle_hashes(word_array("only three words"), 5)) == 1
    assert len(shingle_hashes(word_array("..."), 5)) == 0
    assert shingle_hashes(word_array("a b c d e f"), 5)[1] == shingle_hashes(word_array("b c d e f"), 5)[0]


def test_fingerprint_is_stable_across_processes(seeds: dict[str, Article]) -> None:
    text = seeds["002"].text
    here = fingerprint(text, settings=SETTINGS).to_bytes().hex()
    code = (
        "import sys; from streams.dedupe.signature import fingerprint; from streams.settings.dedupe import "
        "DedupeSettings; print(fingerprint(sys.stdin.read(), settings=DedupeSettings()).to_bytes().hex())"
    )
    there = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
    ).stdout.strip()  # fmt: skip
    assert here == there


def test_serialised_entry_round_trips_within_300_bytes(seeds: dict[str, Article]) -> None:
    fp = fingerprint(seeds["000"].text, settings=SETTINGS, published=1_604_750_400)
    assert Fingerprint.from_bytes(fp.to_bytes()) == fp
    article_id = "6be6fbbbb802f048"  # production ids are 16 characters (records.stable_id)
    entry = encode_entry(fp, 12345, article_id)
    decoded = decode_entry(entry)
    assert decoded.fingerprint == fp and decoded.url_hash == 12345 and decoded.article_id == article_id
    ref = article_ref(article_id)
    total = len(ref_key(ref)) + len(entry)  # fingerprint table
    total += 2 * (len(url_key(1)) + len(ref))  # URL and content keys
    total += sum(len(key) + len(ref) for key in band_keys(fp))  # one bucket member per band
    assert total <= 300, total
    assert len(content_key(2)) == len(url_key(3)) == 12 and len(band_key(7, 2**24 - 1)) == 6


def test_estimates_on_the_seed_pair(seeds: dict[str, Article]) -> None:
    with_chrome = fingerprint(seeds["000"].text, settings=SETTINGS)
    body_only = fingerprint(seeds["001"].text, settings=SETTINGS)
    other = fingerprint(seeds["003"].text, settings=SETTINGS)
    assert containment_estimate(with_chrome, body_only) >= 0.9
    assert containment_estimate(with_chrome, other) < 0.2
    assert jaccard_estimate(with_chrome, other) < 0.1


def test_chrome_stripping_keeps_the_body(seeds: dict[str, Article]) -> None:
    body = body_text(seeds["000"].text, SETTINGS)
    assert "send a tweet" not in body and "become a fan" not in body and "newsletter" not in body
    assert "russian president vladimir putin and french president emmanuel macron" in body


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=400), st.integers(min_value=0, max_value=2**32 - 1))
def test_any_text_fingerprints_and_round_trips(text: str, published: int) -> None:
    fp, shingles = fingerprint_body(body_text(text, SETTINGS), SETTINGS, published)
    assert len(fp.sketch) == SETTINGS.signature_bins and len(fp.band_hashes) == SETTINGS.lsh_bands
    assert fp.shingle_count <= len(shingles)
    assert Fingerprint.from_bytes(fp.to_bytes()) == fp
