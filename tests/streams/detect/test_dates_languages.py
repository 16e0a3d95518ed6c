"""Dates in every supported language, resolved against the publication date (data/date_words.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from streams.detect import dates
from streams.detect.dates import find_dates, oldest_year, pick_event_date
from streams.errors import ConfigError

SATURDAY = date(2020, 11, 7)  # Friday is 2020-11-06, Tuesday 2020-11-03


def _day(text: str, language: str | None, published: date = SATURDAY) -> date | None:
    chosen = pick_event_date(find_dates(text, published, language), 0)
    return chosen.day if chosen is not None else None


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("ru", "Путин в пятницу провёл телефонный разговор с Макроном.", date(2020, 11, 6)),
        ("ru", "24 октября Путин и Макрон обсудили ситуацию", date(2020, 10, 24)),
        ("ru", "Вчера вечером состоялся телефонный разговор", date(2020, 11, 6)),
        ("ru", "в прошлую субботу президенты говорили", date(2020, 10, 31)),
        ("ru", "три дня назад", date(2020, 11, 4)),
        ("ru", "30 декабря 2019 года", date(2019, 12, 30)),
        ("uk", "У п'ятницю Зеленський провів розмову з Макроном", date(2020, 11, 6)),
        ("uk", "Учора відбулася розмова", date(2020, 11, 6)),
        ("uk", "24 жовтня президенти поговорили", date(2020, 10, 24)),
        ("zh", "习近平周五同普京通电话", date(2020, 11, 6)),
        ("zh", "10月24日，习近平同普京通电话", date(2020, 10, 24)),
        ("zh", "24日，习近平同普京通电话", date(2020, 10, 24)),  # no 24th yet this month: last month's
        ("zh", "6日，习近平同普京通电话", date(2020, 11, 6)),
        ("zh", "上周五两国元首通电话", date(2020, 10, 30)),
        ("zh", "2019年12月30日", date(2019, 12, 30)),
        ("zh", "昨天通电话", date(2020, 11, 6)),
        ("ar", "أجرى بوتين يوم الثلاثاء اتصالا هاتفيا مع ماكرون", date(2020, 11, 3)),
        ("ar", "أمس أجرى بوتين اتصالا", date(2020, 11, 6)),
        ("ar", "في 24 أكتوبر أجرى الرئيسان اتصالا", date(2020, 10, 24)),
        ("ar", "يوم الجمعة الماضي", date(2020, 11, 6)),
        ("fr", "Hier soir, Macron s'est entretenu avec Poutine", date(2020, 11, 6)),
        ("fr", "Mardi dernier, Macron a appelé Poutine", date(2020, 11, 3)),
        ("fr", "le 1er novembre les deux présidents", date(2020, 11, 1)),
        ("es", "Putin habló el martes con Macron", date(2020, 11, 3)),
        ("es", "El 24 de octubre de 2020 hablaron", date(2020, 10, 24)),
        ("es", "hace dos días", date(2020, 11, 5)),
        ("de", "Am Dienstag telefonierte Scholz mit Putin", date(2020, 11, 3)),
        ("de", "Am 24. Oktober sprachen sie", date(2020, 10, 24)),
        ("de", "vor zwei Wochen", date(2020, 10, 24)),
        ("tr", "Erdoğan salı günü Putin ile görüştü", date(2020, 11, 3)),
        ("tr", "Erdoğan dün Putin ile görüştü", date(2020, 11, 6)),
        ("tr", "24 Ekim'de iki lider görüştü", date(2020, 10, 24)),
        ("tr", "Cumartesi günü görüştüler", date(2020, 11, 7)),
    ],
)
def test_dates_in_each_language(language: str, text: str, expected: date) -> None:
    assert _day(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "relation"),
    [
        ("ru", "с 27 сентября идут бои", "since"),
        ("uk", "після 27 вересня", "after"),
        ("zh", "自9月27日以来", "since"),
        ("zh", "10月24日前", "before"),
        ("ar", "منذ 27 سبتمبر", "since"),
        ("fr", "depuis le 27 septembre", "since"),
        ("es", "desde el 27 de septiembre", "since"),
        ("de", "seit dem 27. September", "since"),
        ("tr", "27 Eylül'den beri", "since"),
    ],
)
def test_boundaries_are_not_event_dates(language: str, text: str, relation: str) -> None:
    mentions = find_dates(text, SATURDAY, language)
    assert [m.relation for m in mentions] == [relation]
    assert pick_event_date(mentions, 0) is None


def test_script_languages_are_read_without_a_language_given() -> None:
    assert _day("Путин в пятницу", None) == date(2020, 11, 6)
    assert _day("习近平周五同普京通电话", None) == date(2020, 11, 6)
    assert _day("أمس أجرى بوتين اتصالا", None) == date(2020, 11, 6)
    # Latin-script languages need their code: "mardi" in an untagged text is not read as French
    assert find_dates("mardi", SATURDAY) == []


def test_explicit_years_for_old_background() -> None:
    assert oldest_year(find_dates("в 2019 году лидеры встречались", date.max, "ru")) == 2019
    assert oldest_year(find_dates("2019年两国元首会晤", date.max, "zh")) == 2019
    assert oldest_year(find_dates("في عام 2019 التقى", date.max, "ar")) == 2019


def test_words_that_are_not_dates() -> None:
    assert find_dates("Cuma Ali ile görüştü", SATURDAY, "tr")[0].text.lower() == "cuma"  # a weekday
    assert find_dates("pazar yerinde", SATURDAY, "tr") == []  # "market", not Sunday
    assert find_dates("34 марта", SATURDAY, "ru") == []  # no such day
    assert find_dates("Ведомство сообщило", SATURDAY, "ru") == []


def test_english_is_unchanged_when_a_language_is_given() -> None:
    assert _day("On Tuesday the leaders spoke", "en") == date(2020, 11, 3)
    assert _day("On Tuesday the leaders spoke", None) == date(2020, 11, 3)


def test_a_bad_date_words_file_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "date_words.yaml"
    bad.write_text("languages:\n  xx:\n    weekdays: [a, b]\n", encoding="utf-8")
    monkeypatch.setattr(dates, "_DATA", bad)
    dates.date_languages.cache_clear()
    try:
        with pytest.raises(ConfigError, match="seven fragments"):
            dates.date_languages()
    finally:
        dates.date_languages.cache_clear()
