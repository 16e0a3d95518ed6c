"""Sentences end before a Cyrillic capital and at an ellipsis, and a Cyrillic initial ends none (issue 15)."""

from __future__ import annotations

from streams.detect.sentences import split_sentences


def test_a_full_stop_before_a_cyrillic_capital_ends_the_sentence() -> None:
    text = "Тієї ночі я говорив зі світовими лідерами. Говорив з Президентом Польщі. «Дякую», — сказав він."
    assert [s.text for s in split_sentences(text)] == [
        "Тієї ночі я говорив зі світовими лідерами.",
        "Говорив з Президентом Польщі.",
        "«Дякую», — сказав він.",
    ]


def test_a_cyrillic_initial_is_not_a_sentence_end() -> None:
    text = "В. Путин провёл телефонный разговор с Э. Макроном. Стороны обсудили Украину."
    assert [s.text for s in split_sentences(text)] == [
        "В. Путин провёл телефонный разговор с Э. Макроном.",
        "Стороны обсудили Украину.",
    ]


def test_an_ellipsis_before_a_capital_ends_the_sentence() -> None:
    text = "Tuvimos una conversación con el presidente Trump, habló… El día de ayer nos hicieron saber."
    assert [s.text for s in split_sentences(text)] == [
        "Tuvimos una conversación con el presidente Trump, habló…",
        "El día de ayer nos hicieron saber.",
    ]
