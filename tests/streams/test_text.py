"""Normalisation: one spelling of the same text for dedupe and detection."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from streams.text import normalize_text, repair_mojibake


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
