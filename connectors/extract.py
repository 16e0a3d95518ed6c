"""HTML to text for the connectors: page extraction is the shared loader's (``streams.documents``)."""

from __future__ import annotations

from streams.documents.extract import extract_main_text, html_title, strip_tags

__all__ = ["extract_main_text", "html_title", "strip_tags", "text_from_html_fragment"]


def text_from_html_fragment(fragment: str) -> str:
    """Feed summaries and content are HTML fragments: turn them into plain text cheaply."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    return strip_tags(fragment)
