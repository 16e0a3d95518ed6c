"""News-agency datelines and credits: evidence that a text is wire copy, never proof that two texts are one.

Only the opening and the closing of a text are read (where datelines, "(AFP) —", "- واس" and credit
lines sit); a name mentioned in the body ("Reuters reported ...") is not a credit. The agency found
lowers the shared-sentence bar a little when both texts credit the same agency (``index.py``).
"""

from __future__ import annotations

import re

# canonical name -> credit forms (as regex alternatives, matched case-insensitively as whole words)
_AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": (r"\(?AFP\)?", r"أ\s?ف\s?ب", r"فرانس\s?برس", r"法新社", r"Agence France-Presse"),
    "Reuters": (r"\(?Reuters\)?", r"رويترز", r"路透社?", r"Рейтер"),
    "AP": (r"\(AP\)", r"Associated Press", r"أسوشيتد\s?برس", r"美联社"),
    "SPA": (r"واس", r"\(?SPA\)?", r"Saudi Press Agency"),
    "WAM": (r"وام", r"\(?WAM\)?"),
    "QNA": (r"قنا", r"\(?QNA\)?"),
    "WAFA": (r"وفا", r"\(?WAFA\)?"),
    "KUNA": (r"كونا", r"\(?KUNA\)?"),
    "MENA": (r"أ\s?ش\s?أ", r"\(?MENA\)?"),
    "APS": (r"\(?APS\)?", r"وأج"),
    "MAP": (r"\(?MAP\)?", r"لاماب", r"و\s?م\s?ع"),
    "dpa": (r"\(?dpa\)?", r"د\s?ب\s?أ"),
    "Xinhua": (r"Xinhua", r"新华社", r"شينخوا", r"Синьхуа"),
    "TASS": (r"TASS", r"ТАСС", r"تاس", r"塔斯社"),
    "RIA Novosti": (r"РИА Новости", r"RIA Novosti"),
    "EFE": (r"\(?EFE\)?",),
    "ANSA": (r"ANSA",),
    "Anadolu": (r"Anadolu", r"الأناضول", r"Anadolu Ajansı"),
    "Kyodo": (r"Kyodo", r"共同社"),
    "Yonhap": (r"Yonhap", r"韩联社"),
    "UNIAN": (r"УНІАН", r"UNIAN"),
    "Ukrinform": (r"Укрінформ", r"Ukrinform"),
}
_EDGE = 300  # characters of the opening and of the closing that may hold a dateline or credit
_CJK = re.compile(r"[\u3400-\u9fff]")


def _form(form: str) -> str:
    """A credit form as a regex: whole words, except in scripts without spaces (there, as written)."""
    return form if _CJK.search(form) else r"(?<!\w)" + form + r"(?!\w)"


def _core(form: str) -> str:
    """The longest run of plain characters a credit form always contains (a cheap test before the regex)."""
    required = re.sub(r"(\\.|.)\?", "\x00", form)  # optional characters cannot be required
    return max(re.split(r"\\.|[()|\x00]", required), key=len)


# Case-sensitive: "AP", "MAP" and "APS" are credits, "map" and "aps" are words.
_PATTERNS = {name: re.compile("|".join(_form(form) for form in forms)) for name, forms in _AGENCIES.items()}
# Whole-word checks make the patterns slow (about 1 ms over an opening and a closing), so a text is first
# searched for the plain cores of every form at once; only the agencies whose core is there are matched.
_AGENCIES_OF_CORE: dict[str, list[str]] = {}
for _name, _forms in _AGENCIES.items():
    for _form_text in _forms:
        _AGENCIES_OF_CORE.setdefault(_core(_form_text), []).append(_name)
_CORES = re.compile("|".join(map(re.escape, sorted(_AGENCIES_OF_CORE, key=len, reverse=True))))


def agency(text: str) -> str | None:
    """The agency a dateline or credit in the text's opening or closing names (the first found), or None."""
    edges = text[:_EDGE] + "\n" + text[-_EDGE:] if len(text) > 2 * _EDGE else text
    candidates = {name for core in _CORES.findall(edges) for name in _AGENCIES_OF_CORE[core]}
    best: tuple[int, int, str] | None = None
    for order, name in enumerate(_AGENCIES):
        if name not in candidates:
            continue
        found = _PATTERNS[name].search(edges)
        if found is not None and (best is None or found.start() < best[0]):
            best = (found.start(), order, name)
    return None if best is None else best[2]
