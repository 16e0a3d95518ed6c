"""Per-language vocabulary of the detectors, from ``data/languages/<code>.yaml`` (format: docs/detection.md).

Adding a language is a data file: its call triggers and cues, role nouns and country words, and its
ceasefire vocabulary, written as small regex fragments. A bad file fails at start-up with the path of
the bad key; patterns are compiled once here, never per article.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from streams.errors import ConfigError

LANGUAGES_DIR = Path(__file__).resolve().parent / "data" / "languages"

_CALL_KEYS = frozenset(
    {"stems", "triggers", "weak", "negation", "plan", "appeal", "in_person", "caption", "background",
     "initiator", "initiator_other", "plural_subject", "separate", "first_person", "first_person_talk",
     "reference", "talk"}
)  # fmt: skip
_ROLE_KEYS = frozenset(
    {"offices", "countries", "counterpart", "home", "gap", "and", "designate", "designate_after",
     "institutions"}
)  # fmt: skip
_CEASEFIRE_KEYS = frozenset(
    {"stems", "nouns", "violated", "declared", "appeal", "negated", "alleged", "despite", "combat",
     "conflicts", "plan", "background", "purpose", "tally", "conditional"}
)  # fmt: skip
_TOP_KEYS = frozenset(
    {
        "language",
        "name",
        "word_boundaries",
        "clitics",
        "stems",
        "clause_breaks",
        "calls",
        "roles",
        "ceasefire",
    }
)


@dataclass(frozen=True)
class CallCues:
    """Compiled call vocabulary: strong triggers (a phone or video medium) and the cues that reject one."""

    stems: tuple[str, ...]  # lower-case substrings, one of which every trigger and weak word holds
    triggers: re.Pattern[str]
    weak: re.Pattern[str] | None
    negation: re.Pattern[str] | None
    plan: re.Pattern[str] | None
    appeal: re.Pattern[str] | None
    in_person: re.Pattern[str] | None
    caption: re.Pattern[str] | None
    background: re.Pattern[str] | None
    initiator: re.Pattern[str] | None  # "at the request of" + the initiator after it
    initiator_other: re.Pattern[str] | None  # "at the other's request" (Chinese 应约): the other party
    plural_subject: re.Pattern[str] | None  # "the two leaders": the pair named in the sentence before
    separate: re.Pattern[str] | None  # "held phone calls (plural) with A and B": one call with each
    first_person: re.Pattern[str] | None  # "I", "we", "hablé": the source's speaker is the subject
    first_person_talk: re.Pattern[str] | None  # "говорив з", "hablé con": a call in the speaker's own account
    reference: re.Pattern[str] | None  # "the call" (Arabic الاتصال): a later sentence that may date it
    # "s'est entretenu avec": a talk verb the language's press uses for calls; a call unless in person
    talk: re.Pattern[str] | None = None


@dataclass(frozen=True)
class RoleWords:
    """Office nouns (-> canonical office), country words (-> ISO3), "counterpart" and home-country titles."""

    offices: tuple[tuple[re.Pattern[str], str], ...]
    office_any: re.Pattern[str]  # every office at once: group "g<i>" is ``offices[i]``
    countries: tuple[tuple[re.Pattern[str], str], ...]
    country_any: re.Pattern[str]  # every country at once: group "g<i>" is ``countries[i]``
    counterpart: re.Pattern[str] | None
    home: tuple[tuple[re.Pattern[str], str, str], ...]  # a title meaning one country's office on its own
    gap: int  # at most this many characters between an office noun and its country word
    joined: re.Pattern[str] | None  # what joins two country words ("и", "、"): "presidents of A and B"
    designate: re.Pattern[str] | None = None  # "künftige" before a role: its next holder, not in office
    designate_after: re.Pattern[str] | None = None  # the same after the role ("le président élu")
    institutions: re.Pattern[str] | None = None  # "президентка німецького Бундестагу": not the country's


@dataclass(frozen=True)
class CeasefireWords:
    """Compiled ceasefire vocabulary and the conflicts the language names."""

    stems: tuple[str, ...]  # lower-case substrings, one of which every ceasefire noun holds
    nouns: re.Pattern[str]
    violated: re.Pattern[str]
    declared: re.Pattern[str]
    appeal: re.Pattern[str] | None
    negated: re.Pattern[str] | None
    alleged: re.Pattern[str] | None
    despite: re.Pattern[str] | None
    combat: re.Pattern[str] | None
    plan: re.Pattern[str] | None  # "takes effect tomorrow": not declared yet
    background: re.Pattern[str] | None  # "since the truce took effect": an old declaration recalled
    conflicts: tuple[tuple[re.Pattern[str], str], ...]
    purpose: re.Pattern[str] | None = None  # "afin de prévenir les violations": what a mission serves
    tally: re.Pattern[str] | None = None  # "les violations répétées": violations summed up, background
    conditional: re.Pattern[str] | None = None  # "如果...破裂", "في حال": a breach feared or threatened


@dataclass(frozen=True)
class LanguageData:
    """One language's vocabulary, compiled."""

    code: str
    name: str
    clause_breaks: re.Pattern[str]
    calls: CallCues | None
    roles: RoleWords | None
    ceasefire: CeasefireWords | None


class _Compiler:
    """Turns a file's phrase lists into regexes with the language's word boundaries and clitics."""

    def __init__(self, path: Path, boundaries: bool, clitics: Iterable[str]) -> None:
        self.path = path
        self.boundaries = boundaries
        prefix = "|".join(re.escape(c) for c in clitics)
        self.clitic = f"(?:{prefix})?" if prefix else ""

    def pattern(self, raw: Any, where: str, required: bool = False) -> re.Pattern[str] | None:
        phrases = _strings(raw, self.path, where, required)
        if not phrases:
            return None
        body = self.wrap("|".join(sorted(phrases, key=len, reverse=True)))
        try:
            return re.compile(body, re.IGNORECASE)
        except re.error as exc:
            raise ConfigError(f"language file {self.path}: {where}: bad pattern: {exc}") from exc

    def wrap(self, body: str) -> str:
        """``body`` between the language's word boundaries, after an optional clitic."""
        return rf"(?<!\w){self.clitic}(?:{body})(?!\w)" if self.boundaries else body

    def alternation(self, entries: tuple[tuple[re.Pattern[str], str], ...], raw: Any) -> re.Pattern[str]:
        """One regex for a mapping's patterns (one scan instead of one per pattern): group "g<i>" is
        ``entries[i]``, boundaries and clitics are tested once around the whole alternation.

        At one place the first alternative that matches wins, not the longest: the longer patterns (the
        more specific, as "رئيس الوزراء" prime minister is to "رئيس" president) are tried first.

        Each group is empty, after its phrases (``lastgroup`` names it all the same): a group around them
        would be the first step of every alternative, which the regex engine then enters at every
        character, where a phrase's first letter lets it skip the alternative at once (Chinese country
        words over an article: 20 ms -> 0.2 ms, the same matches).
        """
        bodies = ["|".join(sorted(_strings(v, self.path, ""), key=len, reverse=True)) for v in raw.values()]
        order = sorted(range(len(entries)), key=lambda i: -len(bodies[i]))
        alternatives = "|".join(f"(?:{bodies[i]})(?P<g{i}>)" for i in order)
        return re.compile(self.wrap(alternatives), re.IGNORECASE)

    def required(self, raw: Any, where: str) -> re.Pattern[str]:
        compiled = self.pattern(raw, where, required=True)
        assert compiled is not None
        return compiled

    def mapping(self, raw: Any, where: str) -> tuple[tuple[re.Pattern[str], str], ...]:
        if raw is None:
            return ()
        if not isinstance(raw, Mapping):
            raise ConfigError(f"language file {self.path}: {where}: must be a mapping of name -> phrases")
        return tuple((self.required(v, f"{where}.{k}"), str(k)) for k, v in raw.items())


def _strings(raw: Any, path: Path, where: str, required: bool = False) -> list[str]:
    if raw is None and not required:
        return []
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) and p.strip() for p in raw):
        raise ConfigError(f"language file {path}: {where}: must be a non-empty list of phrases")
    return [p.strip() for p in raw]


def _joined(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(rf"^\s*(?:{'|'.join(re.escape(w) for w in words)})\s*$", re.IGNORECASE)


def _stems(section: Mapping[str, Any], path: Path, where: str) -> tuple[str, ...]:
    return tuple(stem.lower() for stem in _strings(section.get("stems"), path, f"{where}.stems", True))


def _section(
    doc: Mapping[str, Any], key: str, allowed: frozenset[str], path: Path
) -> Mapping[str, Any] | None:
    raw = doc.get(key)
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ConfigError(f"language file {path}: {key}: must be a mapping")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(f"language file {path}: {key}.{unknown[0]}: unknown key (known: {sorted(allowed)})")
    return raw


def parse_language(doc: Any, path: Path) -> LanguageData:
    """Validate and compile one parsed language file; every error names the file and the key."""
    if not isinstance(doc, Mapping):
        raise ConfigError(f"language file {path}: must hold a mapping")
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"language file {path}: {unknown[0]}: unknown key (known: {sorted(_TOP_KEYS)})")
    code = doc.get("language")
    if not isinstance(code, str) or not re.fullmatch(r"[a-z]{2,3}", code):
        raise ConfigError(f"language file {path}: language: must be an ISO 639 code such as 'ru'")
    compiler = _Compiler(
        path, bool(doc.get("word_boundaries", True)), _strings(doc.get("clitics"), path, "clitics")
    )
    breaks = _strings(doc.get("clause_breaks"), path, "clause_breaks") or [";"]
    calls_raw = _section(doc, "calls", _CALL_KEYS, path)
    calls = None
    if calls_raw is not None:

        def cue(key: str) -> re.Pattern[str] | None:
            return compiler.pattern(calls_raw.get(key), f"calls.{key}")

        calls = CallCues(
            stems=_stems(calls_raw, path, "calls"),
            triggers=compiler.required(calls_raw.get("triggers"), "calls.triggers"),
            weak=cue("weak"),
            negation=cue("negation"),
            plan=cue("plan"),
            appeal=cue("appeal"),
            in_person=cue("in_person"),
            caption=cue("caption"),
            background=cue("background"),
            initiator=cue("initiator"),
            initiator_other=cue("initiator_other"),
            plural_subject=cue("plural_subject"),
            separate=cue("separate"),
            first_person=cue("first_person"),
            first_person_talk=cue("first_person_talk"),
            reference=cue("reference"),
            talk=cue("talk"),
        )
    roles_raw = _section(doc, "roles", _ROLE_KEYS, path)
    roles = None
    if roles_raw is not None:
        offices = compiler.mapping(roles_raw.get("offices"), "roles.offices")
        countries = compiler.mapping(roles_raw.get("countries"), "roles.countries")
        if not offices or not countries:
            raise ConfigError(f"language file {path}: roles: needs both offices and countries")
        home_raw = roles_raw.get("home") or {}
        if not isinstance(home_raw, Mapping):
            raise ConfigError(f"language file {path}: roles.home: must map ISO3 -> office -> phrases")
        home = tuple(
            (compiler.required(phrases, f"roles.home.{country}.{office}"), str(country), str(office))
            for country, by_office in home_raw.items()
            for office, phrases in (by_office or {}).items()
        )
        gap = roles_raw.get("gap", 24)
        if not isinstance(gap, int) or gap < 0:
            raise ConfigError(f"language file {path}: roles.gap: must be a whole number of characters")
        roles = RoleWords(
            offices=offices,
            office_any=compiler.alternation(offices, roles_raw.get("offices")),
            countries=countries,
            country_any=compiler.alternation(countries, roles_raw.get("countries")),
            counterpart=compiler.pattern(roles_raw.get("counterpart"), "roles.counterpart"),
            home=home,
            gap=gap,
            joined=_joined(_strings(roles_raw.get("and"), path, "roles.and")),
            designate=compiler.pattern(roles_raw.get("designate"), "roles.designate"),
            designate_after=compiler.pattern(roles_raw.get("designate_after"), "roles.designate_after"),
            institutions=compiler.pattern(roles_raw.get("institutions"), "roles.institutions"),
        )
    cf_raw = _section(doc, "ceasefire", _CEASEFIRE_KEYS, path)
    ceasefire = None
    if cf_raw is not None:
        ceasefire = CeasefireWords(
            stems=_stems(cf_raw, path, "ceasefire"),
            nouns=compiler.required(cf_raw.get("nouns"), "ceasefire.nouns"),
            violated=compiler.required(cf_raw.get("violated"), "ceasefire.violated"),
            declared=compiler.required(cf_raw.get("declared"), "ceasefire.declared"),
            appeal=compiler.pattern(cf_raw.get("appeal"), "ceasefire.appeal"),
            negated=compiler.pattern(cf_raw.get("negated"), "ceasefire.negated"),
            alleged=compiler.pattern(cf_raw.get("alleged"), "ceasefire.alleged"),
            despite=compiler.pattern(cf_raw.get("despite"), "ceasefire.despite"),
            combat=compiler.pattern(cf_raw.get("combat"), "ceasefire.combat"),
            plan=compiler.pattern(cf_raw.get("plan"), "ceasefire.plan"),
            background=compiler.pattern(cf_raw.get("background"), "ceasefire.background"),
            conflicts=compiler.mapping(cf_raw.get("conflicts"), "ceasefire.conflicts"),
            purpose=compiler.pattern(cf_raw.get("purpose"), "ceasefire.purpose"),
            tally=compiler.pattern(cf_raw.get("tally"), "ceasefire.tally"),
            conditional=compiler.pattern(cf_raw.get("conditional"), "ceasefire.conditional"),
        )
    try:
        clause_breaks = re.compile("|".join(breaks), re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"language file {path}: clause_breaks: bad pattern: {exc}") from exc
    return LanguageData(code, str(doc.get("name", code)), clause_breaks, calls, roles, ceasefire)


def load_language(path: Path) -> LanguageData:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"language file {path}: cannot be read: {exc}") from exc
    data = parse_language(doc, path)
    if data.code != path.stem:
        raise ConfigError(f"language file {path}: language: {data.code!r} does not match the file name")
    return data


@functools.lru_cache(maxsize=4)
def load_languages(folder: Path = LANGUAGES_DIR) -> Mapping[str, LanguageData]:
    """Every ``<code>.yaml`` in ``folder``, by language code (read once per process)."""
    return {path.stem: load_language(path) for path in sorted(folder.glob("*.yaml"))}
