"""The ``xml:<element>:N`` record selector: one RSS-like item of an XML file, its child elements as fields."""

from __future__ import annotations

import pytest

from tests.eval.realtext import corpus

_FEED = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<category name="international"><date month="Mar" day="6">'
    "<article><title>Premier titre</title><description>Premier chapeau.</description></article>"
    "<article><title>Macron\u00a0et Poutine</title><description>Ils se sont parlé, <b>dimanche</b>."
    "</description></article></date></category>"
).encode()
_FIELDS = {"title": "title", "body": "description"}


def test_the_nth_element_gives_title_and_body() -> None:
    assert corpus.select(_FEED, "xml:article:2", _FIELDS, "here") == (
        "Macron\u00a0et Poutine",
        "Ils se sont parlé, dimanche.",
    )
    assert corpus.select(_FEED, "xml:article:1", _FIELDS, "here") == ("Premier titre", "Premier chapeau.")


def test_a_missing_element_or_number_is_an_error() -> None:
    with pytest.raises(corpus.CorpusError, match="2 <article> elements, not 3"):
        corpus.select(_FEED, "xml:article:3", _FIELDS, "here")
    with pytest.raises(corpus.CorpusError, match="needs an element name"):
        corpus.select(_FEED, "xml:3", _FIELDS, "here")
    with pytest.raises(corpus.CorpusError, match="not well-formed"):
        corpus.select(b"<a><b></a>", "xml:b:1", _FIELDS, "here")
