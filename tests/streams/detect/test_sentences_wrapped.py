"""Hard-wrapped transcripts: a line break at the wrap width continues the sentence (issue 16)."""

from __future__ import annotations

from streams.detect.sentences import split_sentences

_WRAPPED = (
    "Q    Thank you.  Admiral, so, the U.S. is backing the government against\n"
    "the rebels, who are an outside proxy.  But why is the U.S. not doing the\n"
    "same thing with other proxies, like the one in the north, the one in the\n"
    "east, and, down the road, maybe in the south?\n"
    "\n"
    "MR. KIRBY:  The rebels violated a ceasefire that was in place, slaughtered\n"
    "1,200 people, basically started this war against the government.  We are\n"
    "going to support our partner as they fight this war.\n"
)


def test_a_wrapped_line_continues_its_sentence() -> None:
    texts = [s.text for s in split_sentences(_WRAPPED)]
    assert (
        "MR. KIRBY: The rebels violated a ceasefire that was in place, slaughtered 1,200 people, basically "
        "started this war against the government." in texts
    )
    assert "We are going to support our partner as they fight this war." in texts


def test_sentence_offsets_point_into_the_wrapped_text() -> None:
    for sentence in split_sentences(_WRAPPED):
        assert _WRAPPED[sentence.start :].startswith(sentence.text.split(" ")[0])


def test_twin_short_lines_of_prose_stay_apart() -> None:
    text = "Readout of the call\nThe President spoke today with the Prime Minister\nThey discussed trade"
    assert [s.text for s in split_sentences(text)] == [
        "Readout of the call",
        "The President spoke today with the Prime Minister",
        "They discussed trade",
    ]


def test_twin_lines_of_different_lengths_are_not_a_wrap() -> None:
    text = "\n".join(
        [
            "Headline of the article",
            "A paragraph that runs on for a while and then stops at a full stop.",
            "Another paragraph, much shorter.",
            "A third paragraph that is long enough to reach near the width of the first",
            "Fourth",
        ]
    )
    assert len(split_sentences(text)) == 5
