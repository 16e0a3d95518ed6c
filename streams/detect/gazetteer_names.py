"""Finding the gazetteer's people in text: one compiled trie regex for first words, then dictionary lookups.

Fast because the regex engine skips every character that cannot start a name, and only real hits reach
Python; see docs/gazetteer.md ("Finding names") for the matching rules.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from streams.detect.gazetteer_forms import apostrophe_suffix_allowed
from streams.detect.gazetteer_load import fold_text

_TOKEN = re.compile(r"\w+")
_NEXT_TOKEN = re.compile(r"[\s\-'.]{1,3}(\w+)")
_PREFIX = 4  # letters of a first word the scanning regex spells out
_SUFFIX = re.compile(r"\w+")
_CJK_START = "\u2e80"
_LATIN_END = "\u0250"

# rest tokens after the first two (lower case), capital-letter flags for every token, person id
_AliasEntry = tuple[tuple[str, ...], tuple[bool, ...], str]


@dataclass(frozen=True, slots=True)
class NameMatch:
    """One person mention found in a text; ``surface`` is the text exactly as it appeared."""

    start: int
    end: int
    person_id: str
    surface: str


class NameIndex:
    """All surface forms of all people, ready to search; aliases shared by two people are left out."""

    def __init__(self, people: Iterable[tuple[str, Iterable[str]]]) -> None:
        owners: dict[tuple[str, ...], set[str]] = {}
        shapes: dict[tuple[str, ...], tuple[bool, ...]] = {}
        firsts: dict[tuple[str, ...], set[str]] = {}
        cjk_owners: dict[str, set[str]] = {}
        for person_id, forms in people:
            for variant in {v for form in forms for v in _variants(form)}:
                if _is_cjk(variant):
                    cjk_owners.setdefault(variant, set()).add(person_id)
                    continue
                tokens = _TOKEN.findall(variant)
                if not tokens:
                    continue
                key = tuple(t.lower() for t in tokens)
                owners.setdefault(key, set()).add(person_id)
                shape = tuple(not t[0].islower() for t in tokens)  # scripts without case count as capitals
                seen = shapes.get(key, shape)
                shapes[key] = tuple(a and b for a, b in zip(seen, shape, strict=True))
                firsts.setdefault(key, set()).update({tokens[0], tokens[0].upper()})
        # first word as it may appear -> second word (lower; "" for one-word aliases) -> aliases
        self._index: dict[str, dict[str, list[_AliasEntry]]] = {}
        for key, ids in owners.items():
            if len(ids) != 1 or not shapes[key][0]:
                continue
            entry = (key[2:], shapes[key], next(iter(ids)))
            for first in firsts[key]:
                self._index.setdefault(first, {}).setdefault(key[1] if len(key) > 1 else "", []).append(entry)
        for by_second in self._index.values():
            for entries in by_second.values():
                entries.sort(key=lambda e: -len(e[0]))
        # Names in scripts written without spaces (Chinese, Japanese) are found anywhere in the text.
        self._cjk_owner = {form: next(iter(ids)) for form, ids in cjk_owners.items() if len(ids) == 1}
        self._cjk = re.compile(_trie_pattern(self._cjk_owner)) if self._cjk_owner else None
        # Candidate words: those starting like a first word (a short trie compiles fast); the dict decides.
        # Latin-script first words and the others (Cyrillic, Arabic, ...) in two patterns: most texts have no
        # letter beyond Latin, and a smaller trie scans them faster.
        latin = {w[:_PREFIX] for w in self._index if w[0] < _LATIN_END}
        other = {w[:_PREFIX] for w in self._index if w[0] >= _LATIN_END}
        self._first_words = re.compile(f"(?:{_trie_pattern(latin)})\\w*")
        self._other_first_words = re.compile(f"(?:{_trie_pattern(other)})\\w*") if other else None
        # The first UTF-8 bytes of those names' first letters: a text without any cannot hold one, and
        # a few byte searches tell (a regex over the text would cost as much as the scan itself).
        self._other_leads = _lead_bytes(other)
        self._cjk_leads = _lead_bytes(self._cjk_owner)
        # For ``may_occur``: per ASCII first word in lower case, its spellings as keys, whether it may stand
        # alone, and the second words that may follow it; None if a word holds a digit or "_" (then a
        # text's letter runs could split it, and the quick test would not be safe).
        self._ascii_gate = _ascii_gate(self._index)
        self._ascii_firsts = frozenset(self._ascii_gate or ())

    def may_occur(self, words: AbstractSet[bytes], text: str | None = None) -> bool:
        """False only when ``find`` finds nothing in a text whose lower-case letter runs are ``words``.

        For a text whose word characters are all ASCII (other characters being punctuation or space): a
        mention starts with a whole first word of some alias, spelled as the alias spells it (so found in
        ``text`` when given), and is that word alone or followed by the alias's second word, each one of
        the text's letter runs. Set tests and a few substring tests instead of a scan; ``words`` may leave
        out every run not in ``gate_words()``.
        """
        gate = self._ascii_gate
        if gate is None:
            return True
        for first in self._ascii_firsts.intersection(words):
            for spelling, alone, seconds in gate[first]:
                if (alone or not seconds.isdisjoint(words)) and (text is None or spelling in text):
                    return True
        return False

    def gate_words(self) -> frozenset[bytes]:
        """Every word ``may_occur`` looks up: it needs no other of a text's letter runs."""
        gate = self._ascii_gate or {}
        return frozenset(gate).union(*(seconds for entries in gate.values() for _, _, seconds in entries))

    def find(self, text: str) -> list[NameMatch]:
        """Every mention, left to right; the longest alias wins; matches never overlap."""
        return list(self._matches(text))

    def occurs_in(self, text: str) -> bool:
        """``bool(find(text))``, stopping at the first mention."""
        return next(self._matches(text), None) is not None

    def _matches(self, text: str) -> Iterator[NameMatch]:
        if text.isascii():
            yield from self._word_matches(text, False)
            return
        data = text.encode("utf-8", "surrogatepass")
        others = any(lead in data for lead in self._other_leads)
        if self._cjk is None or not any(lead in data for lead in self._cjk_leads):
            yield from self._word_matches(text, others)
            return
        # Merge the word matches with the CJK ones, left to right, never overlapping.
        cjk = [
            NameMatch(hit.start(), hit.end(), self._cjk_owner[hit.group()], hit.group())
            for hit in self._cjk.finditer(text)
        ]
        resume = 0
        for match in sorted([*self._word_matches(text, others), *cjk], key=lambda m: (m.start, -m.end)):
            if match.start >= resume:
                yield match
                resume = match.end

    def _word_matches(self, text: str, beyond_latin: bool) -> Iterator[NameMatch]:
        """Matches of word-spaced names; ``beyond_latin``: the text has letters of other scripts."""
        folded = fold_text(text)
        resume = 0
        hits: Iterable[re.Match[str]] = self._first_words.finditer(folded)
        if self._other_first_words is not None and beyond_latin:
            others = self._other_first_words.finditer(folded)
            hits = sorted([*hits, *others], key=lambda hit: hit.start())
        for hit in hits:
            start = hit.start()
            if start < resume or (start > 0 and _is_word_char(folded[start - 1])):
                continue
            by_second = self._index.get(hit.group())
            if by_second is None:
                continue
            found = _longest_from(folded, by_second, hit.end())
            if found is not None:
                end, person_id = found
                yield NameMatch(start, end, person_id, text[start:end])
                resume = end


def _ascii_gate(
    index: dict[str, dict[str, list[_AliasEntry]]],
) -> dict[bytes, list[tuple[str, bool, frozenset[bytes]]]] | None:
    """``may_occur``'s table: lower-case ASCII first word -> (spelling, may stand alone, second words).

    First words that are not ASCII cannot start a mention in a text whose word characters are ASCII and
    are left out, as are such second words; a second word with a digit or "_" counts as "may stand alone".
    """
    gate: dict[bytes, list[tuple[str, bool, frozenset[bytes]]]] = {}
    for first, by_second in index.items():
        if not first.isascii():
            continue
        if not first.isalpha():
            return None
        alone = any(second == "" or (second.isascii() and not second.isalpha()) for second in by_second)
        seconds = frozenset(s.encode() for s in by_second if s.isascii() and s.isalpha())
        gate.setdefault(first.lower().encode(), []).append((first, alone, seconds))
    return gate


def _longest_from(folded: str, by_second: dict[str, list[_AliasEntry]], pos: int) -> tuple[int, str] | None:
    """End and owner of the longest alias whose first word ends at ``pos`` (its aliases in ``by_second``)."""
    step = _NEXT_TOKEN.match(folded, pos) if len(by_second) > 1 or "" not in by_second else None
    if step is not None:
        second = step.group(1)
        for rest, capitalised, person_id in by_second.get(second.lower(), ()):
            if capitalised[1] and second[0].islower():
                continue
            end = _match_rest(folded, step.end(), rest, capitalised)
            if end >= 0 and not _glued_on(folded, end):
                return end, person_id
    for _, _, person_id in by_second.get("", ()):
        if not _glued_on(folded, pos):
            return pos, person_id
    return None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _glued_on(folded: str, end: int) -> bool:
    """True when an apostrophe joins more word after the match ("Xi'an"), other than a possessive 's
    or a Turkish case suffix ("Erdoğan'ın", "Putin'le")."""
    if folded[end : end + 1] != "'" or not _is_word_char(folded[end + 1 : end + 2] or " "):
        return False
    suffix = _SUFFIX.match(folded, end + 1)
    return suffix is None or not (suffix.group() in "sS" or apostrophe_suffix_allowed(suffix.group()))


def _match_rest(folded: str, pos: int, rest: tuple[str, ...], capitalised: tuple[bool, ...]) -> int:
    """End offset if the alias's third and later tokens follow at ``pos``, else -1."""
    for position, expected in enumerate(rest, start=2):
        step = _NEXT_TOKEN.match(folded, pos)
        if step is None:
            return -1
        got = step.group(1)
        if got.lower() != expected or (capitalised[position] and got[0].islower()):
            return -1
        pos = step.end()
    return pos


def _variants(form: str) -> set[str]:
    """The form as folded text, plus the folded form of its UTF-8-read-as-cp1252 mojibake (Latin only)."""
    variants = {fold_text(form)}
    if max(form) < "\u0250":
        with contextlib.suppress(UnicodeDecodeError):
            variants.add(fold_text(form.encode("utf-8").decode("cp1252")))
    return variants


def _lead_bytes(words: Iterable[str]) -> tuple[bytes, ...]:
    """The distinct first UTF-8 bytes of the words' first characters."""
    return tuple(sorted({word[:1].encode("utf-8")[:1] for word in words if word}))


def _is_cjk(form: str) -> bool:
    """True for a name written in Chinese or Japanese characters only (separators such as "·" allowed)."""
    if max(form) < _CJK_START:
        return False
    letters = [ch for ch in form if ch.isalpha()]
    return bool(letters) and all(ch >= _CJK_START for ch in letters)


_Trie = dict[str, "_Trie"]


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, shaped as a character trie so the engine branches little."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: _Trie) -> str:
    ends_here = "" in node
    branches = [re.escape(char) + _node_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        return f"(?:{body})?" if len(branches) > 1 or len(branches[0]) > 1 else f"{body}?"
    return body
