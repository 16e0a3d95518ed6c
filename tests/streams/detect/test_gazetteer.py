"""The dated gazetteer: name finding, dated role resolution, user files, integrity of the shipped data."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from streams.detect.gazetteer import Gazetteer, OfficeTerm
from streams.detect.gazetteer_load import DATA_DIR, load_data, overlapping_terms
from streams.errors import ConfigError


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def ids(gaz: Gazetteer, text: str) -> list[str]:
    return [match.person_id for match in gaz.find_names(text)]


def surfaces(gaz: Gazetteer, text: str) -> list[str]:
    return [match.surface for match in gaz.find_names(text)]


# -- finding names ---------------------------------------------------------------------------------------


def test_full_names_and_surnames_with_spans(gaz: Gazetteer) -> None:
    text = "Vladimir Putin spoke to Macron by phone."
    matches = gaz.find_names(text)
    assert [(m.person_id, m.surface) for m in matches] == [
        ("putin-vladimir", "Vladimir Putin"),
        ("macron-emmanuel", "Macron"),
    ]
    assert text[matches[0].start : matches[0].end] == "Vladimir Putin"


def test_longest_alias_wins(gaz: Gazetteer) -> None:
    assert surfaces(gaz, "President Recep Tayyip Erdogan said") == ["Recep Tayyip Erdogan"]
    assert surfaces(gaz, "Tayyip Erdogan said") == ["Tayyip Erdogan"]


@pytest.mark.parametrize(
    ("text", "person_id"),
    [
        ("Pashinian called", "pashinyan-nikol"),
        ("Pashinyan called", "pashinyan-nikol"),
        ("Nikol Pashinián called", "pashinyan-nikol"),
        ("Erdoğan called", "erdogan-recep-tayyip"),
        ("Erdogan called", "erdogan-recep-tayyip"),
        ("Recep Tayyip ErdoÄŸan called", "erdogan-recep-tayyip"),  # UTF-8 read as cp1252
        ("İlham Əliyev called", "aliyev-ilham"),
        ("Zograb Mnatsakanyan met", "mnatsakanyan-zohrab"),
        ("Zelenskyy and Zelensky", "zelensky-volodymyr"),
        ("Mr Lukashenka said", "lukashenko-alexander"),
    ],
)
def test_transliterations_and_diacritics(gaz: Gazetteer, text: str, person_id: str) -> None:
    found = ids(gaz, text)
    assert found and set(found) == {person_id}


def test_possessives_and_hyphens(gaz: Gazetteer) -> None:
    assert surfaces(gaz, "Putin's envoy, Putin’s aide, Macron' office") == ["Putin", "Putin", "Macron"]
    assert ids(gaz, "the Putin-Macron call") == ["putin-vladimir", "macron-emmanuel"]
    assert ids(gaz, "an anti-Erdogan rally") == ["erdogan-recep-tayyip"]


def test_word_boundaries(gaz: Gazetteer) -> None:
    assert gaz.find_names("Putinism and Putinist rhetoric, McPutin, Xi'an and Trumpism") == []
    assert surfaces(gaz, "Xi's plan") == ["Xi"]


def test_case_matters_for_capitalised_aliases(gaz: Gazetteer) -> None:
    assert gaz.find_names("in may the putin trade") == []
    assert ids(gaz, "PUTIN WARNS") == ["putin-vladimir"]


def test_leaders_and_officials_in_the_seeds(gaz: Gazetteer, seeds_dir: Path) -> None:
    expected = {
        "000_6be6fbbbb802f048.txt": {
            "putin-vladimir",
            "macron-emmanuel",
            "erdogan-recep-tayyip",
            "pashinyan-nikol",
        },
        "002_80ed9d53a21f13b4.txt": {
            "putin-vladimir",
            "pashinyan-nikol",
            "aliyev-ilham",
            "patrushev-nikolai",
            "obrien-robert",
        },
        "003_916328e3991dc88e.txt": {
            "putin-vladimir",
            "macron-emmanuel",
            "lavrov-sergey",
            "mnatsakanyan-zohrab",
            "aliyev-ilham",
            "pashinyan-nikol",
        },
        "004_a4b85e159159ef82.txt": {"putin-vladimir", "macron-emmanuel", "pompeo-mike"},
    }
    for name, people in expected.items():
        found = set(ids(gaz, (seeds_dir / name).read_text(encoding="utf-8")))
        assert people <= found, name


def test_find_names_is_fast(gaz: Gazetteer, seeds_dir: Path) -> None:
    text = (seeds_dir / "000_6be6fbbbb802f048.txt").read_text(encoding="utf-8")
    gaz.find_names(text)
    rounds = 50
    started = time.process_time()
    for _ in range(rounds):
        gaz.find_names(text)
    per_kb = (time.process_time() - started) / rounds / (len(text) / 1000)
    assert per_kb < 400e-6  # target is < 50 µs/kB; the margin absorbs a busy shared machine


# -- offices by date -------------------------------------------------------------------------------------


def holder_id(gaz: Gazetteer, country: str, office: str, day: date) -> str | None:
    term = gaz.holder(country, office, day)
    return None if term is None else term.person_id


@pytest.mark.parametrize(
    ("country", "office", "day", "person_id"),
    [
        ("TUR", "president", date(2020, 11, 7), "erdogan-recep-tayyip"),
        ("GBR", "prime_minister", date(2019, 7, 1), "may-theresa"),
        ("GBR", "prime_minister", date(2019, 8, 1), "johnson-boris"),
        ("GBR", "prime minister", date(2019, 7, 24), "johnson-boris"),  # handover day: the newcomer
        ("GBR", "prime minister", date(2019, 7, 23), "may-theresa"),
        ("USA", "president", date(2021, 1, 19), "trump-donald"),
        ("USA", "president", date(2021, 1, 21), "biden-joe"),
        ("USA", "president", date(2025, 2, 1), "trump-donald"),
        ("ARM", "prime_minister", date(2020, 10, 2), "pashinyan-nikol"),
        ("AZE", "president", date(2020, 10, 2), "aliyev-ilham"),
        ("RUS", "president", date(2020, 11, 7), "putin-vladimir"),
        ("FRA", "president", date(2020, 9, 30), "macron-emmanuel"),
        ("FRA", "president", date(2016, 1, 1), "hollande-francois"),
        ("DEU", "chancellor", date(2020, 1, 1), "merkel-angela"),
        ("DEU", "prime minister", date(2023, 1, 1), "scholz-olaf"),  # a chancellor answers for it
        ("GBR", "queen", date(2020, 1, 1), "elizabeth-ii"),
        ("GBR", "king", date(2023, 1, 1), "charles-iii"),
        ("RUS", "foreign minister", date(2020, 10, 1), "lavrov-sergey"),
        ("ARM", "foreign_minister", date(2020, 10, 1), "mnatsakanyan-zohrab"),
        ("AZE", "foreign_minister", date(2020, 10, 1), "bayramov-jeyhun"),
        ("AZE", "foreign_minister", date(2020, 7, 1), "mammadyarov-elmar"),
    ],
)
def test_holder_by_date(gaz: Gazetteer, country: str, office: str, day: date, person_id: str) -> None:
    assert holder_id(gaz, country, office, day) == person_id


def test_no_holder_before_or_outside_the_data(gaz: Gazetteer) -> None:
    assert gaz.holder("TUR", "prime_minister", date(2020, 1, 1)) is None  # office abolished in 2018
    assert gaz.holder("ZZZ", "president", date(2020, 1, 1)) is None


def test_counterpart_resolves_through_the_other_participants_office(gaz: Gazetteer) -> None:
    day = date(2020, 11, 7)
    erdogan = gaz.leader_term_on("erdogan-recep-tayyip", day)
    assert erdogan is not None and erdogan.office == "president" and erdogan.head_of_government
    counterpart = gaz.holder("RUS", erdogan.office, day)
    assert counterpart is not None and counterpart.person_id == "putin-vladimir"


def test_leaders_officials_and_terms(gaz: Gazetteer) -> None:
    day = date(2020, 11, 7)
    assert [t.person_id for t in gaz.leaders_of("RUS", day)] == ["putin-vladimir", "mishustin-mikhail"]
    assert gaz.leader_term_on("lavrov-sergey", day) is None
    assert gaz.leader_term_on("patrushev-nikolai", day) is None
    assert gaz.leader_term_on("obrien-robert", day) is None
    assert [t.office for t in gaz.terms_on("lavrov-sergey", day)] == ["foreign_minister"]
    steinmeier = gaz.leader_term_on("steinmeier-frank-walter", date(2020, 1, 1))
    assert steinmeier is not None and steinmeier.head_of_state and not steinmeier.head_of_government
    assert gaz.leader_term_on("steinmeier-frank-walter", date(2016, 1, 1)) is None  # foreign minister then
    assert gaz.person("putin-vladimir").name == "Vladimir Putin"


def test_office_term_covers_is_half_open() -> None:
    term = OfficeTerm("x", "USA", "president", True, True, date(2017, 1, 20), date(2021, 1, 20))
    assert term.covers(date(2017, 1, 20)) and term.covers(date(2021, 1, 19))
    assert not term.covers(date(2021, 1, 20)) and not term.covers(date(2017, 1, 19))
    assert term.is_leader
    assert OfficeTerm("x", "USA", "president", True, True, date(2025, 1, 20), None).covers(date(2099, 1, 1))


# -- countries and office words --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Turkish", "TUR"),
        ("Turkey", "TUR"),
        ("Turkey's", "TUR"),
        ("Türkiye", "TUR"),
        ("Ankara", "TUR"),
        ("Moscow", "RUS"),
        ("Kremlin", "RUS"),
        ("the Kremlin", "RUS"),
        ("Elysee", "FRA"),
        ("Élysée", "FRA"),
        ("Yerevan", "ARM"),
        ("Baku", "AZE"),
        ("Azerbaijani", "AZE"),
        ("Washington", "USA"),
        ("White House", "USA"),
        ("U.S.", "USA"),
        ("Kyiv", "UKR"),
        ("Kiev", "UKR"),
        ("Armenia’s", "ARM"),
        ("RUSSIAN", "RUS"),
    ],
)
def test_country_of_word(gaz: Gazetteer, word: str, code: str) -> None:
    assert gaz.country_of_word(word) == code


def test_non_country_words(gaz: Gazetteer) -> None:
    assert gaz.country_of_word("Putin") is None
    assert gaz.country_of_word("us") is None  # the pronoun, not the United States
    assert "Turkish" in set(gaz.country_words())


def test_office_words(gaz: Gazetteer) -> None:
    words = gaz.office_words()
    assert words["president"] == "president"
    assert words["premier"] == words["prime minister"] == "prime_minister"
    assert words["chancellor"] == "chancellor"
    assert words["emir"] == words["king"] == "monarch"
    assert words["foreign minister"] == "foreign_minister"


# -- user files ------------------------------------------------------------------------------------------

USER_FILE = """
people:
- id: doe-jane
  name: Jane Doe
  aliases: [Doe, Janet Doe]
  terms:
  - {country: ARM, office: vice_president, start: 2021-01-01, end: null}
- id: putin-vladimir
  name: Vladimir Putin
  aliases: [Putin, VVP]
  terms:
  - {country: RUS, office: president, start: 2012-05-07, end: null}
officials:
- id: smith-ann
  name: Ann Smith
  aliases: [Smith]
  terms:
  - {country: GBR, office: envoy, start: 2020-01-01, end: 2021-01-01}
- id: smith-bob
  name: Bob Smith
  aliases: [Smith]
  terms:
  - {country: USA, office: envoy, start: 2020-01-01, end: 2021-01-01}
countries:
- {code: XAA, name: Atlantis, adjectives: [Atlantean]}
"""


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    extra = tmp_path / "my_gazetteer.yaml"
    extra.write_text(USER_FILE, encoding="utf-8")
    gaz = Gazetteer.load(extra)
    assert gaz is Gazetteer.load(str(extra))  # cached
    assert ids(gaz, "Doe met VVP and Macron") == ["doe-jane", "putin-vladimir", "macron-emmanuel"]
    assert gaz.person("putin-vladimir").aliases == ("Putin", "VVP")
    assert holder_id(gaz, "ARM", "vice_president", date(2022, 1, 1)) == "doe-jane"
    assert gaz.country_of_word("Atlantean") == "XAA"
    # "Smith" names two people, so only the full names find them.
    assert ids(gaz, "Smith met Ann Smith and Bob Smith") == ["smith-ann", "smith-bob"]
    assert "VVP" not in {m.surface for m in Gazetteer.load().find_names("VVP")}


GOOD_TERM = "{country: RUS, office: president, start: 2020-01-01, end: null}"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("terms: [{country: RUS, office: president, start: 2020-01-01}]", "'end'"),
        ("terms: [{country: ZZZ, office: president, start: 2020-01-01, end: null}]", "'country'"),
        ("terms: [{country: RUS, office: president, start: 2020-13-01, end: null}]", "'start'"),
        ("terms: [{country: RUS, office: president, start: 2020-01-01, end: 2019-01-01}]", "'end'"),
        ("terms: [{country: RUS, office: president, start: 2020-01-01, end: null, heads: yes}]", "heads"),
        ("terms: [{country: RUS, office: President, start: 2020-01-01, end: null}]", "'office'"),
        (f"aliases: [putin], terms: [{GOOD_TERM}]", "'aliases'"),
        (f"aliases: Putin, terms: [{GOOD_TERM}]", "'aliases'"),
        ("terms: []", "'terms'"),
    ],
)
def test_malformed_user_file_names_file_entry_and_field(tmp_path: Path, fields: str, expected: str) -> None:
    extra = tmp_path / "broken.yaml"
    extra.write_text("people:\n- {id: bad-one, name: Bad One, " + fields + "}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Gazetteer.load(extra)
    message = str(caught.value)
    assert "broken.yaml" in message and "people[0]" in message and "bad-one" in message
    assert expected in message


def test_user_file_that_is_not_yaml_or_missing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("people: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.yaml"):
        Gazetteer.load(broken)
    with pytest.raises(ConfigError, match=r"absent\.yaml"):
        Gazetteer.load(tmp_path / "absent.yaml")


# -- the shipped data ------------------------------------------------------------------------------------


def test_loading_is_cached() -> None:
    # Load time (about 0.15 s of CPU) is a figure for bench/detect_bench.py, not a timed assertion.
    Gazetteer(load_data(DATA_DIR / "countries.yaml", [DATA_DIR / "leaders.yaml"]))
    assert Gazetteer.load() is Gazetteer.load()


def test_ids_unique_within_each_list() -> None:
    raw = yaml.load((DATA_DIR / "leaders.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    for section in ("people", "officials"):
        section_ids = [entry["id"] for entry in raw[section]]
        assert len(section_ids) == len(set(section_ids)), section


def test_countries_file() -> None:
    raw = yaml.safe_load((DATA_DIR / "countries.yaml").read_text(encoding="utf-8"))["countries"]
    codes = [entry["code"] for entry in raw]
    assert len(codes) == len(set(codes))
    assert sum(1 for entry in raw if entry.get("un_member", True)) == 193
    assert sum(1 for entry in raw if entry.get("g20")) == 19


def test_terms_are_valid(gaz: Gazetteer) -> None:
    data = load_data(DATA_DIR / "countries.yaml", [DATA_DIR / "leaders.yaml"])
    assert overlapping_terms(data.people.values()) == []
    for person in gaz.people():
        for term in person.terms:
            assert term.country in gaz.countries(), person.id
            assert term.end is None or term.start < term.end, person.id
            assert term.start <= gaz.as_of + timedelta(days=60), person.id


def test_namesakes_are_told_apart(gaz: Gazetteer) -> None:
    assert ids(gaz, "the Heydar Aliyev Center, said Aliyev") == ["aliyev-heydar", "aliyev-ilham"]
    assert ids(gaz, "Pierre Trudeau's son Justin Trudeau") == ["trudeau-pierre", "trudeau-justin"]


def test_every_person_is_found_by_their_own_name(gaz: Gazetteer) -> None:
    for person in gaz.people():
        assert ids(gaz, f"Today {person.name} said") == [person.id], person.id


def test_every_g20_country_has_a_leader_every_day(gaz: Gazetteer) -> None:
    g20 = [code for code, country in gaz.countries().items() if country.g20]
    assert len(g20) == 19
    day = date(2015, 1, 1)
    while day <= gaz.as_of:
        for code in g20:
            assert gaz.leaders_of(code, day), f"{code} has no leader on {day}"
        day += timedelta(days=1)
