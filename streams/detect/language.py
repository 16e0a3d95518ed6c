"""Tag an article's language: a stopword test for plain English, a maintained model (py3langid) for the rest.

Most articles are English in ASCII and the stopword count settles them in microseconds; a text whose
letters leave no doubt about its language is settled by them (``language_letters``, the same answer as
the model wherever they decide);
everything else (other scripts, other Latin-script languages, short or mixed texts) goes to py3langid,
which tells Ukrainian from Russian and Bulgarian, Polish from Portuguese and Persian or Urdu from Arabic
(figures in docs/detection.md, "Language identification", from ``bench/language_id_bench.py``). A
feed-supplied ``Article.language`` always wins.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from itertools import chain
from typing import TYPE_CHECKING, Any

from streams.detect.language_letters import LATIN_RULE_WORDS, latin_language, script_language

if TYPE_CHECKING:
    from streams.detect.language_model import LanguageModel

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("the and of to in is that for on with was said by as at from his has have are it"),
    "fr": _words("le la les et des du un une est dans pour que qui sur avec au aux pas il elle a été"),
    "de": _words("der die das und ist nicht mit den dem von zu sich auf für ein eine auch es im wurde"),
    "es": _words("el la los las y de que en un una por con para se del al es lo como su fue"),
    "it": _words("il lo la gli le e di che un una per con non sono è del della al nel da si"),
    "pt": _words("o a os as e de que em um uma para com não do da no na por se foi ao"),
    "nl": _words("de het een en van in is dat op te zijn met voor niet aan er ook"),
    "tr": _words("ve bir bu da de ile için olarak çok daha gibi ama en olan ise"),
}
_SAMPLE_CHARS = 1500
_MODEL_CHARS = 1000  # the model's time grows with the text; a paragraph settles the language
_LATIN_END = "\u0250"  # letters below this are Latin (ASCII, Latin-1, Latin Extended-A and -B)
_CJK_START = "\u2e80"
_MOSTLY_LATIN = 0.8  # share of a text's letters
# The model's classes that are varieties of a language with an ISO 639-1 code (Wu and Cantonese are
# written as Chinese, Moroccan and Egyptian Arabic as Arabic).
_VARIETY_OF = {"wuu": "zh", "yue": "zh", "ary": "ar", "arz": "ar"}
_MIN_ENGLISH_HITS = 3
_MIN_ENGLISH_SHARE = 0.1  # English stopwords are about a quarter of running English text
# ASCII text as bytes: letters kept, every other byte a space (so ``split`` yields ``_WORD``'s runs).
_LETTERS_ONLY = bytes(c if c < 128 and chr(c).isalpha() else 32 for c in range(256))
_LOWERED_LETTERS_ONLY = _LETTERS_ONLY.lower()  # the same, upper-case letters made lower-case
# The same as tables: each stopword -> the languages (indexes into _CODES) that list it.
_CODES = tuple(_STOPWORDS)
_ENGLISH = _CODES.index("en")
_LANGUAGES_OF: dict[str, tuple[int, ...]] = {
    word: tuple(i for i, code in enumerate(_CODES) if word in _STOPWORDS[code])
    for word in frozenset().union(*_STOPWORDS.values())
}
_LANGUAGES_OF_ASCII = {word.encode(): codes for word, codes in _LANGUAGES_OF.items() if word.isascii()}
# The stopwords and the Latin rule's words, each with its stopword languages (none for the rule's own).
_LANGUAGES_OF_ANY = {
    word: _LANGUAGES_OF.get(word, ()) for word in LATIN_RULE_WORDS | frozenset(_LANGUAGES_OF)
}
_IS_LATIN_WORD_COUNTED = frozenset(_LANGUAGES_OF_ANY).__contains__
_ENGLISH_WORDS = tuple(_STOPWORDS["en"])
_NONE_YET = (0,) * len(_ENGLISH_WORDS)  # each English stopword's count when absent
_IS_ASCII_STOPWORD = frozenset(_LANGUAGES_OF_ASCII).__contains__
_BEYOND_LATIN = re.compile("[^\x00-\u024f]+")
# Characters outside ASCII that are not word characters: punctuation and spaces to ``_WORD`` too.
_NON_WORD_BEYOND_ASCII = re.compile(r"[^\w\x00-\x7f]")
_WORD_BEYOND_ASCII = re.compile(r"[^\W\x00-\x7f]")
# The single-byte code pages (Windows') that write a script's letters with the typography news uses
# (curly quotes, dashes, guillemets, no-break spaces), by the first word of the letters' Unicode names;
# and for each, its bytes with every byte that decodes to a non-letter (for ``_WORD``) made a space.
_CODE_PAGES = {"LATIN": ("cp1252", "cp1254"), "CYRILLIC": ("cp1251",), "ARABIC": ("cp1256",)}
_COMBINING_DOT = "\u0307"
_LATIN_CODE_PAGES = frozenset(_CODE_PAGES["LATIN"])  # every letter they write is below _LATIN_END


def _letters_of(code_page: str) -> bytes:
    decoded = bytes(range(256)).decode(code_page, errors="replace")  # an undefined byte is never encoded
    return bytes(b if _WORD.fullmatch(char) else 32 for b, char in enumerate(decoded))


_CODE_PAGE_LETTERS = {page: _letters_of(page) for pages in _CODE_PAGES.values() for page in pages}


def _lowered_letters_of(code_page: str) -> tuple[bytes, re.Pattern[str] | None]:
    """``_CODE_PAGE_LETTERS[code_page]`` with each letter's byte made its lower case's, for text not yet
    lower-cased; and the characters of the page whose lower case the page writes in no single byte
    (Turkish İ: i and a combining dot), which leave a text to the lower-cased route."""
    letters = _CODE_PAGE_LETTERS[code_page]
    table, unmapped = bytearray(letters), []
    for byte, char in enumerate(bytes(range(256)).decode(code_page, errors="replace")):
        try:
            lowered = char.lower().replace(_COMBINING_DOT, " ").encode(code_page)
        except UnicodeEncodeError:
            lowered = b""
        if len(lowered) == 1:
            table[byte] = letters[lowered[0]]
        elif char != "\ufffd":  # an undefined byte: never in an encoded text
            unmapped.append(char)
    return bytes(table), re.compile(f"[{re.escape(''.join(unmapped))}]") if unmapped else None


_CODE_PAGE_LOWERED_LETTERS = {page: _lowered_letters_of(page) for page in _CODE_PAGE_LETTERS}


def detect_language(text: str, declared: str | None = None) -> str | None:
    """An ISO 639-1 code for ``text`` (``declared`` wins when given); None when there is too little text."""
    if declared:
        return declared.split("-")[0].lower()
    raw = text[:_SAMPLE_CHARS]
    # Curly quotes, dashes, no-break spaces and other non-word characters split words as spaces do, and
    # none is a word character once lower-cased: with only those beyond ASCII, a text takes the fast path
    # below (no word is then outside ASCII, so the stopword counts are the same).
    beyond_ascii = None if raw.isascii() else _WORD_BEYOND_ASCII.search(raw)  # early in most texts with one
    if beyond_ascii is None:
        sample = raw if raw.isascii() else _NON_WORD_BEYOND_ASCII.sub(" ", raw)
        # The common case, byte-wise: the same letter runs as ``_WORD`` finds, several times faster.
        ascii_words = sample.encode("ascii").translate(_LOWERED_LETTERS_ONLY).split()
        if len(ascii_words) < 3:
            return None
        counts = Counter(filter(_IS_ASCII_STOPWORD, ascii_words))
        return _plain_english(counts, _LANGUAGES_OF_ASCII, len(ascii_words)) or _model_language(raw)
    words, code_page, letters = _runs_of_unlowered(raw, beyond_ascii.group())
    if len(words) < 3 and (not words or max(words[0]) < _CJK_START):  # CJK writes no spaces
        return None
    # The letters beyond Latin bound the Latin words' share from above: most texts in other scripts are
    # told apart here without looking at each word.
    beyond = 0 if code_page in _LATIN_CODE_PAGES else sum(map(len, _BEYOND_LATIN.findall(letters)))
    if len(letters) - beyond >= len(letters) * _MOSTLY_LATIN:
        latin = [word for word in words if max(word) < _LATIN_END] if beyond else words
        if not beyond or sum(map(len, latin)) >= len(letters) * _MOSTLY_LATIN:
            # Nearly all Latin script: a menu line or caption in another script does not decide the language.
            latin_counts = Counter(filter(_IS_LATIN_WORD_COUNTED, latin))  # for both tests below
            found = None
            if _may_be_english(latin_counts, len(latin)):
                found = _plain_english(latin_counts, _LANGUAGES_OF_ANY, len(latin))
            if found is None:  # the rule agrees with the model on the Latin words alone, as joined below
                latin_letters = letters if len(latin) == len(words) else "".join(latin)
                found = latin_language(latin, latin_letters, latin_counts)
            return found or _model_language(" ".join(latin) if len(latin) < len(words) else raw)
    return script_language(words, letters) or _model_language(raw)


def letter_runs(lowered: str, letter: str) -> list[str]:
    """``_WORD.findall(lowered)``, several times faster when a single-byte code page of the script of
    ``letter`` (a letter of the text) writes every character of ``lowered``: its bytes, the non-letters
    made spaces, split."""
    return _runs_and_code_page(lowered, letter)[0]


def _runs_of_unlowered(text: str, letter: str) -> tuple[list[str], str | None, str]:
    """``_runs_and_code_page(text.lower(), letter)`` and the runs joined, without lower-casing ``text``
    when the script's first code page writes it: its bytes lower-cased and the non-letters made spaces
    in one ``translate`` (the pages' letters lower-case one by one, Greek's final sigma being none of
    them)."""
    pages = _CODE_PAGES.get(unicodedata.name(letter, "").partition(" ")[0])
    if pages:
        code_page = pages[0]
        table, unmapped = _CODE_PAGE_LOWERED_LETTERS[code_page]
        try:
            data = text.encode(code_page)
        except UnicodeEncodeError:  # a later page, or the regex, on the lower-cased text
            pass
        else:
            if unmapped is None or unmapped.search(text) is None:
                spaced = data.translate(table).decode(code_page)  # letters and spaces only
                return spaced.split(), code_page, spaced.replace(" ", "")
    words, found_by = _runs_and_code_page(text.lower(), letter)
    return words, found_by, "".join(words)


def _runs_and_code_page(lowered: str, letter: str) -> tuple[list[str], str | None]:
    """``letter_runs`` and the code page that found them (None: the regex did)."""
    if _COMBINING_DOT in lowered:  # from a lower-cased İ; not a word character, so a space to ``_WORD``
        lowered = lowered.replace(_COMBINING_DOT, " ")
    for code_page in _CODE_PAGES.get(unicodedata.name(letter, "").partition(" ")[0], ()):
        try:
            data = lowered.encode(code_page)
        except UnicodeEncodeError:
            continue
        return data.translate(_CODE_PAGE_LETTERS[code_page]).decode(code_page).split(), code_page
    return _WORD.findall(lowered), None


def identify_language(text: str) -> str | None:
    """``detect_language`` without a declared language (the name the benchmark reports it under)."""
    return detect_language(text)


def language_and_words(
    text: str, start: int, declared: str | None, vocabulary: frozenset[bytes]
) -> tuple[str | None, frozenset[bytes] | None]:
    """``detect_language(text[start:], declared)`` and the lower-case letter runs of ``text`` that are in
    ``vocabulary``, or None for the runs when ``text`` has a word character beyond ASCII.

    One pass over the text for both in the common case (the engine's article-level prefilters read
    the runs): every character beyond ASCII is then a non-word one, which splits words as a space
    does (never a word character once lower-cased, never an ASCII letter ignoring case).
    """
    if text.isascii():
        plain = text
    elif _WORD_BEYOND_ASCII.search(text) is None:  # found early in most texts that have one
        plain = _NON_WORD_BEYOND_ASCII.sub(" ", text)
    else:
        return detect_language(text[start : start + _SAMPLE_CHARS], declared), None  # all it reads
    letters = plain.encode("ascii").translate(_LOWERED_LETTERS_ONLY)
    if declared:
        return declared.split("-")[0].lower(), vocabulary.intersection(letters.split())
    end = start + _SAMPLE_CHARS
    if len(letters) <= end:  # the sample is the whole body
        sample = letters[start:].split()
        words = vocabulary.intersection(chain(letters[:start].split(), sample) if start else sample)
    else:
        # Split at the last space before the sample's end: the runs before it are whole ones of both the
        # sample and the text; after it, the sample's (one the sample cuts short) and the text's differ.
        cut = letters.rfind(b" ", start, end) + 1 or start
        head = letters[start:cut].split()
        sample = head + letters[cut:end].split()
        words = vocabulary.intersection(chain(letters[:start].split(), head, letters[cut:].split()))
    if len(sample) < 3:
        return None, words
    counts = Counter(filter(_IS_ASCII_STOPWORD, sample))
    found = _plain_english(counts, _LANGUAGES_OF_ASCII, len(sample))
    return found or _model_language(text[start:end]), words


def _plain_english(
    counts: Mapping[Any, int], languages_of: Mapping[Any, tuple[int, ...]], words: int
) -> str | None:
    """ "en" when English stopwords clearly dominate ``words`` letter runs, else None (ask the model).

    ``counts``: how often each stopword occurs; ``languages_of``: each stopword's languages (``_CODES``).
    """
    scores = [0] * len(_CODES)
    for word, count in counts.items():
        for index in languages_of[word]:
            scores[index] += count
    english = scores[_ENGLISH]
    others = max(score for index, score in enumerate(scores) if index != _ENGLISH)
    if _enough_english(english, words) and english > 2 * others:
        return "en"
    return None


def _may_be_english(counts: Mapping[str, int], words: int) -> bool:
    """``_plain_english``'s English count alone passes (str stopwords): most texts in other languages
    fail it, without the other languages' counts."""
    return _enough_english(sum(map(counts.get, _ENGLISH_WORDS, _NONE_YET)), words)


def _enough_english(english: int, words: int) -> bool:
    return english >= _MIN_ENGLISH_HITS and english >= words * _MIN_ENGLISH_SHARE


@functools.cache
def _model() -> LanguageModel:
    """py3langid's shipped model (about 2 s to load), once per process and only when first needed."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from streams.detect.language_model import LanguageModel

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    # Its ISO 639-1 languages and the varieties below; the other three-letter classes (Southern Uzbek,
    # Southern Kurdish, Acehnese, ...) are rare in news and take Persian and Arabic text for their own.
    identifier.set_languages([c for c in identifier.nb_classes if len(c) == 2 or c in _VARIETY_OF])
    return LanguageModel(identifier)  # the same answers as ``identifier.classify``, faster


def load_model() -> None:
    """Load the language model now, not at the first article that needs it (a worker does it at boot)."""
    _model()


def _model_language(text: str) -> str | None:
    """py3langid's best guess for ``text`` as an ISO 639-1 code; None for text with no language in it."""
    code = _model().classify(text[:_MODEL_CHARS])
    return _VARIETY_OF.get(code, code) if code != "zxx" else None
