"""Languages a text's letters settle without the language model: the cheap decision the tagger tries first.

Only for the languages a detector reads, and only where the letters leave no doubt: Russian (ы э ё, no
letter of another Cyrillic language, Russian function words), Ukrainian (і ї є ґ, none of ы э ё ъ),
Arabic (ة or ى, no Persian or Urdu letter, the article ال), Chinese (Han characters, no kana or hangul),
and Spanish, French, German and Turkish when their stopwords lead every other language's, look-alikes
(Catalan, Galician, Occitan, Romanian, Azerbaijani, Afrikaans, Luxembourgish) included. Anything else
goes to py3langid. Measured against py3langid on 26,414 texts in 75 languages (bench/RESULTS.md,
"Detection speed"): the same answer wherever a rule decides.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

_MIN_LETTERS = 40  # fewer (a headline) and the model decides
_MIN_HAN = 10
_SCRIPT_SHARE = 0.9
_CYRILLIC = re.compile("[\u0400-\u04ff]+")
_ARABIC = re.compile("[\u0600-\u06ff]+")
_HAN = re.compile("[\u4e00-\u9fff]+")
_KANA_HANGUL = re.compile("[\u3040-\u30ff\u1100-\u11ff\uac00-\ud7af]")
_RUSSIAN_ONLY = frozenset("ыэё")
_UKRAINIAN_ONLY = frozenset("іїєґ")
# Letters of the other Cyrillic languages (Belarusian, Serbian, Macedonian, Kazakh, Mongolian, Tajik, ...).
_OTHER_CYRILLIC = frozenset("ўђјљњћџѓќѕәғқңөұүһӣӯҳҷҗҫӑӗӳ")
_PERSIAN_URDU = frozenset("پچژگکیٹڈڑںےۀۓھۃ")
_ARABIC_ONLY = frozenset("ةى")
_FUNCTION_WORDS = {
    code: frozenset(words.split())
    for code, words in (
        ("ru", "и в не на что с по как это он она они к из за от до же но а так его их мы вы был была"),
        ("uk", "і в у на не що з до та як це за від по але й його їх ми ви був була"),
    )
}
_MIN_FUNCTION_WORDS = 3
_MIN_FUNCTION_SHARE = 0.05
_MAX_HARD_SIGN_SHARE = 0.005  # Bulgarian writes ъ about every 60th letter, Russian almost never
_MIN_ARTICLE_SHARE = 0.1  # words starting with ال
# The Latin-script rule: stopwords of the languages it may name and of their look-alikes.
_LATIN_NAMED = ("es", "fr", "de", "tr")
_LATIN_LOOKALIKES: Mapping[str, str] = {
    "ca": "els les amb per és però va del dels una als seu seva aquest aquesta més com que han",
    "gl": "o os as e do da dos das non unha coa para que en un por como",
    "ro": "și în de la cu nu pe un o care să din este pentru fost",
    "az": "və bu bir ilə üçün da də olan onun çox ki isə",
    "af": "die van en is het nie op te dat vir met wat sy word",
    "oc": "los las e de que en un una per amb es lo del",
    "lb": "an den der a vun ass mat fir et op déi",
}
_MIN_LATIN_HITS = 5
_MIN_LATIN_SHARE = 0.15
_LATIN_LEAD = 2.5  # the named language's hits over the next language's


class LatinStopwords:
    """Each stopword's languages, for the Latin rule (the tagger's lists plus the look-alikes')."""

    def __init__(self, stopwords: Mapping[str, frozenset[str]]) -> None:
        lists = {**stopwords, **{code: frozenset(words.split()) for code, words in _LATIN_LOOKALIKES.items()}}
        self._codes = tuple(lists)
        self._named = frozenset(self._codes.index(code) for code in _LATIN_NAMED)
        self._languages_of = {
            word: tuple(i for i, code in enumerate(self._codes) if word in lists[code])
            for word in frozenset().union(*lists.values())
        }

    def language(self, words: Sequence[str]) -> str | None:
        """es, fr, de or tr when that language's stopwords clearly lead in ``words`` (all Latin script)."""
        scores = [0] * len(self._codes)
        languages_of = self._languages_of
        for word, count in Counter(filter(languages_of.__contains__, words)).items():
            for index in languages_of[word]:
                scores[index] += count
        best = max(range(len(scores)), key=scores.__getitem__)
        lead = scores[best]
        runner_up = max(score for index, score in enumerate(scores) if index != best)
        if (
            best in self._named
            and lead >= _MIN_LATIN_HITS
            and lead >= _MIN_LATIN_SHARE * len(words)
            and lead > _LATIN_LEAD * runner_up
        ):
            return self._codes[best]
        return None


def script_language(words: Sequence[str], letters: str) -> str | None:
    """ru, uk, ar or zh when ``words`` (lower-case letter runs; ``letters``: them joined) can be nothing
    else, else None."""
    size = len(letters)
    han = _count(_HAN, letters)
    if han >= _MIN_HAN and han >= _SCRIPT_SHARE * size:
        return None if _KANA_HANGUL.search(letters) else "zh"
    if size < _MIN_LETTERS:
        return None
    present = frozenset(letters)
    if _count(_CYRILLIC, letters) >= _SCRIPT_SHARE * size:
        if present & _OTHER_CYRILLIC:
            return None
        if present & _RUSSIAN_ONLY and not present & _UKRAINIAN_ONLY:
            hard_signs = letters.count("ъ")
            return "ru" if hard_signs <= _MAX_HARD_SIGN_SHARE * size and _speaks("ru", words) else None
        if present & _UKRAINIAN_ONLY and not present & (_RUSSIAN_ONLY | {"ъ"}):
            return "uk" if _speaks("uk", words) else None
        return None
    if _count(_ARABIC, letters) >= _SCRIPT_SHARE * size:
        if present & _PERSIAN_URDU or not present & _ARABIC_ONLY:
            return None
        articles = sum(1 for word in words if word.startswith("ال"))
        return "ar" if articles >= _MIN_ARTICLE_SHARE * len(words) else None
    return None


def _count(script: re.Pattern[str], letters: str) -> int:
    """How many of ``letters`` the script's pattern (runs of its characters) covers."""
    return sum(map(len, script.findall(letters)))


def _speaks(code: str, words: Sequence[str]) -> bool:
    """Enough of the language's function words among ``words``."""
    function_words = _FUNCTION_WORDS[code]
    hits = sum(1 for word in words if word in function_words)
    return hits >= _MIN_FUNCTION_WORDS and hits >= _MIN_FUNCTION_SHARE * len(words)
