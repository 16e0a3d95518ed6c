"""The article-level prefilter of a cue file's event type: whole words for all-ASCII text, stems otherwise.

Stems are substrings ("met" is in "method", "sign" in "design"), cheap but loose; an all-ASCII article's
letter runs (``ArticleText.words``) can be looked up as whole words instead, so prose without the type's
words is never split into sentences. The words are the cue file's ``words`` list of a language.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from streams.detect.conflict_cues import EVENTS_DIR
from streams.detect.detector import ArticleText
from streams.errors import ConfigError


def gate_words(
    event_type: str, language: str = "en", key: str = "words", folder: Path = EVENTS_DIR
) -> frozenset[bytes]:
    """The list ``key`` of ``language`` in ``data/events/<event_type>.yaml``, as lower-case ASCII bytes."""
    path = folder / f"{event_type}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    words = ((doc or {}).get("languages") or {}).get(language, {}).get(key) or []
    if not all(isinstance(w, str) and w.isascii() and w.isalpha() for w in words):
        raise ConfigError(f"cue file {path}: languages.{language}.{key}: must be lower-case ASCII words")
    return frozenset(w.lower().encode("ascii") for w in words)


def may_hold(article: ArticleText, stems: Iterable[str], words: frozenset[bytes]) -> bool:
    """Whether the article holds one of ``words`` (all-ASCII text with words), else one of ``stems``."""
    if words and article.words is not None:
        return not words.isdisjoint(article.words)
    return any(map(article.lower.__contains__, stems))
