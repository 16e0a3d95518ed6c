"""CountryWords' one-scan search finds exactly what scanning each country pattern on its own finds, in
every language the conflict detectors read, overlapping words ("South Korea" / "Korea") included."""

from __future__ import annotations

import re

import pytest

from streams.detect.conflict_cues import CountryWords, scan_patterns
from streams.detect.engine import DetectionEngine

SENTENCES = {
    "en": [
        "Russian missiles hit Kyiv on Monday, killing at least 5 people, Ukraine's interior ministry said.",
        "North Korea fired a missile into the sea between the Korean Peninsula and Japan, Seoul said.",
        "The Kremlin said Moscow would respond after Ukrainian drones struck Belgorod overnight.",
        "An Israeli air strike on Rafah killed 12 people; Hamas said Gaza's hospitals were full.",
    ],
    "uk": [
        "Росія вночі атакувала Україну ударними дронами, повідомили Повітряні сили ЗСУ.",
        "Російські війська обстріляли Херсон, загинули двоє людей, повідомила військова адміністрація.",
        "Кремль заявив, що Москва відповість на удари по Бєлгороду.",
    ],
    "ru": [
        "Россия нанесла удар по военным объектам на Украине, сообщило Минобороны РФ.",
        "Украинские беспилотники атаковали Белгородскую область, заявил губернатор.",
        "Израиль нанес авиаудар по сектору Газа, сообщили палестинские источники.",
    ],
    "fr": [
        "Un missile russe a frappé Kiev lundi, tuant cinq personnes, selon les autorités ukrainiennes.",
        "Moscou a bombardé plusieurs villes d'Ukraine, a déclaré le président Zelensky.",
        "L'armée israélienne a mené des frappes au Liban et en Syrie, selon l'agence officielle.",
    ],
    "de": [
        "Russland hat die Ukraine nachts mit Drohnen angegriffen, teilte die ukrainische Luftwaffe mit.",
        "Die israelische Armee griff Ziele im Gazastreifen und im Libanon an.",
    ],
    "es": [
        "Rusia atacó Ucrania con misiles y drones, según las autoridades ucranianas.",
        "El ejército israelí bombardeó el sur del Líbano, informó la agencia estatal.",
    ],
    "ar": [
        "قصفت الطائرات الإسرائيلية مواقع في سوريا ولبنان، بحسب وكالة الأنباء الرسمية.",
        "أعلنت روسيا أن قواتها هاجمت مواقع في أوكرانيا.",
    ],
    "zh": [
        "俄罗斯对乌克兰发动导弹袭击，乌克兰空军表示击落多枚导弹。",
        "以色列空袭加沙地带南部，巴勒斯坦卫生部门说有人死亡。",
    ],
    "tr": [
        "Rusya, Ukrayna'nın başkenti Kiev'e füze saldırısı düzenledi.",
        "İsrail ordusu Lübnan'ın güneyine hava saldırısı düzenledi.",
    ],
}


def _each_alone(words: CountryWords, text: str, language: str) -> list[tuple[int, int, str]]:
    """The slow reference: every pattern's own ``finditer``, as CountryWords found them before."""
    entries = words._english_extra if language == "en" else words._native.get(language, ())
    found = [(m.start(), m.end(), iso) for pattern, iso in entries for m in pattern.finditer(text)]
    if language == "en":
        codes = words._english_codes
        found += [(m.start(), m.end(), codes[m.group(0)]) for m in words._english.finditer(text)]
    return sorted(found)


def _country_words(engine: DetectionEngine) -> list[CountryWords]:
    every = (getattr(detector, "countries", None) for detector in engine.detectors)
    found = [words for words in every if isinstance(words, CountryWords)]
    assert found, "no detector uses CountryWords"
    return found


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_one_scan_finds_what_each_pattern_finds(engine: DetectionEngine, language: str) -> None:
    for words in _country_words(engine):
        for sentence in SENTENCES[language]:
            for text in (sentence, sentence.upper(), f"{sentence} {sentence}"):
                assert words.find(text, language) == _each_alone(words, text, language)
                assert words.find(text, language) == _each_alone(words, text, language)  # cached


def test_every_language_has_a_country_word_found(engine: DetectionEngine) -> None:
    (words, *_) = _country_words(engine)
    for language, sentences in SENTENCES.items():
        if language == "en" or words._native.get(language):
            assert any(words.find(s, language) for s in sentences), language


def test_overlapping_patterns_each_keep_their_matches() -> None:
    entries = (
        (re.compile(r"(?<!\w)(?:south korea)(?!\w)", re.IGNORECASE), "KOR"),
        (re.compile(r"(?<!\w)(?:korea|korean)(?!\w)", re.IGNORECASE), "PRK"),
        (re.compile(r"(?<!\w)(?:korea)", re.IGNORECASE), "X"),
    )
    anywhere = re.compile(r"(?=" + "|".join(f"(?:{p.pattern})" for p, _ in entries) + ")", re.IGNORECASE)
    text = "South Korea and North Korea; the Korean peninsula, koreas"
    expected = [(m.start(), m.end(), iso) for p, iso in entries for m in p.finditer(text)]
    assert scan_patterns(entries, anywhere, text) == expected
    assert scan_patterns(entries, None, text) == expected
