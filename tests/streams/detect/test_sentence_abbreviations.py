"""Abbreviations that end sentences (issue 17 item 5): "no" is "No. 10" only before a number, and the
phrase-closing ones (U.K., Inc., Jr., a.m.) end a sentence before a word that starts one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from streams.detect.engine import DetectionEngine
from streams.detect.sentences import split_sentences
from streams.records import Article, EventType


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Asked whether the talks had stalled, the spokesman said no. Putin phoned Macron on Tuesday.",
            [
                "Asked whether the talks had stalled, the spokesman said no.",
                "Putin phoned Macron on Tuesday.",
            ],
        ),
        ("He spoke at No. 10 Downing Street on Monday.", ["He spoke at No. 10 Downing Street on Monday."]),
        # from real briefings: a sentence ends after these ...
        ("I said, 'No. We have to fight.'", ["I said, 'No.", "We have to fight.'"]),
        (
            "POTUS on striking a trade deal with the U.K. While we wait for the details, markets rose.",
            ["POTUS on striking a trade deal with the U.K.", "While we wait for the details, markets rose."],
        ),
        (
            "The meeting starts at 10 a.m. The leaders will then speak.",
            ["The meeting starts at 10 a.m.", "The leaders will then speak."],
        ),
        # ... and not after these
        ("We urge the U.S. Senate to move.", ["We urge the U.S. Senate to move."]),
        ("Salesforce Inc. President Brad Smith agreed.", ["Salesforce Inc. President Brad Smith agreed."]),
        (
            "Gen. Jack Keane spoke on Jan. 20 in St. Louis.",
            ["Gen. Jack Keane spoke on Jan. 20 in St. Louis."],
        ),
    ],
)
def test_sentence_ends_after_abbreviations(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_a_call_after_said_no_is_not_negated(engine: DetectionEngine) -> None:
    article = Article(
        id="no",
        url="https://example.com/no",
        title="Kremlin",
        text="Asked whether Moscow would pause the offensive, the Kremlin spokesman said no. "
        "Putin phoned Macron on Tuesday to discuss the fighting in Nagorno-Karabakh.",
        published=datetime(2020, 10, 21, 12, tzinfo=UTC),
    )
    detection = engine.detect(article)
    calls = [e for e in detection.events if e.type == EventType.LEADER_CALL]
    assert [(e.date, sorted(p.country for p in e.participants)) for e in calls] == [
        ("2020-10-20", ["FRA", "RUS"])
    ]
