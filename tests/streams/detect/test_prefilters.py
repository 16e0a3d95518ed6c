"""The fast paths of detection decide exactly what the plain definitions decide.

Article-level prefilters may only skip an article the full detectors would find nothing in, and the
string-method versions of sentence and language checks must agree with the regexes they replace; each is
checked against its definition on the labelled passages, the seeds and generated text.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.detect import language, sentences
from streams.detect.call_patterns import may_hold_call
from streams.detect.engine import DetectionEngine
from streams.detect.language import detect_language, language_and_words
from streams.detect.language_letters import latin_language, script_language
from streams.detect.mentions import MentionFinder
from streams.records import Article
from tests.eval.score_detection import HERE, _article, load_passages
from tests.fuzz.strategies import VOCABULARY

_ALL_CHARACTERS = "".join(map(chr, range(sys.maxunicode + 1)))
_PIECES = [
    *VOCABULARY,
    *"()-'’‘“”—–…«»\u00a0\u2009\u202f\u3000\u200b\u2028\u00ad•→°",
    *["İ", "ſ", "\u212a", "ı", "é", "ğ", "ß", "²", "Ⅰ", "ʼ", "_", "7", "\u0307", "K"],
    "the Russian president",
    "his French counterpart",
    "heads of state",
    "Secretary of State",
    "state counsellor",
    "top diplomat",
    "To Lam",
    "U Win Myint",
    "Store",
    "Mark Rutte",
    "FRİDAY",
    "(R)",
    "Getty Images",
    "REUTERſ/",
    "file photo",
    ", 2019.",
    "Mr.",
    "U.S.",
    "F.",
    "etc.",
]
_soup = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12)), max_size=60).map(" ".join)


def _passages() -> list[Article]:
    return [
        _article(item)
        for folder in (HERE, HERE / "heldout", HERE / "heldout2")
        for item in load_passages(folder)
    ]


@pytest.fixture(scope="module")
def texts(seed_articles: dict[str, Article]) -> list[str]:
    articles = [*_passages(), *seed_articles.values()]
    return [a.text for a in articles] + [f"{a.title}\n\n{a.text}" for a in articles if a.title]


# ---------------------------------------------------------------- what the shortcuts rely on


def test_characters_beyond_ascii_that_are_not_word_characters_act_as_spaces() -> None:
    """Each lower-cases to one character that is still not a word character, and none matches an ASCII
    letter ignoring case: so they split words as a space does for every pattern of the detectors."""
    others = "".join(re.findall(r"[^\w\x00-\x7f]", _ALL_CHARACTERS))
    lowered = others.lower()
    assert len(lowered) == len(others)
    assert re.search(r"\w", lowered) is None
    assert re.search(r"[a-z]", others, re.IGNORECASE) is None


def test_other_spaces_are_every_white_space_but_space_and_line_break() -> None:
    spaces = {c for c in _ALL_CHARACTERS if c.isspace()}
    assert spaces == {c for c in _ALL_CHARACTERS if re.match(r"\s", c)}
    assert set(sentences._OTHER_SPACES) == spaces - {" ", "\n"}
    ascii_ones = "".join(c for c in sentences._OTHER_SPACES if c.isascii())
    assert ascii_ones == sentences._OTHER_ASCII_SPACES


def test_caption_credit_letters_match_only_themselves_ignoring_case() -> None:
    """A credit line ("getty images", "reuters/", "... photo") holds "photo", "getty" or "reuter" once
    lower-cased, whatever look-alike letters it is written with."""
    for letter in set("photogettyreuter"):
        lookalikes = re.findall(letter, _ALL_CHARACTERS, re.IGNORECASE)
        assert {c.lower() for c in lookalikes} == {letter}


# ---------------------------------------------------------------- sentence splitting


@given(st.text(alphabet=" \n\t\r\xa0\u2003\u3000\x85\u2028ab", max_size=12))
def test_odd_inline_space_matches_its_regex(text: str) -> None:
    assert sentences.has_odd_inline_space(text) == (sentences._ODD_INLINE_SPACE.search(text) is not None)


def _reference_ends_with_abbreviation(chunk: str) -> bool:
    match = sentences._LAST_WORD.search(chunk[-16:])
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    # With no text following, a phrase end ("Jr.", "U.S.") is taken as no sentence end either.
    return (
        word in sentences._ABBREVIATIONS
        or (len(word) == 1 and word.isalpha())
        or word in sentences._PHRASE_ENDS
    )


@given(st.text(alphabet="aZ.Mrs US etc!?\"')é ", max_size=24))
def test_abbreviation_check_matches_its_regex(chunk: str) -> None:
    assert sentences._ends_with_abbreviation(chunk) == _reference_ends_with_abbreviation(chunk)


def _reference_looks_like_caption(text: str, repeated: bool, may_hold_stem: bool) -> bool:
    if repeated:
        return True
    if (
        "(" not in text
        and not text[-2:-1].isdigit()
        and not text[-1:].isdigit()
        and not (may_hold_stem and any(stem in text.lower() for stem in sentences._CAPTION_STEMS))
    ):
        return False
    return bool(sentences._CAPTION.search(text))


@given(_soup, st.booleans(), st.booleans())
def test_caption_check_matches_its_definition(text: str, repeated: bool, may_hold_stem: bool) -> None:
    for candidate in (text, text.upper()):
        expected = _reference_looks_like_caption(candidate, repeated, may_hold_stem)
        assert sentences._looks_like_caption(candidate, repeated, may_hold_stem) == expected


def test_captions_of_the_passages_match_their_definition(texts: list[str]) -> None:
    for text in texts:
        for sentence in sentences.split_sentences(text):
            for stem in (True, False):
                expected = _reference_looks_like_caption(sentence.text, False, stem)
                assert sentences._looks_like_caption(sentence.text, False, stem) == expected


# ---------------------------------------------------------------- language and letter runs


@pytest.fixture(autouse=True, scope="module")
def _language_model_loaded() -> None:
    language._model()  # loaded before the examples that hypothesis times (about a second on first use)


def _reference_detect_language(text: str, declared: str | None = None) -> str | None:
    """The tagger by its definition: Unicode word runs, English by stopwords when plain, else the letters'
    decisions (``language_letters``), else the model."""
    if declared:
        return declared.split("-")[0].lower()
    raw = text[: language._SAMPLE_CHARS]
    words = language._WORD.findall(raw.lower())
    if len(words) < 3 and (not words or max(words[0]) < language._CJK_START):
        return None
    latin = [w for w in words if max(w) < language._LATIN_END]
    if sum(map(len, latin)) < sum(map(len, words)) * language._MOSTLY_LATIN:
        return script_language(words, "".join(words)) or language._model_language(raw)
    counts = Counter(latin)
    scores = {code: sum(counts[w] for w in stop) for code, stop in language._STOPWORDS.items()}
    english = scores.pop("en")
    if english >= 3 and english >= 0.1 * len(latin) and english > 2 * max(scores.values()):
        return "en"
    if found := latin_language(latin, "".join(latin)):
        return found
    return language._model_language(" ".join(latin) if len(latin) < len(words) else raw)


def _letter_runs(text: str) -> set[bytes]:
    return {run.lower().encode() for run in re.findall(r"[A-Za-z]+", text)}


_FOREIGN = ["le", "la", "der", "und", "é", "Путин", "и", "ve", "için", "de", "que", "het", "的", "è"]
_long_soup = st.lists(
    st.one_of(st.sampled_from(_PIECES + _FOREIGN), st.text(max_size=8)), min_size=0, max_size=400
).map(" ".join)


@settings(max_examples=300)
@given(_long_soup, st.sampled_from(["", "Title", "Putin calls Macron — “about” the truce"]), st.data())
def test_language_and_words_match_their_definitions(body: str, title: str, data: st.DataObject) -> None:
    body = body[: data.draw(st.integers(0, 3000))]
    text = f"{title}\n\n{body}" if title else body
    runs = _letter_runs(text)
    some = frozenset(data.draw(st.lists(st.sampled_from(sorted(runs) or [b"x"])))) | {b"putin", b"the"}
    for declared in (None, "en-GB"):
        for vocabulary in (frozenset(runs), some):
            found, words = language_and_words(text, len(title) + 2 if title else 0, declared, vocabulary)
            assert found == _reference_detect_language(body, declared) == detect_language(body, declared)
            if re.search(r"[^\W\x00-\x7f]", text):
                assert words is None
            else:
                assert words == vocabulary & runs


@pytest.mark.parametrize("title", ["", "A title"])
@pytest.mark.parametrize("shift", range(-12, 13, 3))
def test_a_word_across_the_language_sample_end_is_one_of_the_words(title: str, shift: int) -> None:
    body = "word " * 298 + "x" * (shift + 10) + " acrossthesampleend and more text"
    text = f"{title}\n\n{body}" if title else body
    vocabulary = frozenset({b"acrossthesampleend", b"word", b"text"})
    found, words = language_and_words(text, len(text) - len(body), None, vocabulary)
    assert words == vocabulary
    assert found == detect_language(body)


_SCRIPTS_SOUP = st.lists(
    st.one_of(
        st.sampled_from([*_PIECES, *_FOREIGN, "Путин", "ёлка", "іїєґ", "بوتين", "ـ", "é", "ğış", "İ", "ð"]),
        st.text(alphabet=st.characters(max_codepoint=0x6FF), max_size=8),
        st.text(max_size=4),
    ),
    max_size=80,
).map(" ".join)


@settings(max_examples=500)
@given(_SCRIPTS_SOUP)
def test_letter_runs_through_a_code_page_are_the_regex_runs(text: str) -> None:
    lowered = text.lower()
    for letter in {*re.findall(r"[^\W\x00-\x7f]", text)[:3], "é", "ж", "ب", "ğ", "中"}:
        assert language.letter_runs(lowered, letter) == language._WORD.findall(lowered)


def test_letter_runs_of_the_passages_are_the_regex_runs(texts: list[str]) -> None:
    for text in texts:
        lowered = text.lower()
        for letter in ("é", "ж", "ب", "ğ"):
            assert language.letter_runs(lowered, letter) == language._WORD.findall(lowered)


def test_language_of_the_passages_matches_its_definition(texts: list[str]) -> None:
    for text in texts:
        assert detect_language(text) == _reference_detect_language(text)


# ---------------------------------------------------------------- article-level gates


def _words(engine: DetectionEngine, text: str) -> Any:
    return language_and_words(text, 0, None, engine._gate_words)[1]


@given(_soup)
def test_gates_by_words_agree_with_the_scans(engine: DetectionEngine, text: str) -> None:
    _check_gates(engine, text)


def test_gates_by_words_agree_with_the_scans_on_the_passages(
    engine: DetectionEngine, texts: list[str]
) -> None:
    for text in texts:
        _check_gates(engine, text)
        for sentence in sentences.split_sentences(text):
            _check_gates(engine, sentence.text)


def _check_gates(engine: DetectionEngine, text: str) -> None:
    words = _words(engine, text)
    lower = text.lower()
    finder = MentionFinder(engine.gazetteer)
    assert may_hold_call(text, lower, words) == may_hold_call(text, lower, None)
    assert finder.may_mention_anyone(text, words) == finder.may_mention_anyone(text, None)
    if words is not None and not engine.gazetteer.may_name_anyone(words, text):
        assert engine.gazetteer.find_names(text) == []
    assert engine.gazetteer.names_anyone(text) == bool(engine.gazetteer.find_names(text))


def _outcome(engine: DetectionEngine, article: Article) -> tuple[Any, ...]:
    detection = engine.detect(article)
    return tuple(e.to_dict() for e in detection.events), detection.near_misses, detection.language


def _outcomes_with_open_gates(engine: DetectionEngine, articles: list[Article]) -> list[tuple[Any, ...]]:
    """What the engine finds when every article-level prefilter passes (each article split and scanned)."""
    with pytest.MonkeyPatch.context() as patch:
        for detector in engine.detectors:  # every detector's article-level prefilter, whatever it is
            patch.setattr(type(detector), "may_fire", lambda *args: True)
        return [_outcome(engine, a) for a in articles]


def test_prefilters_never_skip_an_article_with_a_finding(
    engine: DetectionEngine, seed_articles: dict[str, Article]
) -> None:
    articles = [*_passages(), *seed_articles.values()]
    assert [_outcome(engine, a) for a in articles] == _outcomes_with_open_gates(engine, articles)


_PASSAGES = _passages()


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_PASSAGES), st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(_PIECES))))
def test_prefilters_never_skip_a_mutated_passage_with_a_finding(
    engine: DetectionEngine, passage: Article, edits: list[tuple[int, str]]
) -> None:
    text = passage.text
    for position, piece in edits:
        cut = position % (len(text) + 1)
        text = text[:cut] + piece + text[cut:]
    article = passage.replace(text=text)
    assert [_outcome(engine, article)] == _outcomes_with_open_gates(engine, [article])
