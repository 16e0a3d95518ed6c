"""Reading and checking the gazetteer's YAML files (shipped data plus a user file merged over it).

Every problem becomes a ConfigError naming the file, the entry and the field, so a user can fix their file.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from streams.errors import ConfigError

DATA_DIR = Path(__file__).resolve().parent / "data"

# Head of state / head of government by default, per office; a term may override either flag.
OFFICE_DEFAULTS: dict[str, tuple[bool, bool]] = {
    "president": (True, False),
    "monarch": (True, False),
    "supreme_leader": (True, False),
    "prime_minister": (False, True),
    "chancellor": (False, True),
    "state_counsellor": (False, True),
}

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_OFFICE = re.compile(r"^[a-z][a-z_]*$")
_TOP_KEYS = frozenset({"as_of", "format", "people", "officials", "countries"})
_PERSON_KEYS = frozenset({"id", "name", "wikidata", "aliases", "labels", "terms", "note"})
_WIKIDATA_ID = re.compile(r"^Q[1-9][0-9]*$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_TERM_KEYS = frozenset(
    {"country", "office", "start", "end", "head_of_state", "head_of_government", "acting", "note"}
)
_COUNTRY_KEYS = frozenset({"code", "name", "names", "adjectives", "metonyms", "un_member", "g20", "note"})


def _fold_table() -> dict[str, str]:
    """One-character replacements that strip diacritics while keeping every offset in place."""
    table: dict[int, str] = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):  # Latin letters with diacritics
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    specials = {
        "ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
        "þ": "t", "Þ": "T", "ß": "s", "æ": "a", "Æ": "A", "œ": "o", "Œ": "O", "ŀ": "l", "ħ": "h", "Ħ": "H",
        "’": "'", "‘": "'", "ʼ": "'", "´": "'", "‐": "-", "‑": "-", "\u00a0": " ", "ё": "е", "Ё": "Е",
    }  # fmt: skip
    table.update({ord(k): v for k, v in specials.items()})
    return {chr(code): base for code, base in table.items()}


_FOLD = _fold_table()
_FOLDABLE = re.compile("[" + "".join(sorted(_FOLD)).replace("-", "") + "]")


def _fold_char(match: re.Match[str]) -> str:
    char = match.group()
    return _FOLD.get(char, char)


def fold_text(text: str) -> str:
    """The text with diacritics stripped and curly apostrophes straightened, same length as the input."""
    if text.isascii():
        return text
    return _FOLDABLE.sub(_fold_char, text)


@dataclass(frozen=True, slots=True)
class CountryEntry:
    """One country: ISO3 code, names, adjectives and metonyms (capitals, seats of power)."""

    code: str
    name: str
    names: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    un_member: bool = True
    g20: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.names, *self.adjectives, *self.metonyms)


@dataclass(frozen=True, slots=True)
class TermEntry:
    """One office term as read from a file."""

    country: str
    office: str
    head_of_state: bool
    head_of_government: bool
    start: date
    end: date | None
    acting: bool = False


@dataclass(slots=True)
class PersonEntry:
    """One person as read from a file (terms from the ``people`` and ``officials`` lists combined)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    terms: list[TermEntry] = field(default_factory=list)
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language -> names in it
    wikidata: str | None = None  # the Wikidata item (Q7747) the entry was refreshed from, if any


@dataclass(slots=True)
class GazetteerData:
    """Everything the gazetteer files hold, merged."""

    as_of: date
    countries: dict[str, CountryEntry]
    people: dict[str, PersonEntry]
    newest_as_of: date | None = None  # the newest ``as_of`` of any file read (a user file's included)

    def __post_init__(self) -> None:
        if self.newest_as_of is None or self.newest_as_of < self.as_of:
            self.newest_as_of = self.as_of


class _DatesAsTextLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loading that leaves dates as text, so a bad date gets our error naming the entry."""


_DatesAsTextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_BOOLEANS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _plain(node: yaml.Node) -> Any:
    """A composed YAML node as plain Python; about twice as fast as PyYAML's constructor for our files."""
    if isinstance(node, yaml.MappingNode):
        return {_plain(key): _plain(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    tag, text = node.tag, node.value
    if tag == _NULL_TAG:
        return None
    if tag == _BOOL_TAG:
        return _BOOLEANS[text.lower()]
    if tag == _INT_TAG and text.lstrip("+-").isdigit():
        return int(text)
    return text


def read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        with path.open("rb") as handle:
            root = yaml.compose(handle, Loader=_DatesAsTextLoader)
        loaded = None if root is None else _plain(root)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read gazetteer file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, Mapping):
        raise ConfigError(f"{path}: the top level must be a mapping (people:, officials:, countries:)")
    return loaded


def _as_date(value: Any, where: str, name: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"{where}: field {name!r} must be a date YYYY-MM-DD, got {value!r}")


def _as_strings(value: Any, where: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: field {name!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _as_bool(value: Any, where: str, name: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: field {name!r} must be true or false, got {value!r}")
    return value


def _check_keys(raw: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def _parse_term(raw: Any, where: str, countries: Mapping[str, CountryEntry]) -> TermEntry:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: a term must be a mapping with country, office, start, end")
    _check_keys(raw, _TERM_KEYS, where)
    for required in ("country", "office", "start", "end"):
        if required not in raw:
            raise ConfigError(
                f"{where}: field {required!r} is missing (write 'end: null' if still in office)"
            )
    country = raw["country"]
    if not isinstance(country, str) or not _ISO3.match(country):
        raise ConfigError(f"{where}: field 'country' must be an ISO 3166-1 alpha-3 code, got {country!r}")
    if country not in countries:
        raise ConfigError(
            f"{where}: field 'country': unknown country code {country!r} (not in countries.yaml)"
        )
    office = raw["office"]
    if not isinstance(office, str) or not _OFFICE.match(office):
        raise ConfigError(
            f"{where}: field 'office' must be a snake_case name like prime_minister, got {office!r}"
        )
    start = _as_date(raw["start"], where, "start")
    end = None if raw["end"] is None else _as_date(raw["end"], where, "end")
    if end is not None and end <= start:
        raise ConfigError(f"{where}: field 'end' ({end}) must be after 'start' ({start})")
    state, government = OFFICE_DEFAULTS.get(office, (False, False))
    return TermEntry(
        country=country,
        office=office,
        head_of_state=_as_bool(raw.get("head_of_state", state), where, "head_of_state"),
        head_of_government=_as_bool(raw.get("head_of_government", government), where, "head_of_government"),
        start=start,
        end=end,
        acting=_as_bool(raw.get("acting", False), where, "acting"),
    )


def _parse_person(raw: Any, where: str, countries: Mapping[str, CountryEntry]) -> PersonEntry:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: an entry must be a mapping with id, name, aliases, terms")
    person_id = raw.get("id")
    if not isinstance(person_id, str) or not _ID.match(person_id):
        raise ConfigError(
            f"{where}: field 'id' must be lower-case letters, digits and '-', got {person_id!r}"
        )
    where = f"{where} (id {person_id!r})"
    _check_keys(raw, _PERSON_KEYS, where)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: field 'name' must be a non-empty string")
    terms_raw = raw.get("terms")
    if not isinstance(terms_raw, list) or not terms_raw:
        raise ConfigError(f"{where}: field 'terms' must be a non-empty list")
    terms = [_parse_term(t, f"{where} terms[{i}]", countries) for i, t in enumerate(terms_raw)]
    aliases = _as_strings(raw.get("aliases"), where, "aliases")
    for alias in (name, *aliases):
        if not fold_text(alias.strip())[:1].isupper():
            raise ConfigError(f"{where}: field 'aliases': {alias!r} must start with a capital letter")
    wikidata = raw.get("wikidata")
    if wikidata is not None and (not isinstance(wikidata, str) or not _WIKIDATA_ID.match(wikidata)):
        raise ConfigError(f"{where}: field 'wikidata' must be a Wikidata item id (Q7747), not {wikidata!r}")
    labels = _parse_labels(raw.get("labels"), where)
    return PersonEntry(person_id, name.strip(), aliases, terms, labels, wikidata)


def _parse_labels(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    """``labels: {ru: [Путин, Владимир Путин], zh: [普京]}``: names per ISO 639-1 language, not lower case."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: field 'labels' must map language codes to lists of names")
    labels: dict[str, tuple[str, ...]] = {}
    for language, names in raw.items():
        if not isinstance(language, str) or not _LANGUAGE.match(language):
            raise ConfigError(f"{where}: field 'labels': {language!r} is not an ISO 639-1 code like ru")
        found = _as_strings(names, where, f"labels.{language}")
        for label in found:
            if fold_text(label)[:1].islower() or not label[:1].isalpha():
                raise ConfigError(
                    f"{where}: field 'labels.{language}': {label!r} must start with a capital letter "
                    "(or a letter of a script without case)"
                )
        labels[language] = found
    return labels


def _parse_people(
    doc: Mapping[str, Any], path: Path, countries: Mapping[str, CountryEntry]
) -> dict[str, PersonEntry]:
    """The people of one file by id; an id in both ``people`` and ``officials`` has its terms combined."""
    found: dict[str, PersonEntry] = {}
    for section in ("people", "officials"):
        entries = doc.get(section) or []
        if not isinstance(entries, list):
            raise ConfigError(f"{path}: {section!r} must be a list of entries")
        seen: set[str] = set()
        for i, raw in enumerate(entries):
            person = _parse_person(raw, f"{path}: {section}[{i}]", countries)
            if person.id in seen:
                raise ConfigError(f"{path}: {section}[{i}]: duplicate id {person.id!r}")
            seen.add(person.id)
            previous = found.get(person.id)
            if previous is None:
                found[person.id] = person
                continue
            if previous.name != person.name:
                raise ConfigError(
                    f"{path}: {section}[{i}] (id {person.id!r}): field 'name' differs from 'people'"
                )
            previous.aliases = tuple(dict.fromkeys((*previous.aliases, *person.aliases)))
            previous.wikidata = previous.wikidata or person.wikidata
            previous.terms.extend(person.terms)
            for language, names in person.labels.items():
                previous.labels[language] = tuple(dict.fromkeys((*previous.labels.get(language, ()), *names)))
    return found


def _parse_countries(doc: Mapping[str, Any], path: Path) -> dict[str, CountryEntry]:
    entries = doc.get("countries") or []
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'countries' must be a list of entries")
    found: dict[str, CountryEntry] = {}
    for i, raw in enumerate(entries):
        where = f"{path}: countries[{i}]"
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: an entry must be a mapping with code and name")
        code = raw.get("code")
        if not isinstance(code, str) or not _ISO3.match(code):
            raise ConfigError(f"{where}: field 'code' must be an ISO 3166-1 alpha-3 code, got {code!r}")
        where = f"{where} (code {code!r})"
        _check_keys(raw, _COUNTRY_KEYS, where)
        if code in found:
            raise ConfigError(f"{where}: duplicate code")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: field 'name' must be a non-empty string")
        found[code] = CountryEntry(
            code=code,
            name=name.strip(),
            names=_as_strings(raw.get("names"), where, "names"),
            adjectives=_as_strings(raw.get("adjectives"), where, "adjectives"),
            metonyms=_as_strings(raw.get("metonyms"), where, "metonyms"),
            un_member=_as_bool(raw.get("un_member", True), where, "un_member"),
            g20=_as_bool(raw.get("g20", False), where, "g20"),
        )
    return found


def load_data(countries_path: Path, paths: Sequence[Path]) -> GazetteerData:
    """Countries, then each leaders file in order: later files add people and replace same-id entries."""
    countries_doc = read_yaml(countries_path)
    countries = _parse_countries(countries_doc, countries_path)
    people: dict[str, PersonEntry] = {}
    as_of: date | None = None
    newest: date | None = None
    for path in paths:
        doc = read_yaml(path)
        unknown = sorted(str(k) for k in doc if k not in _TOP_KEYS)
        if unknown:
            raise ConfigError(f"{path}: unknown top-level key(s) {', '.join(unknown)}")
        countries.update(_parse_countries(doc, path) if path != countries_path else {})
        if "as_of" in doc:
            file_as_of = _as_date(doc["as_of"], str(path), "as_of")
            as_of = file_as_of if as_of is None else as_of
            newest = file_as_of if newest is None else max(newest, file_as_of)
        people.update(_parse_people(doc, path, countries))
    if as_of is None:
        raise ConfigError(f"{paths[0]}: field 'as_of' (the date the data is believed complete to) is missing")
    return GazetteerData(as_of=as_of, countries=countries, people=people, newest_as_of=newest)


def overlapping_terms(people: Iterable[PersonEntry]) -> list[tuple[str, str]]:
    """Person-id pairs whose non-acting terms of one office of one country overlap (for integrity checks)."""
    by_office: dict[tuple[str, str], list[tuple[date, date | None, str]]] = {}
    for person in people:
        for term in (t for t in person.terms if not t.acting):
            by_office.setdefault((term.country, term.office), []).append((term.start, term.end, person.id))
    clashes: list[tuple[str, str]] = []
    for spans in by_office.values():
        spans.sort(key=lambda span: span[0])
        for (_, end, first), (start, _, second) in itertools.pairwise(spans):
            if end is None or start < end:
                clashes.append((first, second))
    return clashes
