"""User rules: watchlists and simple event types from a YAML file, validated at start-up, no code needed.

A rule fires on a sentence that holds one of its keywords and enough of its entities (gazetteer person
ids, watchlists, or literal names) within ``proximity`` words of the keyword, unless a negation or an
excluded phrase guards it. Format: docs/detection.md ("User rules").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from streams.detect.codes import PLOVER_CATEGORIES
from streams.detect.dates import find_dates, pick_event_date
from streams.detect.detector import ArticleText, EventFields, Finding, Rejection
from streams.detect.gazetteer import Gazetteer
from streams.detect.sentences import Sentence, has_odd_inline_space
from streams.errors import ConfigError
from streams.records import EventType, Participant

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_PERSON_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_NEGATION = re.compile(r"\b(?:not|no|never|denied|denies|deny|without|nor)\b|n't\b", re.IGNORECASE)
_WORDS = re.compile(r"\S+")
_SPACES = re.compile(r"\s+")


class RuleSpec(BaseModel):
    """One user rule as written in the file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="Event type becomes rule:<name>; lower case, digits, underscores.")
    type: str | None = Field(
        None,
        description="A built-in event type (armed_attack, protest, ...) the rule reports instead of "
        "rule:<name>: its keywords extend that type's vocabulary (its codes unless the rule names its own).",
    )
    description: str = ""
    keywords: list[str] = Field(min_length=1, description="Any one of these words or phrases must occur.")
    require_all: list[str] = Field(default_factory=list, description="Every one of these must occur too.")
    entities: list[str] = Field(default_factory=list, description="Person ids, @watchlists or literal names.")
    min_entities: int = Field(1, ge=0, description="How many distinct entities must be near a keyword.")
    proximity: int | None = Field(
        12, ge=1, description="Max words between keyword and entity; null = sentence."
    )
    negation_guard: bool = Field(
        True, description="Skip sentences negating the keyword ('did not sanction')."
    )
    exclude: list[str] = Field(default_factory=list, description="Phrases that veto the sentence.")
    languages: list[str] = Field(default_factory=lambda: ["en"])
    severity: Literal["info", "warning", "critical"] = "info"
    cameo: str | None = Field(None, pattern=r"^\d{2,4}$")
    plover_category: str | None = None
    plover_mode: str | None = None

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("must be lower case letters, digits and underscores, starting with a letter")
        return value

    @field_validator("type")
    @classmethod
    def _check_type(cls, value: str | None) -> str | None:
        if value is not None and value not in EventType.LABELS:
            raise ValueError(f"unknown event type {value!r}; one of {', '.join(EventType.ALL)}")
        return value

    @field_validator("plover_category")
    @classmethod
    def _check_plover(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in PLOVER_CATEGORIES:
            raise ValueError(f"unknown PLOVER category {value!r}; one of {sorted(PLOVER_CATEGORIES)}")
        return value.upper() if value else None

    @field_validator("keywords", "require_all", "exclude")
    @classmethod
    def _check_phrases(cls, value: list[str]) -> list[str]:
        if any(not phrase.strip() for phrase in value):
            raise ValueError("empty phrase")
        return value


class RuleFile(BaseModel):
    """The whole rule file: named watchlists and the rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    watchlists: dict[str, list[str]] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RuleFinding:
    """A user rule that fired on one sentence."""

    event_type: str
    sentence: Sentence
    participants: tuple[Participant, ...]
    day: date
    date_explicit: bool
    rule: str
    severity: str
    cameo: str | None
    plover_category: str | None
    plover_mode: str | None
    keywords: tuple[str, ...]

    def identity(self) -> str:
        return ",".join(sorted(p.person_id or p.name.lower() for p in self.participants))

    def fields(self, group: Sequence[Finding]) -> EventFields:
        codes = (self.cameo, self.plover_category, self.plover_mode)
        chosen = codes if any(codes) else None  # none named: the event type's own codes (a built-in's)
        return EventFields(self.participants, topics=self.keywords, severity=self.severity, codes=chosen)


def _phrase_pattern(phrases: Sequence[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    alternation = "|".join(re.escape(p.strip()) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", flags)


@dataclass
class _CompiledRule:
    spec: RuleSpec
    keywords: re.Pattern[str]
    require_all: tuple[re.Pattern[str], ...]
    exclude: re.Pattern[str] | None
    person_ids: frozenset[str]
    literals: re.Pattern[str] | None


class RuleSet:
    """Validated user rules, compiled; ``bind`` checks person ids against the gazetteer."""

    def __init__(self, rule_file: RuleFile, origin: str = "<rules>") -> None:
        self.origin = origin
        self.file = rule_file
        self._compiled: list[_CompiledRule] = []
        self._gazetteer: Gazetteer | None = None
        names = [rule.name for rule in rule_file.rules]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ConfigError(f"rules file {origin}: duplicate rule names {duplicates}")
        for index, rule in enumerate(rule_file.rules):
            for entity in rule.entities:
                if entity.startswith("@") and entity[1:] not in rule_file.watchlists:
                    raise ConfigError(
                        f"rules file {origin}: rules[{index}] ({rule.name}).entities: "
                        f"unknown watchlist {entity!r}"
                        f" (known: {sorted(rule_file.watchlists)})"
                    )
            if rule.min_entities > 0 and not rule.entities:
                raise ConfigError(
                    f"rules file {origin}: rules[{index}] ({rule.name}): min_entities > 0 needs entities"
                )

    @classmethod
    def empty(cls) -> RuleSet:
        return cls(RuleFile())

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, origin: str = "<rules>") -> RuleSet:
        """Validate a parsed rule file; every error names the rule and the field."""
        try:
            rule_file = RuleFile.model_validate(dict(data or {}))
        except ValidationError as exc:
            lines = [f"invalid rules file {origin}:"]
            raw_rules = (data or {}).get("rules") if isinstance(data, Mapping) else None
            for item in exc.errors():
                loc = list(item["loc"])
                where = ".".join(str(p) for p in loc) or "(root)"
                if (
                    len(loc) > 1
                    and loc[0] == "rules"
                    and isinstance(loc[1], int)
                    and isinstance(raw_rules, list)
                ):
                    raw = raw_rules[loc[1]] if loc[1] < len(raw_rules) else None
                    if isinstance(raw, Mapping) and raw.get("name"):
                        where = f"rules[{loc[1]}] ({raw['name']})." + ".".join(str(p) for p in loc[2:])
                lines.append(f"  {where}: {item['msg']}")
            raise ConfigError("\n".join(lines)) from exc
        return cls(rule_file, origin)

    @classmethod
    def load(cls, path: str | Path) -> RuleSet:
        file = Path(path)
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"rules file not found: {file}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"rules file {file} is not valid YAML: {exc}") from exc
        if data is not None and not isinstance(data, Mapping):
            raise ConfigError(
                f"rules file {file} must hold a mapping with 'rules' (and optional 'watchlists')"
            )
        return cls.from_mapping(data, str(file))

    def __bool__(self) -> bool:
        return bool(self.file.rules)

    def __len__(self) -> int:
        return len(self.file.rules)

    def covers(self, language: str) -> bool:
        return any(language in rule.languages for rule in self.file.rules)

    def may_fire(self, text: str, language: str) -> bool:
        """False only when no rule covering ``language`` has a keyword anywhere in ``text`` (an article).

        Every sentence's text is a verbatim part of ``text`` (its neighbours are white space) unless a
        line holds a run of spaces or other white space, which the splitter collapses: only when the
        text as it stands shows no keyword are such texts collapsed the same way and looked at again.
        """
        active = [c for c in self._compiled if language in c.spec.languages]
        if any(rule.keywords.search(text) for rule in active):
            return True
        if not active or not has_odd_inline_space(text):
            return False
        flat = _SPACES.sub(" ", text)
        return any(rule.keywords.search(flat) for rule in active)

    def bind(self, gazetteer: Gazetteer) -> None:
        """Compile against ``gazetteer``; an entity that looks like a person id but is unknown is an error."""
        self._gazetteer = gazetteer
        compiled: list[_CompiledRule] = []
        for index, rule in enumerate(self.file.rules):
            entities: list[str] = []
            for entity in rule.entities:
                entities.extend(self.file.watchlists[entity[1:]] if entity.startswith("@") else [entity])
            person_ids: set[str] = set()
            literals: list[str] = []
            for entity in entities:
                if _PERSON_ID.match(entity):
                    try:
                        gazetteer.person(entity)
                    except KeyError:
                        raise ConfigError(
                            f"rules file {self.origin}: rules[{index}] ({rule.name}).entities: "
                            "unknown person id "
                            f"{entity!r} (write a name instead to match it literally)"
                        ) from None
                    person_ids.add(entity)
                else:
                    literals.append(entity)
            compiled.append(
                _CompiledRule(
                    spec=rule,
                    keywords=_phrase_pattern(rule.keywords),
                    require_all=tuple(_phrase_pattern([p]) for p in rule.require_all),
                    exclude=_phrase_pattern(rule.exclude) if rule.exclude else None,
                    person_ids=frozenset(person_ids),
                    literals=_phrase_pattern(literals, 0) if literals else None,
                )
            )
        self._compiled = compiled

    def detect(
        self, sentences: Sequence[Sentence], published: date, language: str
    ) -> tuple[list[RuleFinding], list[Rejection]]:
        """Every rule firing in ``sentences``; rules not covering ``language`` are skipped."""
        findings: list[RuleFinding] = []
        rejections: list[Rejection] = []
        active = [c for c in self._compiled if language in c.spec.languages]
        if not active:
            return findings, rejections
        for sentence in sentences:
            names_cache: list[tuple[int, int, str]] | None = None
            for rule in active:
                keyword = rule.keywords.search(sentence.text)
                if keyword is None:
                    continue
                if names_cache is None and rule.person_ids and self._gazetteer is not None:
                    names_cache = [
                        (m.start, m.end, m.person_id) for m in self._gazetteer.find_names(sentence.text)
                    ]
                outcome = self._apply(rule, sentence, keyword, names_cache or [], published)
                if isinstance(outcome, RuleFinding):
                    findings.append(outcome)
                elif outcome is not None:
                    rejections.append(outcome)
        return findings, rejections

    def _apply(
        self,
        rule: _CompiledRule,
        sentence: Sentence,
        keyword: re.Match[str],
        names: list[tuple[int, int, str]],
        published: date,
    ) -> RuleFinding | Rejection | None:
        spec = rule.spec
        text = sentence.text
        tag = f"rule:{spec.name}/{keyword.group(0).lower()}"
        if any(pattern.search(text) is None for pattern in rule.require_all):
            return None
        entities: dict[str, Participant] = {}
        for start, end, person_id in names:
            if person_id in rule.person_ids and _near(text, keyword, start, end, spec.proximity):
                entities[person_id] = self._person(person_id, published)
        if rule.literals is not None:
            for match in rule.literals.finditer(text):
                if _near(text, keyword, match.start(), match.end(), spec.proximity):
                    entities.setdefault(match.group(0).lower(), Participant(name=match.group(0)))
        if len(entities) < spec.min_entities:
            return Rejection(text, tag, "too_few_entities") if entities else None
        if rule.exclude is not None and rule.exclude.search(text):
            return Rejection(text, tag, "excluded")
        if spec.negation_guard and _NEGATION.search(text[max(0, keyword.start() - 30) : keyword.start()]):
            return Rejection(text, tag, "negated")
        chosen = pick_event_date(find_dates(text, published), keyword.start())
        day = (
            chosen.day
            if chosen is not None and chosen.day is not None and chosen.day <= published
            else published
        )
        participants = tuple(sorted(entities.values(), key=lambda p: p.person_id or p.name.lower()))
        return RuleFinding(
            event_type=spec.type or f"rule:{spec.name}",
            sentence=sentence,
            participants=participants,
            day=day,
            date_explicit=chosen is not None,
            rule=tag,
            severity=spec.severity,
            cameo=spec.cameo,
            plover_category=spec.plover_category,
            plover_mode=spec.plover_mode,
            keywords=tuple(sorted({m.group(0).lower() for m in rule.keywords.finditer(text)})),
        )

    def _person(self, person_id: str, day: date) -> Participant:
        assert self._gazetteer is not None
        person = self._gazetteer.person(person_id)
        term = self._gazetteer.leader_term_on(person_id, day)
        if term is None:
            terms = self._gazetteer.terms_on(person_id, day)
            term = terms[0] if terms else None
        if term is None:
            return Participant(person.name, person_id=person_id)
        return Participant(person.name, term.country, term.office, person_id, term.is_leader)


def _near(text: str, keyword: re.Match[str], start: int, end: int, proximity: int | None) -> bool:
    if proximity is None:
        return True
    if end <= keyword.start():
        between = text[end : keyword.start()]
    elif start >= keyword.end():
        between = text[keyword.end() : start]
    else:
        return True
    return len(_WORDS.findall(between)) <= proximity


class RuleDetector:
    """A rule set behind the detector seam: it covers the languages its rules declare."""

    name = "rules"

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.languages = frozenset(lang for rule in rules.file.rules for lang in rule.languages)

    def gate_words(self) -> frozenset[bytes]:
        return frozenset()

    def may_fire(self, article: ArticleText) -> bool:
        return self.rules.may_fire(article.text, article.language)

    def detect(
        self, sentences: Sequence[Sentence], article: ArticleText
    ) -> tuple[list[RuleFinding], list[Rejection]]:
        return self.rules.detect(sentences, article.published, article.language)
