"""The places gazetteer: real place names in every detection script resolve to their country and coordinates;
common words, people and acronyms that share a city's name do not match."""

from __future__ import annotations

import pytest

from streams.detect.places import PlaceMatch, Places
from streams.records import Place


@pytest.fixture(scope="module")
def places() -> Places:
    return Places.load()


def _found(places: Places, text: str, language: str) -> list[tuple[str, str, str]]:
    return [(match.name, match.canonical, match.country) for match in places.find(text, language)]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "en",
            "Azerbaijani forces shelled Stepanakert and Shushi, the Nagorno-Karabakh defence ministry said.",
            [
                ("Stepanakert", "Stepanakert", "AZ"),
                ("Shushi", "Shusha", "AZ"),
                ("Nagorno-Karabakh", "Nagorno-Karabakh", "AZ"),
            ],
        ),
        (
            "ru",
            "Азербайджан обстрелял Степанакерт; в Донецке и в Москве тихо, над Нагорным Карабахом дроны.",
            [
                ("Степанакерт", "Stepanakert", "AZ"),
                ("Донецке", "Donetsk", "UA"),
                ("Москве", "Moscow", "RU"),
                ("Нагорным Карабахом", "Nagorno-Karabakh", "AZ"),
            ],
        ),
        (
            "uk",
            "Зеленський у Києві та Харкові, обстріл Донецька.",
            [("Києві", "Kyiv", "UA"), ("Харкові", "Kharkiv", "UA"), ("Донецька", "Donetsk", "UA")],
        ),
        (
            "ar",
            "قصف على حلب وبغزة والضفة الغربية ودمشق",
            [
                ("حلب", "Aleppo", "SY"),
                ("وبغزة", "Gaza Strip", "PS"),
                ("والضفة الغربية", "West Bank", "PS"),
                ("ودمشق", "Damascus", "SY"),
            ],
        ),
        (
            "zh",
            "俄罗斯总统普京在莫斯科会见了来访的法国总统，纳卡地区和北京",
            [("莫斯科", "Moscow", "RU"), ("纳卡", "Nagorno-Karabakh", "AZ"), ("北京", "Beijing", "CN")],
        ),
        (
            "fr",
            "Bombardements sur Alep et à Moscou, en Arménie.",
            [("Alep", "Aleppo", "SY"), ("Moscou", "Moscow", "RU"), ("Arménie", "Armenia", "AM")],
        ),
        (
            "es",
            "Ataque en Alepo y en la Franja de Gaza.",
            [("Alepo", "Aleppo", "SY"), ("Franja de Gaza", "Gaza Strip", "PS")],
        ),
        ("tr", "Ankara'da ve Gazze'de", [("Ankara", "Ankara", "TR"), ("Gazze", "Gaza Strip", "PS")]),
        (
            "de",
            "Angriffe auf Charkiw und Kiew, die Lage in Moskau.",
            [("Charkiw", "Kharkiv", "UA"), ("Kiew", "Kyiv", "UA"), ("Moskau", "Moscow", "RU")],
        ),
    ],
)
def test_places_in_every_script_resolve(places: Places, language: str, text: str, expected: list) -> None:
    assert _found(places, text, language) == expected


def test_a_match_carries_coordinates_offsets_and_becomes_the_events_place(places: Places) -> None:
    text = "Missiles hit Aleppo overnight."
    [match] = places.find(text, "en")
    assert isinstance(match, PlaceMatch) and text[match.start : match.end] == "Aleppo"
    assert match.kind == "city" and match.place_id == "lexicon:aleppo"
    assert 36.0 < match.latitude < 36.4 and 37.0 < match.longitude < 37.3
    assert match.to_place() == Place(
        "Aleppo", "SY", match.latitude, match.longitude, "lexicon:aleppo", "city"
    )


def test_an_ambiguous_name_goes_to_its_qualifier_else_to_the_most_populous(places: Places) -> None:
    assert _found(places, "He grew up in Paris, Texas.", "en")[0][1:] == ("Paris", "US")
    assert _found(places, "He grew up in Paris.", "en")[0][1:] == ("Paris", "FR")
    assert _found(places, "Talks in Geneva went on; the US envoy left.", "en")[0][1:] == ("Geneva", "CH")
    assert _found(places, "Crowds gathered in Odessa.", "en")[0][1:] == ("Odesa", "UA")


def test_common_words_people_and_acronyms_are_not_places(places: Places) -> None:
    text = (
        "Of course it was nice. Nice weather, Mobile phones. Split the bill at the Bar. "
        "Michael Jackson sang. The Union met in March; the MAGA crowd cheered. "
        "Barack Obama spoke, and Obama left."
    )
    assert _found(places, text, "en") == []
    assert _found(places, "Die Lage am Ende der Rede; Wladimir Putin.", "de") == []


def test_a_capitalised_place_is_found_but_its_lower_case_word_is_not(places: Places) -> None:
    assert _found(places, "The sanctions hit Crimea.", "en") == [("Crimea", "Crimea", "UA")]
    assert _found(places, "Сектор Газа и сектор Газа.", "ru") == [
        ("Сектор Газа", "Gaza Strip", "PS"),
        ("сектор Газа", "Gaza Strip", "PS"),
    ]


def test_arabic_and_chinese_words_that_are_other_names_of_towns_are_not_places(places: Places) -> None:
    arabic = "حفل افتتاح قناة السويس الجديدة، وشنت عددا كبيرا من الهجمات في القاهرة"
    assert _found(places, arabic, "ar") == [("السويس", "Suez", "EG"), ("القاهرة", "Cairo", "EG")]
    chinese = "光明的未来需要奋斗，习近平在西安会见"
    assert _found(places, chinese, "zh") == [("西安", "Xi’an", "CN")]


def test_small_towns_of_the_wars_are_found_in_cyrillic_and_their_transliterations(places: Places) -> None:
    russian = "Обстрел Ясиноватой и Макеевки, удар по Сватово"
    assert [m.canonical for m in places.find(russian, "ru")] == ["Yasynuvata", "Makiyivka", "Svatove"]
    ukrainian = "Росіяни обстріляли Ірпінь та Бучу, в Херсоні і Лисичанськ"
    assert [m.canonical for m in places.find(ukrainian, "uk")] == ["Irpin", "Bucha", "Kherson", "Lysychansk"]
    english = "Shelling of Izium and Kupiansk; Terter and Martakert were hit, near Vardenis; Fizuli."
    assert [m.canonical for m in places.find(english, "en")] == [
        "Izium", "Kupiansk", "Terter", "Martakert", "Vardenis", "Fuzuli",
    ]  # fmt: skip
    assert _found(places, "Biля Маріїнського палацу, Південному напрямку", "uk") == []
