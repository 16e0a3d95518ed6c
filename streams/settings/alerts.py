"""Alert sinks, routes, grouping, silences and delivery (owned by the alerts package; see docs/alerts.md).

The simple setup needs no lists at all: ``console: true`` prints alerts and ``webhook_url`` (env
``NEWSWATCH_WEBHOOK_URL``) adds a signed generic webhook; both then receive every alert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from streams.records import EventType
from streams.settings.base import Section

SINK_TYPES_HELP = "slack, webhook, discord, teams, console, jsonl"
GROUP_LABELS = frozenset(
    {"type", "date", "severity", "rule", "country", "participant", "participants", "reason", "event", "id"}
)


def _check_types(types: tuple[str, ...]) -> tuple[str, ...]:
    """Route type conditions: built-in types, ``rule:<name>`` or a prefix ending in ``*`` ("rule:*")."""
    names = [t.lower() for t in types]  # matching ignores case
    unknown = [
        t for t in names if t not in EventType.LABELS and not t.startswith("rule:") and not t.endswith("*")
    ]
    if unknown:
        known = ", ".join(EventType.ALL)
        raise ValueError(
            f"unknown event types {unknown}; known: {known}, rule:<name>, or a prefix ending in *"
        )
    return types


def _check_labels(labels: tuple[str, ...] | None) -> tuple[str, ...] | None:
    unknown = sorted(set(labels or ()) - GROUP_LABELS)
    if unknown:
        raise ValueError(f"unknown group_by labels {unknown}; known: {', '.join(sorted(GROUP_LABELS))}")
    return labels


class SinkSettings(Section):
    """One configured sink; ``type`` picks the plug-in, the other fields are used where they apply."""

    name: str = Field(min_length=1, description="Unique sink name, used in routes, logs and metric labels.")
    type: str = Field(description=f"Sink plug-in: {SINK_TYPES_HELP}.")
    url: SecretStr | None = Field(
        default=None, description="Endpoint URL (slack, webhook, discord, teams); a secret."
    )
    secrets: tuple[SecretStr, ...] = Field(
        default=(),
        description="Standard Webhooks signing secrets (whsec_...); all sign, the first is current.",
    )
    path: str | None = Field(
        default=None, description="Output file (jsonl); default <state_dir>/alerts.jsonl."
    )
    template: str | None = Field(
        default=None,
        description="Text template ($headline, $type, $date, $participants, $sources, $outlets, $url, "
        "$severity).",
    )
    template_file: str | None = Field(
        default=None, description="File holding the text template (overrides template)."
    )
    timeout_seconds: float = Field(
        default=10.0, gt=0, description="Per-attempt timeout (connect + response)."
    )
    rate_per_second: float = Field(
        default=0.0, ge=0, description="Sustained sends per second (0: the sink's default)."
    )
    burst: int = Field(
        default=1, ge=1, description="Sends allowed back-to-back before the rate limit applies."
    )
    concurrency: int = Field(
        default=4,
        ge=1,
        description="Deliveries in flight at once for this sink (also the most a worker crash can repeat).",
    )
    queue_size: int = Field(
        default=1000,
        ge=1,
        description="Deliveries queued for this sink; when full, new alerts wait (back-pressure) while the "
        "sink's circuit is closed and go to the dead-letter topic while it is open (the sink is down).",
    )
    max_links: int = Field(default=10, ge=0, description="Article links shown in chat messages.")
    enabled: bool = Field(default=True, description="Set false to keep the entry but send nothing.")


class MatchSettings(Section):
    """Route conditions; every listed condition must hold, an empty list means any."""

    types: tuple[str, ...] = Field(default=(), description="Event types (leader_call, rule:<name>, ...).")
    participants: tuple[str, ...] = Field(
        default=(), description="Person ids or names (case-insensitive); any one."
    )
    countries: tuple[str, ...] = Field(
        default=(), description="ISO 3166-1 alpha-3 codes of participants; any one."
    )
    severities: tuple[str, ...] = Field(default=(), description="info, warning, critical.")
    rules: tuple[str, ...] = Field(default=(), description="User rule names (the event's rule); any one.")
    min_sources: int = Field(default=0, ge=0, description="Least number of distinct sources.")

    _types_known = field_validator("types")(_check_types)


class RouteSettings(Section):
    """A route: which alerts go to which sinks, and how they are grouped."""

    name: str = Field(min_length=1, description="Route name for logs and metrics.")
    match: MatchSettings = Field(default_factory=MatchSettings, description="Conditions (all must hold).")
    sinks: tuple[str, ...] = Field(min_length=1, description="Names of the sinks this route sends to.")
    group_by: tuple[str, ...] | None = Field(
        default=None,
        description="Labels grouping alerts (type, date, severity, rule, country, participants).",
    )
    group_wait_seconds: float | None = Field(
        default=None, ge=0, description="Wait before a new group's first send."
    )
    group_interval_seconds: float | None = Field(
        default=None, ge=0, description="Wait between sends of one group."
    )
    repeat_interval_seconds: float | None = Field(
        default=None, ge=0, description="Least time before another alert about an already-sent event is sent."
    )
    continue_matching: bool = Field(
        default=False, description="Also try later routes after this one matched."
    )

    _group_by_known = field_validator("group_by")(_check_labels)


class RetrySettings(Section):
    """The delivery wrapper's retry budget and back-off."""

    max_attempts: int = Field(
        default=40,
        ge=1,
        description="Attempts per (alert, sink) before the dead-letter topic (with the default back-off, "
        "max_elapsed_seconds is reached first, so a 10-minute sink outage is ridden out).",
    )
    max_elapsed_seconds: float = Field(
        default=900.0, gt=0, description="Give up (dead-letter) after this long."
    )
    initial_backoff_seconds: float = Field(
        default=1.0, ge=0, description="Back-off before the second attempt."
    )
    max_backoff_seconds: float = Field(default=60.0, ge=0, description="Back-off ceiling.")
    multiplier: float = Field(default=2.0, ge=1, description="Back-off growth per attempt.")
    jitter: float = Field(default=0.5, ge=0, le=1, description="Fraction of each back-off drawn at random.")
    max_retry_after_seconds: float = Field(default=300.0, ge=0, description="Cap on a server's Retry-After.")


class CircuitSettings(Section):
    """The per-sink circuit breaker."""

    failure_threshold: int = Field(
        default=5, ge=1, description="Consecutive failed attempts that open the circuit."
    )
    reset_seconds: float = Field(
        default=30.0, gt=0, description="Open time before one trial attempt (half-open)."
    )


class AlertSettings(Section):
    console: bool = Field(
        default=True, description="Print every alert to the console (implicit sink 'console')."
    )
    webhook_url: SecretStr | None = Field(
        default=None, description="Generic webhook URL (env NEWSWATCH_WEBHOOK_URL; implicit sink 'webhook')."
    )
    webhook_secrets: tuple[SecretStr, ...] = Field(
        default=(), description="Signing secrets (whsec_...) for the implicit 'webhook' sink."
    )
    source: str = Field(default="urn:newswatch", description="CloudEvents 'source' of every alert payload.")
    state_dir: str = Field(
        default="var/alerts", description="Folder for silences, the replay delivery log, files."
    )
    silences_path: str | None = Field(
        default=None, description="Silences file (default <state_dir>/silences.json)."
    )
    sinks: tuple[SinkSettings, ...] = Field(
        default=(), description="Configured sinks (besides console/webhook_url)."
    )
    routes: tuple[RouteSettings, ...] = Field(
        default=(), description="Routes, tried in order; none configured: every alert goes to every sink."
    )
    group_by: tuple[str, ...] = Field(
        default=("type", "date"), description="Default grouping labels for routes."
    )
    group_wait_seconds: float = Field(
        default=0.0, ge=0, description="Default wait before a new group's first send."
    )
    group_interval_seconds: float = Field(
        default=0.0, ge=0, description="Default wait between sends of one group."
    )
    repeat_interval_seconds: float = Field(
        default=0.0, ge=0, description="Default least time between alerts about the same event (0: off)."
    )
    retry: RetrySettings = Field(default_factory=RetrySettings, description="Retry budget and back-off.")
    circuit: CircuitSettings = Field(default_factory=CircuitSettings, description="Per-sink circuit breaker.")
    default_types: tuple[str, ...] = Field(
        default=("leader_call", "ceasefire_declared", "ceasefire_violated", "rule:*"),
        description="Event types the implicit default route (used when no routes are configured) alerts on; "
        "'prefix*' matches by prefix. Lower tiers such as official_contact are stored, not alerted, "
        "unless a route names them.",
    )
    type_routes: dict[str, str] = Field(
        default_factory=dict,
        description="Event type -> name of a configured route: that type's alerts take this route before "
        "any other is tried (e.g. armed_attack: conflict-desk); switch a type off or set its severity "
        "under detect.types.",
    )
    agent_concurrency: int = Field(
        default=1,
        ge=1,
        description="Alert agent actors; each hands an alert to its sinks' queues without waiting for "
        "the deliveries (1 keeps the topic's order).",
    )
    silence_reload_seconds: float = Field(
        default=2.0, gt=0, description="How often the worker re-reads silences."
    )
    shutdown_timeout_seconds: float = Field(
        default=10.0, ge=0, description="Time close() waits for queued sends."
    )

    _group_by_known = field_validator("group_by")(_check_labels)
    _default_types_known = field_validator("default_types")(_check_types)

    @field_validator("sinks")
    @classmethod
    def _unique_sinks(cls, sinks: tuple[SinkSettings, ...]) -> tuple[SinkSettings, ...]:
        names = [s.name for s in sinks]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate sink names: {', '.join(dupes)}")
        return sinks

    @field_validator("routes")
    @classmethod
    def _routes_name_active_sinks(
        cls, routes: tuple[RouteSettings, ...], info: ValidationInfo
    ) -> tuple[RouteSettings, ...]:
        so_far = cls.model_construct(**info.data)  # the sinks and simple settings, validated before routes
        running = (s.name for s in active_sinks(so_far))
        problem = route_sink_problem(((r.name, r.sinks) for r in routes), running)
        if problem:
            raise ValueError(problem)
        return routes

    @field_validator("type_routes")
    @classmethod
    def _type_routes_name_routes(cls, type_routes: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        known_types = set(EventType.ALL)
        routes = {route.name for route in info.data.get("routes", ())}
        for event_type, route in type_routes.items():
            if event_type not in known_types and not event_type.startswith("rule:"):
                raise ValueError(
                    f"unknown event type {event_type!r}; known: {', '.join(EventType.ALL)} or rule:<name>"
                )
            if route not in routes:
                configured = ", ".join(sorted(routes)) or "none configured"
                raise ValueError(f"{event_type}: route {route!r} is not a configured route ({configured})")
        return type_routes


def active_sinks(settings: AlertSettings) -> list[SinkSettings]:
    """The sinks that run: the enabled configured ones plus 'console' and 'webhook' from the simple
    settings, unless a configured sink has that name (explicit names win, also when disabled)."""
    sinks = [s for s in settings.sinks if s.enabled]
    names = {s.name for s in settings.sinks}
    if settings.console and "console" not in names:
        sinks.append(SinkSettings(name="console", type="console", concurrency=1))
    if settings.webhook_url is not None and "webhook" not in names:
        sinks.append(
            SinkSettings(
                name="webhook", type="webhook", url=settings.webhook_url, secrets=settings.webhook_secrets
            )
        )
    return sinks


def route_sink_problem(routes: Iterable[tuple[str, Sequence[str]]], sinks: Iterable[str]) -> str | None:
    """Why the first route naming a sink that does not run (unknown or disabled) is wrong; None if none."""
    running = set(sinks)
    for name, route_sinks in routes:
        missing = [s for s in route_sinks if s not in running]
        if missing:
            return f"route {name!r} names unknown or disabled sinks: {', '.join(missing)}"
    return None
