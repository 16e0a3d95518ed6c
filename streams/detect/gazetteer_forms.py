"""Every written form of a person's names: case endings, clitics and suffixes from data/name_forms.yaml.

Names are expanded once when the gazetteer loads (Путин -> Путина, Путину, Путиным; بوتين -> وبوتين), so
finding them in text stays one regex scan and dictionary lookups; see docs/gazetteer.md ("Names in other
languages") for why rules and not a lemmatizer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from streams.detect.gazetteer_load import DATA_DIR
from streams.errors import ConfigError

CASES = 5  # genitive, dative, accusative, instrumental, prepositional (locative)


@dataclass(frozen=True, slots=True)
class FormRules:
    """The rules of data/name_forms.yaml, checked."""

    declension: Mapping[str, tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]]
    prefixes: Mapping[str, tuple[str, ...]]
    apostrophe_suffixes: frozenset[str]
    latin_suffixes: tuple[str, ...]


def _words(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(w, str) for w in raw):
        raise ConfigError(f"{where}: must be a list of words")
    return tuple(raw)


def load_rules(path: Path = DATA_DIR / "name_forms.yaml") -> FormRules:
    """Read and check the rules file; ConfigError names the language and rule at fault."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read name forms: {exc}") from exc
    declension: dict[str, tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]] = {}
    for language, rules in (doc.get("declension") or {}).items():
        parsed = []
        for i, rule in enumerate(rules or ()):
            where = f"{path}: declension.{language}[{i}]"
            if not (isinstance(rule, list) and len(rule) == 2 and all(isinstance(r, str) for r in rule)):
                raise ConfigError(f"{where}: a rule is [ending, forms]")
            slots = tuple(tuple(slot.split("|")) for slot in rule[1].split())
            if slots and len(slots) != CASES:
                raise ConfigError(f"{where}: {len(slots)} case forms, expected {CASES} or none")
            parsed.append((rule[0], slots))
        declension[str(language)] = tuple(parsed)
    prefixes = {str(k): _words(v, f"{path}: prefixes.{k}") for k, v in (doc.get("prefixes") or {}).items()}
    suffixes = (doc.get("apostrophe_suffixes") or {}).items()
    apostrophe = frozenset(w for k, v in suffixes for w in _words(v, f"{path}: apostrophe_suffixes.{k}"))
    latin = (doc.get("latin_suffixes") or {}).items()
    latin_suffixes = tuple(w for k, v in latin for w in _words(v, f"{path}: latin_suffixes.{k}"))
    return FormRules(declension, prefixes, apostrophe, latin_suffixes)


@functools.cache
def rules() -> FormRules:
    return load_rules()


def declined(word: str, language: str) -> tuple[tuple[str, ...], ...]:
    """The word's forms per case (one tuple per case), or () if the language has no rules or it is fixed."""
    for ending, slots in rules().declension.get(language, ()):
        if word.endswith(ending) and len(word) > len(ending) + 1:
            stem = word[: len(word) - len(ending)] if ending else word
            return tuple(tuple(stem + form for form in slot) for slot in slots)
    return ()


def _declined_name(name: str, language: str) -> set[str]:
    """Every case form of a name: all capitalised words in one case, or only the last word inflected."""
    words = name.split(" ")
    inflectable = [i for i, w in enumerate(words) if w[:1].isupper() and not w.endswith(".") and len(w) > 2]
    if not inflectable:
        return set()
    per_word = {i: declined(words[i], language) for i in inflectable}
    found: set[str] = set()
    for case in range(CASES):
        for only_last in (False, True):
            options: list[tuple[str, ...]] = []
            for i, word in enumerate(words):
                forms = per_word.get(i, ())
                if forms and (not only_last or i == inflectable[-1]):
                    options.append(forms[case])
                else:
                    options.append((word,))
            variants = [""]
            for choice in options:
                variants = [f"{v} {c}" if v else c for v in variants for c in choice]
            found.update(variants)
    found.discard(name)
    return found


def _prefixed(name: str, prefixes: Iterable[str]) -> set[str]:
    if not name.startswith("ال"):
        return {prefix + name for prefix in prefixes}
    # ل + ال is written لل: للأسد, وللأسد
    return {prefix + name if not prefix.endswith("ل") else prefix + "ل" + name[2:] for prefix in prefixes}


def _is_latin(text: str) -> bool:
    return all(ch < "\u0250" or not ch.isalpha() for ch in text)


def name_forms(name: str, aliases: Iterable[str], labels: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    """The display name, aliases and labels of one person with every written form the rules give."""
    forms: dict[str, None] = dict.fromkeys((name, *aliases))
    for language, names in labels.items():
        for label in names:
            forms[label] = None
            for form in sorted(_declined_name(label, language)):
                forms[form] = None
            for form in sorted(_prefixed(label, rules().prefixes.get(language, ()))):
                forms[form] = None
    for form in [f for f in forms if _is_latin(f)]:
        last = form.rsplit(" ", 1)[-1]
        if len(last) > 2 and last[-1] not in "sxzßSXZ" and last[0].isupper():
            for suffix in rules().latin_suffixes:
                forms.setdefault(form + suffix, None)
    return tuple(forms)


def apostrophe_suffix_allowed(suffix: str) -> bool:
    """True when ``suffix`` (folded, any case) after a name's apostrophe keeps the name a mention."""
    return suffix.lower() in rules().apostrophe_suffixes
