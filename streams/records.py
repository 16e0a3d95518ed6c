"""The shared records that travel between stages: Article, Event, Alert.

Plain frozen dataclasses with a JSON wire form, so connectors and alert sinks need neither Faust nor
Kafka to build or read them. Times are timezone-aware UTC datetimes in memory and ISO 8601 strings
(``2020-11-07T18:00:00+00:00``) on the wire; dates are ``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self

import orjson

from streams.errors import RecordError

SCHEMA_VERSION = 1


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def parse_time(value: str | datetime | None) -> datetime | None:
    """An ISO 8601 string (or datetime) as an aware UTC datetime; naive values are taken as UTC.

    Untrusted input gets a ``TypeError`` (not a string) or ``ValueError`` (not a date, or one that has
    no UTC form such as ``9999-12-31T23:59:59-14:00``), never an ``OverflowError``.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str | datetime):  # e.g. epoch numbers or booleans in untrusted JSON
        raise TypeError(f"time must be an ISO 8601 string, not {type(value).__name__}")
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"time {str(value)[:64]!r} is outside the range of UTC datetimes") from exc


def _time_to_wire(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _json_object(raw: bytes | str, what: str) -> dict[str, Any]:
    """Decode one JSON object or raise RecordError naming the record kind."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise RecordError(f"{what} is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise RecordError(f"{what} JSON is not an object")
    return data


def stable_id(*parts: str) -> str:
    """A short, deterministic id from text parts (sha256, 16 hex chars)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


@dataclass(frozen=True, slots=True)
class Article:
    """One news item as a connector saw it; dedupe fills ``duplicate_of`` and ``similarity``."""

    id: str
    url: str
    title: str
    text: str
    published: datetime
    fetched_at: datetime = field(default_factory=utcnow)
    published_is_fallback: bool = False
    updated: datetime | None = None
    summary: str = ""
    authors: tuple[str, ...] = ()
    language: str | None = None
    source_feed: str = ""
    source_site: str = ""
    connector: str = ""
    duplicate_of: str | None = None
    similarity: float | None = None
    schema_version: int = SCHEMA_VERSION
    text_truncated: bool = False  # the connector cut the text to fit the broker's message size
    syndicated_from: str | None = None  # dedupe: a copy of text printed elsewhere first (earliest copy seen)
    agency: str | None = None  # dedupe: the news agency a dateline or credit of the copies names
    # The gazetteer person id of the leader whose own words the source publishes (a president's transcripts,
    # set per feed or spool file): the call detectors read "I"/"we" as that person.
    speaker: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dict(zip(_ARTICLE_FIELDS, _article_values(self), strict=True))
        data["published"] = _time_to_wire(self.published)
        data["fetched_at"] = _time_to_wire(self.fetched_at)
        data["updated"] = _time_to_wire(self.updated)
        data["authors"] = list(self.authors)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        try:
            published = parse_time(data["published"])
            if published is None:
                raise RecordError("article has no published time")
            return cls(
                id=str(data["id"]),
                url=str(data.get("url") or ""),
                title=str(data.get("title") or ""),
                text=str(data.get("text") or ""),
                published=published,
                fetched_at=parse_time(data.get("fetched_at")) or utcnow(),
                published_is_fallback=bool(data.get("published_is_fallback", False)),
                updated=parse_time(data.get("updated")),
                summary=str(data.get("summary") or ""),
                authors=tuple(str(a) for a in data.get("authors") or ()),
                language=data.get("language"),
                source_feed=str(data.get("source_feed") or ""),
                source_site=str(data.get("source_site") or ""),
                connector=str(data.get("connector") or ""),
                duplicate_of=data.get("duplicate_of"),
                similarity=data.get("similarity"),
                schema_version=int(data.get("schema_version", SCHEMA_VERSION)),
                text_truncated=bool(data.get("text_truncated", False)),
                syndicated_from=data.get("syndicated_from"),
                agency=data.get("agency"),
                speaker=str(data["speaker"]) if data.get("speaker") else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RecordError(f"not a valid article: {exc}") from exc

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_json(cls, raw: bytes | str) -> Self:
        return cls.from_dict(_json_object(raw, "article"))

    def replace(self, **changes: Any) -> Article:
        # ``dataclasses.replace`` without its per-call introspection (every field is an init field).
        values = dict(zip(_ARTICLE_FIELDS, _article_values(self), strict=True))
        values.update(changes)
        return type(self)(**values)


# An article's field names in declaration order (the order of its JSON keys), and a getter of their values.
_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_article_values = operator.attrgetter(*_ARTICLE_FIELDS)


@dataclass(frozen=True, slots=True)
class Participant:
    """A person taking part in an event, resolved through the gazetteer where possible."""

    name: str
    country: str | None = None  # ISO 3166-1 alpha-3
    office: str | None = None  # e.g. "president", "prime_minister", "foreign_minister"
    person_id: str | None = None  # gazetteer id, e.g. "putin-vladimir"
    is_leader: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            name=str(data["name"]),
            country=data.get("country"),
            office=data.get("office"),
            person_id=data.get("person_id"),
            is_leader=bool(data.get("is_leader", False)),
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """One report backing an event: the sentence that fired and where it came from."""

    article_id: str
    url: str
    sentence: str
    source: str = ""
    published: datetime | None = None
    rule: str = ""
    language: str | None = None  # of the sentence, which is quoted as the article wrote it

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies every field (the datetime too), and an event carries tens of
        # these (every report's), serialised at each merge, store write and alert.
        return {
            "article_id": self.article_id,
            "url": self.url,
            "sentence": self.sentence,
            "source": self.source,
            "published": _time_to_wire(self.published),
            "rule": self.rule,
            "language": self.language,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            article_id=str(data["article_id"]),
            url=str(data.get("url") or ""),
            sentence=str(data.get("sentence") or ""),
            source=str(data.get("source") or ""),
            published=parse_time(data.get("published")),
            rule=str(data.get("rule") or ""),
            language=data.get("language") or None,
        )


@dataclass(frozen=True, slots=True)
class Place:
    """Where an event happened, resolved through the places gazetteer (``streams.detect.places``)."""

    name: str  # the English (canonical) name
    country: str | None = None  # ISO 3166-1 alpha-2, as the places gazetteer gives it
    latitude: float | None = None
    longitude: float | None = None
    place_id: str | None = None  # geonames id or conflict-lexicon id
    kind: str | None = None  # city | region | country

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        latitude, longitude = data.get("latitude"), data.get("longitude")
        return cls(
            name=str(data["name"]),
            country=data.get("country") or None,
            latitude=None if latitude is None else float(latitude),
            longitude=None if longitude is None else float(longitude),
            place_id=data.get("place_id") or None,
            kind=data.get("kind") or None,
        )


class EventType:
    """Names of the built-in event types (user rules add ``rule:<name>``).

    ``LABELS`` is the one list of built-in types, in display order, each with a human label: the settings,
    store, API, live page and Grafana dashboards read it (``builtin_types``) instead of keeping their own.
    """

    LEADER_CALL = "leader_call"
    OFFICIAL_CONTACT = "official_contact"
    CEASEFIRE_DECLARED = "ceasefire_declared"
    CEASEFIRE_VIOLATED = "ceasefire_violated"
    LEADER_MEETING = "leader_meeting"
    AGREEMENT_SIGNED = "agreement_signed"
    ARMED_ATTACK = "armed_attack"
    SANCTIONS = "sanctions"
    PROTEST = "protest"
    MOBILIZATION = "mobilization"
    THREAT = "threat"
    AID = "aid"

    LABELS: Mapping[str, str] = {
        LEADER_CALL: "Leader call",
        OFFICIAL_CONTACT: "Official contact",
        CEASEFIRE_DECLARED: "Ceasefire declared",
        CEASEFIRE_VIOLATED: "Ceasefire violated",
        LEADER_MEETING: "Leader meeting",
        AGREEMENT_SIGNED: "Agreement signed",
        ARMED_ATTACK: "Armed attack",
        SANCTIONS: "Sanctions",
        PROTEST: "Protest",
        MOBILIZATION: "Mobilization",
        THREAT: "Threat",
        AID: "Aid",
    }
    ALL: tuple[str, ...] = tuple(LABELS)


def builtin_types() -> Mapping[str, str]:
    """Every built-in event type name with its human label, in display order."""
    return EventType.LABELS


def type_label(event_type: str) -> str:
    """The human label of an event type: the built-in label, or ``rule:<name>`` as written."""
    return EventType.LABELS.get(event_type, event_type)


@dataclass(frozen=True, slots=True)
class Event:
    """A real-world happening: one per type + participants (or conflict) + date, merged across reports."""

    type: str
    date: str  # YYYY-MM-DD of the happening itself, not of the report
    participants: tuple[Participant, ...] = ()
    conflict: str | None = None
    place: Place | None = None
    initiator: str | None = None
    alleged: bool = False
    topics: tuple[str, ...] = ()
    cameo: str | None = None
    plover_category: str | None = None
    plover_mode: str | None = None
    severity: str = "info"  # info | warning | critical
    rule: str | None = None
    language: str | None = None  # of the first report
    languages: tuple[str, ...] = ()  # every language that reported it (see ``reported_languages``)
    headline: str = ""
    evidence: tuple[Evidence, ...] = ()
    sources: tuple[str, ...] = ()  # distinct independent sources (copies of one wire story count once)
    outlets: tuple[str, ...] = ()  # every site that printed a report, copies included, in order seen
    first_reported: datetime | None = None
    last_reported: datetime | None = None
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        # ``languages`` always holds every reporting language, so an event equals its JSON round trip.
        reported = self.reported_languages
        if reported != self.languages:
            object.__setattr__(self, "languages", reported)
        # ``outlets`` always holds the sources too (a report from detection names only its source).
        outlets = tuple(dict.fromkeys((*self.outlets, *self.sources)))
        if outlets != self.outlets:
            object.__setattr__(self, "outlets", outlets)

    @property
    def key(self) -> str:
        """Identity: type, sorted participants (or conflict), date and, when named, the place."""
        who = sorted(p.person_id or p.name.lower() for p in self.participants)
        key = "|".join([self.type, ",".join(who) or (self.conflict or "").lower(), self.date])
        if self.place is not None:
            key += "|" + (self.place.place_id or self.place.name.lower())
        return key

    @property
    def id(self) -> str:
        return stable_id(self.key)

    @property
    def source_count(self) -> int:
        return len(self.sources)

    @property
    def reported_languages(self) -> tuple[str, ...]:
        """Sorted codes of the languages that reported the event: ``languages``, ``language``, evidence."""
        found = {*self.languages, self.language, *(e.language for e in self.evidence)}
        return tuple(sorted(code for code in found if code))

    @property
    def summary(self) -> str:
        """An English line from the fields, whatever the reports' languages: "leader call: Vladimir Putin
        – Emmanuel Macron, 2020-11-07, reported in en, fr, ru"."""
        kind = self.type.replace("_", " ")
        who = " – ".join(p.name for p in self.participants) or self.conflict or "unnamed"
        where = f", in {self.place.name}" if self.place is not None else ""
        languages = ", ".join(self.reported_languages) or "unknown languages"
        return f"{kind}: {who}{where}, {self.date}, reported in {languages}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "date": self.date,
            "participants": [p.to_dict() for p in self.participants],
            "conflict": self.conflict,
            "place": None if self.place is None else self.place.to_dict(),
            "initiator": self.initiator,
            "alleged": self.alleged,
            "topics": list(self.topics),
            "cameo": self.cameo,
            "plover_category": self.plover_category,
            "plover_mode": self.plover_mode,
            "severity": self.severity,
            "rule": self.rule,
            "language": self.language,
            "languages": list(self.reported_languages),
            "summary": self.summary,
            "headline": self.headline,
            "evidence": [e.to_dict() for e in self.evidence],
            "sources": list(self.sources),
            "source_count": self.source_count,
            "outlets": list(self.outlets),
            "first_reported": _time_to_wire(self.first_reported),
            "last_reported": _time_to_wire(self.last_reported),
            "schema_version": self.schema_version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        try:
            return cls(
                type=str(data["type"]),
                date=str(data["date"]),
                participants=tuple(Participant.from_dict(p) for p in data.get("participants") or ()),
                conflict=data.get("conflict"),
                place=Place.from_dict(data["place"]) if data.get("place") else None,
                initiator=data.get("initiator"),
                alleged=bool(data.get("alleged", False)),
                topics=tuple(data.get("topics") or ()),
                cameo=data.get("cameo"),
                plover_category=data.get("plover_category"),
                plover_mode=data.get("plover_mode"),
                severity=str(data.get("severity") or "info"),
                rule=data.get("rule"),
                language=data.get("language"),
                languages=tuple(str(code) for code in data.get("languages") or ()),
                headline=str(data.get("headline") or ""),
                evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence") or ()),
                sources=tuple(data.get("sources") or ()),
                outlets=tuple(data.get("outlets") or ()),
                first_reported=parse_time(data.get("first_reported")),
                last_reported=parse_time(data.get("last_reported")),
                schema_version=int(data.get("schema_version", SCHEMA_VERSION)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RecordError(f"not a valid event: {exc}") from exc

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_json(cls, raw: bytes | str) -> Self:
        return cls.from_dict(_json_object(raw, "event"))

    def replace(self, **changes: Any) -> Event:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Alert:
    """A decision to tell users about an event; ``reason`` says why (first, new_source, ...)."""

    event: Event
    reason: str
    created_at: datetime = field(default_factory=utcnow)

    @property
    def id(self) -> str:
        """Stable per event and reason-generation: the same decision re-made yields the same id."""
        return stable_id(self.event.id, self.reason, str(self.event.source_count))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reason": self.reason,
            "created_at": _time_to_wire(self.created_at),
            "event": self.event.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        try:
            return cls(
                event=Event.from_dict(data["event"]),
                reason=str(data["reason"]),
                created_at=parse_time(data.get("created_at")) or utcnow(),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RecordError(f"not a valid alert: {exc}") from exc

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_json(cls, raw: bytes | str) -> Self:
        return cls.from_dict(_json_object(raw, "alert"))
