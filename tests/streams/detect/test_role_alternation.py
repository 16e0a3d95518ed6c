"""The roles' one-scan alternations (``language_data._Compiler.alternation``) find what a group around
each entry's phrases found: the same spans and entries, in every language with roles."""

from __future__ import annotations

import re

import pytest

from streams.detect import role_phrases
from streams.detect.language_data import LANGUAGES_DIR, RoleWords, load_languages

SENTENCES = {
    "zh": "俄罗斯总统普京与法国总统马克龙通电话。白俄罗斯总理和阿拉伯联合酋长国总统、美国国务卿会面。",
    "ru": "Президент России Владимир Путин и президент Франции"
    " провели переговоры с премьером Великобритании.",
    "uk": "Президент України та прем'єр-міністр Сполученого"
    " Королівства обговорили ситуацію з главою МЗС США.",
    "fr": "Le président français et le Premier ministre britannique ont parlé avec le chef de l'Etat russe.",
    "de": "Der russische Präsident und der Bundeskanzler der Vereinigten Arabischen Emirate telefonierten.",
    "es": "El presidente de Estados Unidos habló con el primer"
    " ministro británico y el rey de Arabia Saudita.",
    "ar": "أجرى الرئيس الروسي اتصالا مع رئيس الوزراء البريطاني وولي عهد"
    " المملكة العربية السعودية والرئيس الأمريكي",
    "tr": "Türkiye Cumhurbaşkanı, Rusya Devlet Başkanı ve ABD"
    " Dışişleri Bakanı ile İngiliz Başbakanı görüştü.",
}


def _grouped(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same alternation with each group around its phrases (the form before the empty groups)."""
    entry = r"\(\?:((?:[^()]|\((?!\?P<g)[^()]*\))*?)\)\(\?P<(g\d+)>\)"  # (?:phrases)(?P<gN>)
    source = re.sub(entry, r"(?P<\2>\1)", pattern.pattern)
    assert re.search(r"\(\?P<g\d+>\)", source) is None, "a group left empty"
    return re.compile(source, pattern.flags)


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_the_alternations_find_what_grouped_phrases_found(code: str) -> None:
    roles = load_languages(LANGUAGES_DIR)[code].roles
    assert isinstance(roles, RoleWords)
    text = SENTENCES[code] * 3
    for combined, entries in ((roles.country_any, roles.countries), (roles.office_any, roles.offices)):
        found = role_phrases.spans(combined, entries, text)
        assert found, f"{code}: the sentence names no role word"
        assert found == role_phrases.spans(_grouped(combined), entries, text)
