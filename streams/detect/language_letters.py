"""Languages a text's letters settle without the language model: the cheap decision the tagger tries first.

Only where the letters leave no doubt, and mostly for the languages a detector reads: Russian (ы э ё, no
letter of another Cyrillic language, Russian function words), Ukrainian (і ї є ґ, none of ы э ё ъ),
Arabic (ة or ى, no Persian or Urdu letter, the article ال), Chinese (Han characters, no kana or hangul),
and Armenian, Georgian and Greek (the only languages of the model that write their scripts);
Spanish, French, German and Turkish when the text is written in that language's alphabet alone and its
function words outnumber, word for word, those of every look-alike (Catalan, Galician, Portuguese,
Occitan, Italian, Romanian, Esperanto, Latin, Dutch, Afrikaans, Luxembourgish, Azerbaijani, Sesotho),
or, for Turkish, its dotless ı with ğ or ş. Anything else goes to py3langid. Measured against py3langid on
119,194 texts in 75 languages (bench/RESULTS.md, "Detection speed"): the same answer wherever a rule
decides.
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
# Scripts one language (of the model's) writes alone: Armenian, Georgian, Greek.
_OWN_SCRIPT = (
    (re.compile("[\u0531-\u0587]+"), "hy"),
    (re.compile("[\u10d0-\u10fa]+"), "ka"),
    (re.compile("[\u0386-\u03ce]+"), "el"),
)
_KANA_HANGUL = re.compile("[\u3040-\u30ff\u1100-\u11ff\uac00-\ud7af]")
# Letter tests as searches: iterating a text in another script makes a new string per character.
_RUSSIAN_ONLY = re.compile("[ыэё]")
_UKRAINIAN_ONLY = re.compile("[іїєґ]")
_RUSSIAN_OR_HARD_SIGN = re.compile("[ыэёъ]")
# Letters of the other Cyrillic languages (Belarusian, Serbian, Macedonian, Kazakh, Mongolian, Tajik, ...).
_OTHER_CYRILLIC = re.compile("[ўђјљњћџѓќѕәғқңөұүһӣӯҳҷҗҫӑӗӳ]")
_NOT_RUSSIAN = re.compile("[іїєґўђјљњћџѓќѕәғқңөұүһӣӯҳҷҗҫӑӗӳ]")  # Ukrainian's and the other languages'
_PERSIAN_URDU = re.compile("[پچژگکیٹڈڑںےۀۓھۃ]")
_ARABIC_ONLY = re.compile("[ةى]")
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

# The Latin-script rule: function words of the languages it may name (first) and of their look-alikes.
_LATIN_FUNCTION_WORDS: Mapping[str, str] = {
    "es": "el la los las y de que en un una por con para se del al es lo como su sus fue no más pero este "
    "esta ha han sobre entre sin también muy ya o le",
    "fr": "le la les et de des du un une est dans pour que qui sur avec au aux pas il elle a été en ne se ce "
    "cette son sa ses plus par ont sont mais ou nous vous leur",
    "de": "der die das und ist nicht mit den dem von zu sich auf für ein eine auch es im wurde des bei nach "
    "wie aus hat sind werden einen einem oder noch zum zur über",
    "tr": "ve bir bu da de ile için olarak çok daha gibi ama en olan ise ne o kadar sonra her göre değil var "
    "önce ancak ayrıca arasında olduğu tarafından ki mi bile hem veya ya üzere karşı son ilk iki yeni "
    "büyük şu olduğunu",
    "ca": "el la els les i de que en un una per amb és però va del dels als seu seva aquest aquesta més com "
    "han no es ha hi ho també són",
    "gl": "o os a as e de do da dos das non unha un que en por como para coa co no na ao é",
    "pt": "o a os as e de que em um uma para com não do da no na por se foi ao dos das mais como é",
    "it": "il lo la gli le e di che un una per con non sono è del della al nel da si i in dei delle anche ha",
    "oc": "lo los la las e de que en un una per amb es del dels als son sa",
    "ro": "și în de la cu nu pe un o care să din este pentru fost",
    "ro-ascii": "si in ca sa au ce la de cu nu pe mai din care fost pentru",
    "en": "the and of to in is that for on with was said by as at from his has have are it",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er ook",
    "af": "die van en is het nie op te dat vir met wat sy word",
    "lb": "an den der a vun ass mat fir et op déi",
    "az": "və bu bir ilə üçün da də olan onun çox ki isə kimi edir",
    "st": "le ya ho ka a o e ba sa tsa la se ke wa ha tse na",
    "la": "et in est non ad cum quod qui quae sed ut ex a de vel post",
    "eo": "la de kaj en estas al por kun ne el ke li ĝi pri sed da tiu unu ili oni",
}
_LATIN_NAMED = ("es", "fr", "de", "tr")
# A letter outside the named language's alphabet (a name, a quotation) leaves the text to the model.
_OUTSIDE_ALPHABET = {
    "es": re.compile("[^a-záéíóúüñ]"),
    "fr": re.compile("[^a-zàâæçéèêëîïôœùûüÿ]"),
    "de": re.compile("[^a-zäöüß]"),
    "tr": re.compile("[^a-zçğıöşüâîû]"),
}
_MIN_LATIN_WORDS = 10
_MIN_LATIN_SHARE = 0.12  # the named language's function words among all words (Turkish: below)
_MIN_TURKISH_SHARE = 0.05  # Turkish says with suffixes what the others say with function words
_MIN_DISTINCT = 5  # different function words of the named language
_MIN_OWN_HITS = 4  # its function words that the look-alike does not list
_LATIN_LEAD = 3  # ... over the look-alike's that it does not list
_MIN_DOTLESS_I_SHARE = 0.02  # Turkish ı among the letters
_MIN_TURKISH_LETTERS = 100
_MIN_TURKISH_HITS = 3


class _LatinWords:
    """Each function word's languages (indexes into ``codes``), for ``latin_language``."""

    def __init__(self, lists: Mapping[str, str]) -> None:
        words = {code: frozenset(line.split()) for code, line in lists.items()}
        self.codes = tuple(words)
        self.named = tuple(self.codes.index(code) for code in _LATIN_NAMED)
        self.languages_of = {
            word: tuple(i for i, code in enumerate(self.codes) if word in words[code])
            for word in frozenset().union(*words.values())
        }
        self.turkish = words["tr"]


_LATIN = _LatinWords(_LATIN_FUNCTION_WORDS)
LATIN_RULE_WORDS = frozenset(_LATIN.languages_of)  # the words ``latin_language`` counts


def latin_language(words: Sequence[str], letters: str, counts: Mapping[str, int] | None = None) -> str | None:
    """es, fr, de or tr when ``words`` (lower-case letter runs, all Latin script; ``letters``: them
    joined) can be nothing else, else None. ``counts``: how often each word of ``words`` occurs, for at
    least the ``LATIN_RULE_WORDS`` among them (counted here when not given)."""
    if len(words) < _MIN_LATIN_WORDS:
        return None
    if _OUTSIDE_ALPHABET["tr"].search(letters) is None and _turkish_letters(words, letters):
        return "tr"
    languages_of = _LATIN.languages_of
    if counts is None:
        counts = Counter(filter(languages_of.__contains__, words))
    scores = [0] * len(_LATIN.codes)
    for word, count in counts.items():
        for index in languages_of.get(word, ()):  # none for a word the rule does not list
            scores[index] += count
    best = max(_LATIN.named, key=scores.__getitem__)
    code = _LATIN.codes[best]
    share = _MIN_TURKISH_SHARE if code == "tr" else _MIN_LATIN_SHARE
    if scores[best] < share * len(words):
        return None
    own = [word for word in counts if best in languages_of.get(word, ())]
    if len(own) < _MIN_DISTINCT:
        return None
    shared = [0] * len(_LATIN.codes)  # the named language's hits that each other language also lists
    for word in own:
        for index in languages_of[word]:
            shared[index] += counts[word]
    for index, score in enumerate(scores):
        if index == best:
            continue
        mine = scores[best] - shared[index]
        if mine < _MIN_OWN_HITS or mine < _LATIN_LEAD * (score - shared[index]):
            return None
    return code if _OUTSIDE_ALPHABET[code].search(letters) is None else None


def _turkish_letters(words: Sequence[str], letters: str) -> bool:
    """Turkish's dotless ı with ğ or ş, and some Turkish function words (``letters`` in its alphabet)."""
    if len(letters) < _MIN_TURKISH_LETTERS or letters.count("ı") < _MIN_DOTLESS_I_SHARE * len(letters):
        return False
    if "ğ" not in letters and "ş" not in letters:
        return False
    return sum(map(_LATIN.turkish.__contains__, words)) >= _MIN_TURKISH_HITS


def script_language(words: Sequence[str], letters: str) -> str | None:
    """ru, uk, ar or zh when ``words`` (lower-case letter runs; ``letters``: them joined) can be nothing
    else, else None."""
    size = len(letters)
    # At most one script covers 90% of the letters: the first letter's script is counted first (and a
    # text it covers needs no other count), the others in order only when it does not.
    first = letters[:1]
    if size >= _MIN_LETTERS and _CYRILLIC.match(first) and _count(_CYRILLIC, letters) >= _SCRIPT_SHARE * size:
        return _cyrillic_language(words, letters)
    if size >= _MIN_LETTERS and _ARABIC.match(first) and _count(_ARABIC, letters) >= _SCRIPT_SHARE * size:
        return _arabic_language(words, letters)
    han = _count(_HAN, letters)
    if han >= _MIN_HAN and han >= _SCRIPT_SHARE * size:
        return None if _KANA_HANGUL.search(letters) else "zh"
    if size < _MIN_LETTERS:
        return None
    if _count(_CYRILLIC, letters) >= _SCRIPT_SHARE * size:
        return _cyrillic_language(words, letters)
    if _count(_ARABIC, letters) >= _SCRIPT_SHARE * size:
        return _arabic_language(words, letters)
    for script, code in _OWN_SCRIPT:
        if _count(script, letters) >= _SCRIPT_SHARE * size:
            return code
    return None


def _cyrillic_language(words: Sequence[str], letters: str) -> str | None:
    """ru or uk for a text in Cyrillic letters, else None."""
    if _NOT_RUSSIAN.search(letters) is None:  # one scan for the commonest case: no letter but Russian's
        return _russian(words, letters) if _RUSSIAN_ONLY.search(letters) else None
    if _OTHER_CYRILLIC.search(letters):
        return None
    if not _UKRAINIAN_ONLY.search(letters):
        return None
    if _RUSSIAN_OR_HARD_SIGN.search(letters):
        return None
    return "uk" if _speaks("uk", words) else None


def _russian(words: Sequence[str], letters: str) -> str | None:
    hard_signs = letters.count("ъ")
    return "ru" if hard_signs <= _MAX_HARD_SIGN_SHARE * len(letters) and _speaks("ru", words) else None


def _arabic_language(words: Sequence[str], letters: str) -> str | None:
    """ar for a text in Arabic letters, else None."""
    if _PERSIAN_URDU.search(letters) or not _ARABIC_ONLY.search(letters):
        return None
    articles = f" {' '.join(words)}".count(" ال")
    return "ar" if articles >= _MIN_ARTICLE_SHARE * len(words) else None


def _count(script: re.Pattern[str], letters: str) -> int:
    """How many of ``letters`` the script's pattern (runs of its characters) covers."""
    return sum(map(len, script.findall(letters)))


def _speaks(code: str, words: Sequence[str]) -> bool:
    """Enough of the language's function words among ``words``."""
    hits = sum(map(_FUNCTION_WORDS[code].__contains__, words))
    return hits >= _MIN_FUNCTION_WORDS and hits >= _MIN_FUNCTION_SHARE * len(words)
