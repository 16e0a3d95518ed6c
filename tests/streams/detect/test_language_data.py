"""The language files load, and a bad one stops the start with the file and the key in the error."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.detect.language_data import LANGUAGES_DIR, load_language, load_languages
from streams.errors import ConfigError

MINIMAL = """language: xx
calls:
  stems: [phone]
  triggers: [phoned]
"""


def test_every_shipped_language_file_loads() -> None:
    languages = load_languages(LANGUAGES_DIR)
    assert set(languages) == {"ru", "uk", "zh", "ar", "fr", "es", "tr", "de"}
    for data in languages.values():
        assert data.calls is not None and data.roles is not None and data.ceasefire is not None


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (MINIMAL + "  trigers: [x]\n", "calls.trigers: unknown key"),
        (MINIMAL.replace("[phoned]", "['phon(ed']"), "calls.triggers: bad pattern"),
        (MINIMAL.replace("  stems: [phone]\n", ""), "calls.stems: must be a non-empty list"),
        (
            MINIMAL + "roles:\n  offices: {president: [président]}\n",
            "roles: needs both offices and countries",
        ),
        (MINIMAL + "colour: red\n", "colour: unknown key"),
        ("language: xx\ncalls: [a, b]\n", "calls: must be a mapping"),
        ("language: xx\ncalls: {stems: [a], triggers: [b\n", "cannot be read"),
    ],
)
def test_a_bad_file_names_itself_and_the_key(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "xx.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"xx\.yaml") as error:
        load_language(path)
    assert where in str(error.value)


def test_the_language_must_match_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "yy.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(ConfigError, match="does not match the file name"):
        load_language(path)
