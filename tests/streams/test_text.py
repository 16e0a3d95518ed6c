"""Normalisation: one spelling of the same text for dedupe and detection."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams import text as text_module
from streams.records import Article
from streams.text import normalize_article, normalize_text, repair_mojibake


def test_repairs_utf8_read_as_cp1252() -> None:
    assert repair_mojibake("President Recep Tayyip ErdoÄŸan said") == "President Recep Tayyip Erdoğan said"
    assert repair_mojibake("PashiniÃ¡n") == "Pashinián"


def test_leaves_real_text_alone() -> None:
    text = "Ärger in Österreich — «Ça va», said Ünal."
    assert repair_mojibake(text) == text


def test_collapses_space_and_keeps_paragraphs() -> None:
    assert normalize_text("a  \t b\u00a0c\r\n\r\n\r\nd\x00e") == "a b c\n\nde"


@given(st.text(max_size=500))
def test_never_crashes_and_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


# ---------------------------------------------------------------- the fast paths change nothing

_BLANKS_AND_CONTROLS = " \t\n\r\x00\x0b\x0c\x1f\x7f\xa0\u2003\u200b\u2028\u3000\x85"
_MOJIBAKE_BITS = ["Ã", "Ä", "Å", "â€", "Â", "ÄŸ", "Ã©", "Ã¡", "\u2019", "\u201c", "\u2014"]
_texty = st.lists(
    st.one_of(
        st.text(alphabet=_BLANKS_AND_CONTROLS + "ab.", max_size=6),
        st.sampled_from([*_MOJIBAKE_BITS, "word", "Two words.", "e\u0301", "\u00e9", "  ", "\n\n\n", " \n "]),
        st.text(max_size=8),
    ),
    max_size=40,
).map("".join)


def _reference_normalize_text(text: str) -> str:
    """``normalize_text`` as defined: the steps below, repeated until the text no longer changes."""
    text = text[: text_module.MAX_TEXT_CHARS]
    for _ in range(text_module.MAX_NORMALISE_ROUNDS + 1):
        again = _reference_once(text)
        if again == text:
            break
        text = again
    return text


def _reference_once(text: str) -> str:
    """One pass, step by step over the whole text (as first written)."""
    text = text_module.repair_mojibake(text)
    text = unicodedata.normalize("NFC", text)
    text = text_module._CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text_module._SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return text_module._BLANK_LINES.sub("\n\n", text).strip()


@given(_texty)
def test_normalize_text_matches_the_step_by_step_definition(text: str) -> None:
    assert normalize_text(text) == _reference_normalize_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "Plain text.\n\nSecond paragraph.",
        "Two  spaces,   three.\n\n\n\nGap  .",
        "  leading and trailing  \n  lines  \n",
        "tab\there \x00control\x7f and \r\nCRLF\rCR",
        "no-break\u00a0space, em\u2003space, zero\u200bwidth, ideographic\u3000space",
        "ErdoÄŸan and PashiniÃ¡n, \u201cquoted\u201d \u2014 e\u0301",
        "line\u2028separator and next\x85line",
    ],
)
def test_normalize_text_matches_the_definition_on_typical_damage(text: str) -> None:
    assert normalize_text(text) == _reference_normalize_text(text)


def test_normalize_article_returns_the_article_itself_when_already_normal() -> None:
    clean = Article(
        id="a", url="", title="Title", text="One.\n\nTwo.", published=datetime(2020, 11, 7, tzinfo=UTC)
    )
    assert normalize_article(clean) is clean
    dirty = clean.replace(text="One.  \n\n\n\nTwo.", summary=" sum ")
    normal = normalize_article(dirty)
    assert normal == clean.replace(summary="sum")
