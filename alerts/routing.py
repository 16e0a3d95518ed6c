"""Routes: match alerts on event type, participants, countries, severity and rule; pick sinks; group keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from streams.records import Alert
from streams.settings.alerts import AlertSettings, MatchSettings, RouteSettings


def alert_labels(alert: Alert) -> dict[str, tuple[str, ...]]:
    """Lower-cased label values of an alert; list labels (country, participant) may hold several."""
    event = alert.event
    participants = tuple(sorted({(p.person_id or p.name).lower() for p in event.participants}))
    names = tuple(sorted({p.name.lower() for p in event.participants}))
    countries = tuple(sorted({p.country.lower() for p in event.participants if p.country}))
    return {
        "id": (alert.id.lower(),),
        "event": (event.id.lower(),),
        "type": (event.type.lower(),),
        "date": (event.date,),
        "severity": (event.severity.lower(),),
        "rule": ((event.rule or "").lower(),),
        "reason": (alert.reason.lower(),),
        "country": countries,
        "participant": tuple(sorted(set(participants) | set(names))),
        "participants": participants,
    }


def _any(wanted: Iterable[str], have: Iterable[str]) -> bool:
    wanted_set = {w.lower() for w in wanted}
    return not wanted_set or bool(wanted_set & set(have))


def _types_match(wanted: Iterable[str], event_type: str) -> bool:
    """Empty matches all; ``prefix*`` matches every type starting with ``prefix`` (``rule:*``)."""
    patterns = [w.lower() for w in wanted]
    return not patterns or any(
        event_type.startswith(p[:-1]) if p.endswith("*") else event_type == p for p in patterns
    )


def _rule_names(rule: str) -> set[str]:
    return {rule, rule.removeprefix("rule:")} if rule else set()


def matches(match: MatchSettings, alert: Alert) -> bool:
    """True when every listed condition holds (an empty list matches anything)."""
    labels = alert_labels(alert)
    rule = labels["rule"][0]
    event_type = labels["type"][0]
    return (
        _types_match(match.types, event_type)
        and _any(match.participants, labels["participant"])
        and _any(match.countries, labels["country"])
        and _any(match.severities, labels["severity"])
        and _any((r.removeprefix("rule:") for r in match.rules), _rule_names(rule) | _rule_names(event_type))
        and alert.event.source_count >= match.min_sources
    )


@dataclass(frozen=True, slots=True)
class Route:
    """A resolved route: its conditions, sinks and grouping timings (defaults filled in)."""

    name: str
    match: MatchSettings
    sinks: tuple[str, ...]
    group_by: tuple[str, ...]
    group_wait: float
    group_interval: float
    repeat_interval: float
    continue_matching: bool = False

    def group_key(self, alert: Alert) -> str:
        """The group an alert belongs to on this route: the values of its ``group_by`` labels."""
        labels = alert_labels(alert)
        return "|".join(f"{name}={','.join(labels.get(name, ()))}" for name in self.group_by)

    @classmethod
    def from_settings(cls, route: RouteSettings, defaults: AlertSettings) -> Route:
        return cls(
            name=route.name,
            match=route.match,
            sinks=route.sinks,
            group_by=defaults.group_by if route.group_by is None else route.group_by,
            group_wait=_pick(route.group_wait_seconds, defaults.group_wait_seconds),
            group_interval=_pick(route.group_interval_seconds, defaults.group_interval_seconds),
            repeat_interval=_pick(route.repeat_interval_seconds, defaults.repeat_interval_seconds),
            continue_matching=route.continue_matching,
        )


def _pick(value: float | None, default: float) -> float:
    return default if value is None else value


def build_routes(settings: AlertSettings, sink_names: Iterable[str]) -> list[Route]:
    """The configured routes, or one ``default`` route to every sink when none are configured."""
    if settings.routes:
        routes = [Route.from_settings(r, settings) for r in settings.routes]
        return [*_type_routes(settings, routes), *routes]
    names = tuple(sink_names)
    if not names:
        return []
    default = RouteSettings(name="default", sinks=names, match=MatchSettings(types=settings.default_types))
    return [Route.from_settings(default, settings)]


def _type_routes(settings: AlertSettings, routes: list[Route]) -> list[Route]:
    """``type_routes``: each type's route (its other conditions kept) for that type alone, tried first."""
    by_name = {route.name: route for route in routes}
    pinned = []
    for event_type, name in settings.type_routes.items():
        route = by_name[name]
        match = route.match.model_copy(update={"types": (event_type,)})
        pinned.append(replace(route, match=match, continue_matching=False))
    return pinned


def select_routes(routes: Iterable[Route], alert: Alert) -> list[Route]:
    """Matching routes in order; the first match ends the search unless it says continue_matching."""
    chosen: list[Route] = []
    for route in routes:
        if matches(route.match, alert):
            chosen.append(route)
            if not route.continue_matching:
                break
    return chosen
