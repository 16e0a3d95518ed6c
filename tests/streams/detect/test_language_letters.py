"""The letters-only language decisions: they decide the clear cases and agree with the model where they do.

Sample lines written for these tests in the style of wire reports; the agreement measured on published
text (119,194 texts in 75 languages) is in bench/RESULTS.md.
"""

from __future__ import annotations

import re

import pytest

from streams.detect.language import _model_language, detect_language
from streams.detect.language_letters import latin_language, script_language

_WORD = re.compile(r"[^\W\d_]+")

DECIDED = [
    (
        "Президент России Владимир Путин провёл телефонный разговор с президентом Франции. Стороны "
        "обсудили ситуацию на Украине и в Закавказье, а также вопросы, которые касаются энергетики.",
        "ru",
    ),
    (
        "Հայաստանի վարչապետը հեռախոսազրույց է ունեցել Ռուսաստանի նախագահի հետ, քննարկվել են "
        "տարածաշրջանային անվտանգության հարցերը:",
        "hy",
    ),
    (
        "Ο πρωθυπουργός είχε τηλεφωνική επικοινωνία με τον πρόεδρο της Γαλλίας για την κατάσταση στην "
        "περιοχή και τις διμερείς σχέσεις των δύο χωρών.",
        "el",
    ),
    (  # a first word in Latin letters: the script counts in their usual order
        "NATO и Россия: президент Владимир Путин провёл телефонный разговор с генсеком альянса. Стороны "
        "обсудили ситуацию в Европе, а также вопросы, которые касаются безопасности.",
        "ru",
    ),
    (
        "Президент України Володимир Зеленський провів телефонну розмову з канцлером Німеччини. Сторони "
        "обговорили ситуацію на фронті та підтримку, яку отримує Україна від партнерів.",
        "uk",
    ),
    (
        "أجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع الرئيس الفرنسي إيمانويل ماكرون، وبحث الجانبان "
        "الوضع في المنطقة والعلاقات الثنائية بين البلدين.",
        "ar",
    ),
    ("国家主席习近平同俄罗斯总统普京通电话。两国元首就双边关系和共同关心的国际问题交换了意见。", "zh"),
    (
        "Cumhurbaşkanı Erdoğan, Rusya Devlet Başkanı Putin ile telefonda görüştü. Görüşmede iki ülke "
        "arasındaki ilişkiler ve bölgedeki son gelişmeler ele alındı.",
        "tr",
    ),
    (
        "El presidente del Gobierno habló por teléfono con el canciller alemán sobre la situación en la "
        "frontera y los acuerdos que ambos países firmaron el año pasado para la cooperación.",
        "es",
    ),
    (
        "Le président a été reçu dans la capitale pour une réunion qui doit durer deux jours. Il est arrivé "
        "avec des ministres et il a parlé du dossier sur la sécurité avec une délégation.",
        "fr",
    ),
    (
        "Der Bundeskanzler hat am Dienstag mit dem französischen Präsidenten telefoniert. Die beiden haben "
        "über die Lage in der Ukraine und die Zusammenarbeit in der Europäischen Union gesprochen.",
        "de",
    ),
]

# Languages that share a script or stopwords with one the rules name: the rules must leave them alone.
LOOKALIKES = [
    "Президентът на Русия Владимир Путин и френският президент разговаряха по телефона във вторник и "
    "обсъдиха положението в региона, както и сътрудничеството между двете държави.",  # Bulgarian
    "Прэзідэнт Беларусі правёў тэлефонную размову з прэзідэнтам Расіі і абмеркаваў пытанні "
    "супрацоўніцтва паміж дзвюма краінамі ў гэтым годзе.",  # Belarusian
    "Монгол Улсын Ерөнхийлөгч Оросын Холбооны Улсын Ерөнхийлөгчтэй утсаар ярилцаж, хоёр орны хамтын "
    "ажиллагааны асуудлаар санал солилцлоо.",  # Mongolian
    "ولادیمیر پوتین، رئیس جمهور روسیه، با امانوئل مکرون، رئیس جمهور فرانسه، تلفنی گفتگو کرد و دو طرف "
    "درباره وضعیت منطقه صحبت کردند.",  # Persian
    "日本の首相はロシアの大統領と電話で会談し、両国の関係について意見を交換した。",  # Japanese
    "Inter la 40 gastoj estis 20 el la Kataluna regiono, 12 el Okcitanio, po 2 el Italio kaj Germanio, "
    "po 1 el Aŭstrio, Belgio kaj Pollando.",  # Esperanto: Spanish "la" and "el", none of its own words
    "Azərbaycan Prezidenti İlham Əliyev Türkiyə Prezidenti ilə telefonla danışıb və iki ölkə arasında "
    "əməkdaşlıq məsələlərini müzakirə edib.",  # Azerbaijani
    "El president de la Generalitat ha parlat per telèfon amb el president del govern espanyol i han "
    "acordat una reunió per a la setmana vinent amb els representants dels dos governs.",  # Catalan
]


def _decide(text: str) -> str | None:
    words = _WORD.findall(text.lower())
    if all(max(word) < "\u0250" for word in words):
        return latin_language(words, "".join(words))
    return script_language(words, "".join(words))


@pytest.mark.parametrize(("text", "code"), DECIDED)
def test_clear_cases_are_decided_by_their_letters_as_the_model_decides_them(text: str, code: str) -> None:
    assert _decide(text) == code
    assert _model_language(text) == code
    assert detect_language(text) == code


@pytest.mark.parametrize("text", LOOKALIKES)
def test_look_alike_languages_are_left_to_the_model(text: str) -> None:
    assert _decide(text) is None
    assert detect_language(text) == _model_language(text)


def test_short_texts_are_left_to_the_model() -> None:
    words = _WORD.findall("путин и макрон обсудили это")
    assert script_language(words, "".join(words)) is None


def test_a_french_text_full_of_de_and_en_is_french() -> None:
    """French's commonest words "de" and "en" are Spanish ones too; word for word, French still leads."""
    text = (
        "Le président de la République s'est entretenu en fin de journée avec le chancelier allemand. "
        "Les deux dirigeants ont évoqué la situation en Ukraine et la préparation du prochain sommet."
    )
    assert _decide(text) == "fr" == _model_language(text) == detect_language(text)
