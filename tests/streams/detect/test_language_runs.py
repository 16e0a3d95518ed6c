"""Letter runs read from text not yet lower-cased are the runs of the lower-cased text (issue 15)."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.detect import language

# Each code page's characters, upper and lower case, and characters whose lower case changes the route:
# Turkish İ (two characters), the Kelvin sign and capital sharp s (lower-cased into cp1252 from outside).
_PAGE_CHARACTERS = sorted(
    {
        char
        for page in ("cp1252", "cp1254", "cp1251", "cp1256")
        for char in bytes(range(256)).decode(page, errors="ignore")
    }
)
_TRICKY = ["İ", "\u212a", "ẞ", "\u0307", "Σ", "ΑΣ", "ı", "ǅ", "ﬁ", "Ω", "中"]
_LETTER_OF_SCRIPT = ("é", "ğ", "ж", "ب", "中", "Ж", "É")
_TEXTS = st.lists(
    st.one_of(
        st.text(alphabet=_PAGE_CHARACTERS, max_size=12),
        st.sampled_from([*_TRICKY, "Путин И МАКРОН", "İSTANBUL'DA ŞİMDİ", "ÉTÉ À PARIS", "بوتين"]),
        st.text(alphabet=st.characters(max_codepoint=sys.maxunicode), max_size=3),
    ),
    max_size=60,
).map(" ".join)


@settings(max_examples=800)
@given(_TEXTS, st.sampled_from(_LETTER_OF_SCRIPT))
def test_runs_of_text_not_lower_cased_are_those_of_the_lower_cased_text(text: str, letter: str) -> None:
    words, code_page = language._runs_and_code_page(text.lower(), letter)
    assert language._runs_of_unlowered(text, letter) == (words, code_page, "".join(words))


def test_turkish_dotted_capital_i_takes_the_lower_cased_route() -> None:
    # İ lower-cases to i and a combining dot, which ends the word: cp1254 has no byte for that.
    runs = ["i", "stanbul", "da", "bugün", "i", "zmir", "e", "gitmiş"]
    assert language._runs_of_unlowered("İSTANBUL'DA bugün İzmir'e gitmiş", "ğ") == (
        runs,
        "cp1254",
        "".join(runs),
    )


def test_a_capital_only_outside_the_page_lower_cases_into_it() -> None:
    # ẞ is not in cp1252, its lower case ß is: the runs are still cp1252's of the lower-cased text.
    runs = ["große", "straße", "in", "köln"]
    assert language._runs_of_unlowered("GROẞE STRAẞE in Köln", "ö") == (runs, "cp1252", "".join(runs))
