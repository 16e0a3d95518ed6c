"""Sentence splitting keeps abbreviations whole and flags captions; language tagging is cheap and sane."""

from __future__ import annotations

from streams.detect.language import detect_language
from streams.detect.sentences import split_sentences, trim


def test_abbreviations_do_not_end_sentences() -> None:
    sentences = split_sentences("The U.S. envoy met Mr. Smith on Oct. 5 in Geneva. Then he left.")
    assert [s.text for s in sentences] == [
        "The U.S. envoy met Mr. Smith on Oct. 5 in Geneva.",
        "Then he left.",
    ]


def test_offsets_point_into_the_text() -> None:
    text = "First one.\n\nSecond  one here. Third."
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.start + 5] == sentence.text[:5]


def test_captions_are_flagged() -> None:
    text = (
        "Leaders talk at a summit in Ashgabat, October 11, 2019.\n"
        "Leaders talk at a summit in Ashgabat, October 11, 2019.\n"
        "Putin (R) and Macron in Versailles.\n"
        "Putin and Macron spoke by phone on Tuesday."
    )
    flags = [s.is_caption for s in split_sentences(text)]
    assert flags == [True, True, True, False]


def test_non_breaking_spaces_are_normalised() -> None:
    assert (
        split_sentences("ended with an\xa0eruption\xa0of hostilities.")[0].text
        == "ended with an eruption of hostilities."
    )


def test_trim_cuts_at_a_word() -> None:
    assert trim("one two three four", 10) == "one two…"


def test_language_tags() -> None:
    assert detect_language("Putin and Macron spoke by phone on Tuesday about the war in the region.") == "en"
    assert (
        detect_language("Emmanuel Macron s'est entretenu par téléphone avec Vladimir Poutine et le président")
        == "fr"
    )
    assert detect_language("Путин и Макрон обсудили ситуацию по телефону во вторник") == "ru"
    assert detect_language("anything", declared="de-DE") == "de"
    # the seed with one Armenian line is still English
    assert (
        detect_language(
            "Մատչելիության հղումներ\nArmenian Prime Minister Nikol Pashinian called Putin on Friday."
        )
        == "en"
    )
