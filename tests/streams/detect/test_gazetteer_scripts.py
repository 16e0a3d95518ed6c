"""Names in every supported script: per-language labels, case forms, clitics, suffixes and unspaced text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from streams.detect.gazetteer import Gazetteer
from streams.detect.gazetteer_forms import declined, load_rules, name_forms
from streams.detect.gazetteer_load import DATA_DIR, load_data
from streams.errors import ConfigError

# Parties to the conflicts the project watches (docs/gazetteer.md), besides the G20.
_PARTIES = "RUS UKR ARM AZE ISR PSE IRN SYR TUR PAK IND LBN YEM SDN ETH KHM THA QAT EGY"
CONFLICT_PARTIES = frozenset(_PARTIES.split(" "))
SCRIPT_LANGUAGES = ("ru", "uk", "zh", "ar")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def found(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    matches = gaz.find_names(text)
    assert all(text[m.start : m.end] == m.surface for m in matches)
    return [(m.surface, m.person_id) for m in matches]


# -- Russian and Ukrainian case forms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Путин провёл телефонный разговор с Макроном.", "Путин=putin-vladimir; Макроном=macron-emmanuel"),
        ("по просьбе Макрона", "Макрона=macron-emmanuel"),
        ("Эрдогана и Зеленского", "Эрдогана=erdogan-recep-tayyip; Зеленского=zelensky-volodymyr"),
        ("с президентом Владимиром Путиным", "Владимиром Путиным=putin-vladimir"),
        ("беседа с Шольцем", "Шольцем=scholz-olaf"),
        ("переговоры с Алиевым и Пашиняном", "Алиевым=aliyev-ilham; Пашиняном=pashinyan-nikol"),
        (
            "Пётр Порошенко и Петр Порошенко",
            "Пётр Порошенко=poroshenko-petro; Петр Порошенко=poroshenko-petro",
        ),
        ("Зеленський провів розмову з Макроном", "Зеленський=zelensky-volodymyr; Макроном=macron-emmanuel"),
        ("Порошенка і Путіна", "Порошенка=poroshenko-petro; Путіна=putin-vladimir"),
        ("з Володимиром Зеленським", "Володимиром Зеленським=zelensky-volodymyr"),
    ],
)
def test_cyrillic_case_forms(gaz: Gazetteer, text: str, expected: str) -> None:
    assert found(gaz, text) == [tuple(pair.split("=")) for pair in expected.split("; ")]


def test_cyrillic_words_that_only_start_like_a_name_are_not_names(gaz: Gazetteer) -> None:
    assert found(gaz, "Путинизм и путин") == []
    assert found(gaz, "Макронизация") == []


def test_declension_rules_give_the_usual_forms() -> None:
    assert declined("Путин", "ru")[3] == ("Путиным", "Путином")
    assert declined("Зеленский", "ru")[0] == ("Зеленского",)
    assert declined("Порошенко", "ru") == ()  # Russian leaves -enko names as they are
    assert declined("Порошенко", "uk")[0] == ("Порошенка",)
    assert declined("Путин", "fr") == ()


# -- Turkish suffixes, Arabic clitics, Chinese text without spaces, German genitive ------------------------


def test_turkish_suffixes_after_an_apostrophe(gaz: Gazetteer) -> None:
    assert found(gaz, "Erdoğan'ın Putin'le görüşmesi") == [
        ("Erdoğan", "erdogan-recep-tayyip"),
        ("Putin", "putin-vladimir"),
    ]
    assert found(gaz, "Macron'a göre ve Aliyev'e") == [
        ("Macron", "macron-emmanuel"),
        ("Aliyev", "aliyev-ilham"),
    ]
    assert found(gaz, "Xi'an and Putin'ism") == []  # not a suffix: still glued on


def test_arabic_clitics_and_article(gaz: Gazetteer) -> None:
    assert found(gaz, "وبوتين والرئيس ماكرون") == [
        ("وبوتين", "putin-vladimir"),
        ("ماكرون", "macron-emmanuel"),
    ]
    assert found(gaz, "اتصال لبوتين مع أردوغان") == [
        ("لبوتين", "putin-vladimir"),
        ("أردوغان", "erdogan-recep-tayyip"),
    ]
    assert found(gaz, "بشار الأسد وللأسد") == [("بشار الأسد", "assad-bashar"), ("وللأسد", "assad-bashar")]
    assert found(gaz, "بوتينية") == []


def test_chinese_names_inside_unspaced_text(gaz: Gazetteer) -> None:
    text = "国家主席习近平同俄罗斯总统普京通电话"
    assert found(gaz, text) == [("习近平", "xi-jinping"), ("普京", "putin-vladimir")]
    assert found(gaz, "马克龙与埃尔多安") == [
        ("马克龙", "macron-emmanuel"),
        ("埃尔多安", "erdogan-recep-tayyip"),
    ]
    # the longest name wins where two start at one place
    assert found(gaz, "弗拉基米尔·普京表示") == [("弗拉基米尔·普京", "putin-vladimir")]


def test_mixed_scripts_in_one_text(gaz: Gazetteer) -> None:
    text = "Putin (普京) and Макрон; وبوتين"
    assert [pid for _, pid in found(gaz, text)] == [
        "putin-vladimir",
        "putin-vladimir",
        "macron-emmanuel",
        "putin-vladimir",
    ]


def test_german_genitive_and_spellings(gaz: Gazetteer) -> None:
    assert found(gaz, "Putins Sprecher und Selenskyjs Berater") == [
        ("Putins", "putin-vladimir"),
        ("Selenskyjs", "zelensky-volodymyr"),
    ]
    assert found(gaz, "Poutine a parlé avec Erdogan") == [
        ("Poutine", "putin-vladimir"),
        ("Erdogan", "erdogan-recep-tayyip"),
    ]


# -- coverage of the shipped data -------------------------------------------------------------------------


def test_every_g20_and_conflict_party_leader_since_2015_has_names_in_every_script(gaz: Gazetteer) -> None:
    watched = {c.code for c in gaz.countries().values() if c.g20} | CONFLICT_PARTIES
    missing = []
    for person in gaz.people():
        led = {
            t.country
            for t in person.terms
            if t.is_leader and (t.end is None or t.end > date(2015, 1, 1)) and not t.acting
        }
        if led & watched:
            missing += [f"{person.id}:{lang}" for lang in SCRIPT_LANGUAGES if not person.labels.get(lang)]
    assert missing == []


def test_every_label_finds_its_person(gaz: Gazetteer) -> None:
    wrong = []
    for person in gaz.people():
        for language, labels in person.labels.items():
            for label in labels:
                if person.id not in [m.person_id for m in gaz.find_names(f" {label} ")]:
                    wrong.append(f"{person.id}:{language}:{label}")
    assert wrong == []


# -- the file format ---------------------------------------------------------------------------------------


def _user_file(tmp_path: Path, labels: str) -> Path:
    path = tmp_path / "user.yaml"
    path.write_text(
        "people:\n- id: doe-jane\n  name: Jane Doe\n"
        f"  labels: {labels}\n"
        "  terms:\n  - {country: FRA, office: foreign_minister, start: 2020-01-01, end: null}\n",
        encoding="utf-8",
    )
    return path


def test_user_file_labels_are_found_with_their_forms(tmp_path: Path) -> None:
    gaz = Gazetteer(
        load_data(
            DATA_DIR / "countries.yaml",
            [DATA_DIR / "leaders.yaml", _user_file(tmp_path, "{ru: [Джейн Доу], zh: [简·多伊]}")],
        )
    )
    assert [m.person_id for m in gaz.find_names("с Джейн Доу; 简·多伊说")] == ["doe-jane", "doe-jane"]
    assert gaz.person("doe-jane").labels == {"ru": ("Джейн Доу",), "zh": ("简·多伊",)}


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ("[Джейн Доу]", "field 'labels' must map language codes"),
        ("{russian: [Джейн Доу]}", "'russian' is not an ISO 639-1 code"),
        ("{ru: Джейн Доу}", "field 'labels.ru' must be a list"),
        ("{ru: [джейн доу]}", "must start with a capital letter"),
    ],
)
def test_bad_labels_are_config_errors_naming_the_entry(tmp_path: Path, labels: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        load_data(DATA_DIR / "countries.yaml", [DATA_DIR / "leaders.yaml", _user_file(tmp_path, labels)])
    assert "doe-jane" in str(error.value)


def test_rules_file_errors_name_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "forms.yaml"
    path.write_text("declension:\n  ru:\n    - [ин, 'ина ину']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"declension.ru\[0\]: 2 case forms, expected 5"):
        load_rules(path)


def test_name_forms_keep_the_display_name_and_aliases_first() -> None:
    forms = name_forms("Vladimir Putin", ("Putin",), {"ru": ("Путин",), "ar": ("بوتين",)})
    assert forms[:3] == ("Vladimir Putin", "Putin", "Путин")
    assert {"Путина", "Путиным", "وبوتين", "لبوتين", "Putins"} <= set(forms)
