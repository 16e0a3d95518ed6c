#!/usr/bin/env python3
"""Write the Grafana dashboards in dashboards/*.json from the panel lists below (stdlib only).

The JSON files are committed so Grafana's file provisioning loads them as they are; this script is the
one place they are edited. After changing a panel, run
``.venv/bin/python deploy/grafana/generate_dashboards.py`` and commit both; a test fails when the files
and the script disagree. Prometheus panels use the ``$datasource`` variable and filter every selector
by ``$job`` and ``$instance`` (plus ``$feed`` or ``$sink`` where it applies); table panels of the events
dashboard run the event-store queries in ``deploy/grafana/sql/*.sql`` on the PostgreSQL datasource, and
its "Timeline, map and contacts" row draws the live page's three views from the same store (time series
by type, geomap by country, node graph of who called or met whom).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the repository root: the built-in event types come from streams

from streams.records import EventType  # noqa: E402

OUT = HERE / "dashboards"
SQL_DIR = HERE / "sql"
# Where the page and the geomap put events that name only a conflict (one file for both).
CONFLICT_COUNTRIES = HERE.parents[1] / "streams" / "store" / "page" / "conflict_countries.json"

PROMETHEUS = {"type": "prometheus", "uid": "${datasource}"}
POSTGRES_UID = "newswatch-postgres"
POSTGRES = {"type": "grafana-postgresql-datasource", "uid": POSTGRES_UID}
SCHEMA_VERSION = 39
RATE = "$__rate_interval"


# -- selectors ---------------------------------------------------------------------------------------
def sel(metric: str, *matchers: str, scope: tuple[str, ...] = ()) -> str:
    """``metric{job=~"$job",instance=~"$instance",...}`` with extra variable filters and matchers."""
    parts = ['job=~"$job"', 'instance=~"$instance"']
    parts += [f'{label}=~"${label}"' for label in scope]
    parts += list(matchers)
    return f"{metric}{{{','.join(parts)}}}"


def rate(
    metric: str, *matchers: str, scope: tuple[str, ...] = (), window: str = RATE, fn: str = "rate"
) -> str:
    return f"{fn}({sel(metric, *matchers, scope=scope)}[{window}])"


def p95(metric: str, by: str = "", *matchers: str, scope: tuple[str, ...] = (), q: float = 0.95) -> str:
    labels = f"{by}, le" if by else "le"
    return f"histogram_quantile({q}, sum by ({labels}) ({rate(metric + '_bucket', *matchers, scope=scope)}))"


FETCH_ERROR = 'status!~"2..|304"'  # anything but a 2xx answer or 304 Not Modified
DELIVERY_FAILED = 'outcome=~"permanent|dead_lettered"'  # deliveries that did not reach the sink


# -- panels ------------------------------------------------------------------------------------------
@dataclass
class Target:
    expr: str
    legend: str = ""
    instant: bool = False


@dataclass
class Panel:
    title: str
    description: str
    targets: list[Target]
    unit: str
    kind: str = "timeseries"  # timeseries | stat | bargauge | table | geomap | nodeGraph
    width: int = 8
    height: int = 8
    stack: bool = False
    bars: bool = False
    sql: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # PostgreSQL queries of a non-table panel: (refId, format, SQL); refIds nodes/edges name graph frames.
    sql_targets: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Row:
    title: str
    panels: list[Panel]


def ts(title: str, description: str, unit: str, *targets: tuple[str, str], **kw: Any) -> Panel:
    return Panel(title, description, [Target(e, legend) for e, legend in targets], unit, **kw)


def stat(title: str, description: str, unit: str, expr: str, legend: str = "", **kw: Any) -> Panel:
    kw.setdefault("width", 4)
    kw.setdefault("height", 4)
    return Panel(title, description, [Target(expr, legend, instant=True)], unit, kind="stat", **kw)


def bars(title: str, description: str, unit: str, expr: str, legend: str, **kw: Any) -> Panel:
    return Panel(title, description, [Target(expr, legend, instant=True)], unit, kind="bargauge", **kw)


# -- dashboards --------------------------------------------------------------------------------------
FEED = ("feed",)
SINK = ("sink",)


def overview() -> list[Row]:
    fetches = "newswatch_feed_fetches_total"
    deliveries = "newswatch_alert_deliveries_total"
    return [
        Row(
            "Ingest (RED): feed fetches and articles into Kafka",
            [
                ts(
                    "Feed fetches by status",
                    "Rate of feed fetches by HTTP status or failure kind (timeout, "
                    "too_large, blocked, error).",
                    "reqps",
                    (f"sum by (status) ({rate(fetches, scope=FEED)})", "{{status}}"),
                    stack=True,
                ),
                ts(
                    "Feed fetch error ratio",
                    "Share of fetches that got neither a 2xx answer nor 304 Not Modified.",
                    "percentunit",
                    (
                        f"(sum({rate(fetches, FETCH_ERROR, scope=FEED)}) or vector(0))"
                        f" / sum({rate(fetches, scope=FEED)})",
                        "error ratio",
                    ),
                ),
                ts(
                    "Feed fetch duration",
                    "Median and 95th percentile time to fetch one feed document.",
                    "s",
                    (p95("newswatch_feed_fetch_duration_seconds", "", scope=FEED, q=0.5), "p50"),
                    (p95("newswatch_feed_fetch_duration_seconds", "", scope=FEED), "p95"),
                ),
                ts(
                    "Articles acknowledged by Kafka",
                    "Articles the connectors wrote to articles.raw, by connector.",
                    "ops",
                    (f"sum by (connector) ({rate('newswatch_articles_produced_total')})", "{{connector}}"),
                ),
                ts(
                    "Producer errors",
                    "Failed Kafka delivery attempts of the connectors (each one is retried).",
                    "ops",
                    (f"sum({rate('newswatch_producer_errors_total')})", "errors"),
                ),
                ts(
                    "Spool files",
                    "Files taken from the spool folder, by outcome.",
                    "ops",
                    (f"sum by (outcome) ({rate('newswatch_spool_files_total')})", "{{outcome}}"),
                ),
            ],
        ),
        Row(
            "Processing: what each worker stage takes in and lets out",
            [
                ts(
                    "Articles through the worker",
                    "Articles read from articles.raw, and how dedupe split them.",
                    "ops",
                    (f"sum({rate('newswatch_articles_received_total')})", "received"),
                    (f"sum({rate('newswatch_articles_unique_total')})", "unique"),
                    (f"sum({rate('newswatch_articles_duplicate_total')})", "duplicate"),
                    (f"sum({rate('newswatch_articles_invalid_total')})", "invalid"),
                ),
                ts(
                    "Stage errors",
                    "Records a stage failed to process (logged and dead-lettered), by stage; the merge "
                    "stage's outputs the broker refused for good (dead-lettered with their key) and sent "
                    "again (the stage waits for the broker's acknowledgement), by reason.",
                    "ops",
                    (f"sum by (stage) ({rate('newswatch_stage_errors_total')})", "{{stage}}"),
                    (
                        f"sum by (reason) ({rate('newswatch_merge_dead_letters_total')})",
                        "merge refused: {{reason}}",
                    ),
                    (
                        f"sum by (reason) ({rate('newswatch_merge_send_retries_total')})",
                        "merge resent: {{reason}}",
                    ),
                ),
                ts(
                    "Stage latency p95",
                    "95th percentile time a stage spends on one record.",
                    "s",
                    (p95("newswatch_stage_seconds", "stage"), "{{stage}}"),
                ),
                ts(
                    "Faust events per agent",
                    "Events Faust handed to each agent's stream (Faust's own sensor).",
                    "ops",
                    (
                        f"sum by (stream) ({rate('newswatch_faust_total_events_per_stream_total')})",
                        "{{stream}}",
                    ),
                ),
                ts(
                    "Event reports and alerts",
                    "Event reports sent to the events topic and alerts written to the alerts topic.",
                    "ops",
                    (f"sum({rate('newswatch_event_reports_total')})", "event reports"),
                    (f"sum({rate('newswatch_alerts_emitted_total')})", "alerts"),
                ),
                ts(
                    "Article to event latency p95",
                    "Time from an article's fetch to its event report.",
                    "s",
                    (p95("newswatch_article_to_event_seconds"), "p95"),
                ),
            ],
        ),
        Row(
            "Dedupe",
            [
                ts(
                    "Dedupe outcomes",
                    "Articles decided by dedupe: unique, exact_url, exact_content, near.",
                    "ops",
                    (f"sum by (outcome) ({rate('newswatch_dedupe_articles_total')})", "{{outcome}}"),
                    stack=True,
                ),
                ts(
                    "Dedupe decision time",
                    "Median and 95th percentile time to decide one article.",
                    "s",
                    (p95("newswatch_dedupe_seconds", "", q=0.5), "p50"),
                    (p95("newswatch_dedupe_seconds"), "p95"),
                ),
                ts(
                    "Dedupe index size",
                    "Articles remembered per worker, and recent texts cached for verification.",
                    "short",
                    (f"sum by (instance) ({sel('newswatch_dedupe_index_entries')})", "index {{instance}}"),
                    (
                        f"sum by (instance) ({sel('newswatch_dedupe_text_cache_entries')})",
                        "text cache {{instance}}",
                    ),
                ),
                ts(
                    "Dedupe across workers",
                    "Time a fingerprint takes from one worker to another (the window in which two workers "
                    "can both keep one story), and exact duplicates both kept (0 with one worker).",
                    "s",
                    (p95("newswatch_dedupe_changelog_lag_seconds", "", q=0.5), "lag p50"),
                    (p95("newswatch_dedupe_changelog_lag_seconds"), "lag p95"),
                    (
                        f"sum by (layer) ({rate('newswatch_dedupe_cross_worker_duplicates_total')})",
                        "kept twice/s {{layer}}",
                    ),
                ),
            ],
        ),
        Row(
            "Deliveries (RED): alert sinks",
            [
                ts(
                    "Deliveries by sink and outcome",
                    "Finished deliveries (delivered, permanent, dead_lettered, duplicate).",
                    "ops",
                    (f"sum by (sink, outcome) ({rate(deliveries)})", "{{sink}} {{outcome}}"),
                ),
                ts(
                    "Failed deliveries by sink",
                    "Deliveries that ended as permanent failures or in the dead-letter "
                    "topic (0 when none failed).",
                    "ops",
                    (
                        f"sum by (sink) ({rate(deliveries, DELIVERY_FAILED)}) "
                        f"or sum by (sink) ({rate(deliveries)}) * 0",
                        "{{sink}}",
                    ),
                ),
                ts(
                    "Delivery attempt duration p95",
                    "95th percentile duration of one delivery attempt, by sink.",
                    "s",
                    (p95("newswatch_alert_attempt_seconds", "sink"), "{{sink}}"),
                ),
            ],
        ),
        Row(
            "USE: consumer lag, queues and saturation",
            [
                ts(
                    "Consumer lag by topic",
                    "Kafka end offset minus committed offset of the Faust workers (Faust "
                    "sensor), summed over partitions.",
                    "short",
                    (
                        f"sum by (topic) ({sel('newswatch_faust_topic_partition_end_offset')} - "
                        f"{sel('newswatch_faust_topic_partition_offset_commited')})",
                        "{{topic}}",
                    ),
                ),
                ts(
                    "Queues in flight",
                    "Articles not yet acknowledged by Kafka, alert deliveries queued per sink, "
                    "messages Faust is processing.",
                    "short",
                    (f"sum({sel('newswatch_producer_in_flight')})", "connector producer"),
                    (f"sum by (sink) ({sel('newswatch_alert_queue_depth')})", "sink {{sink}}"),
                    (f"sum({sel('newswatch_faust_active_messages')})", "faust active messages"),
                ),
                ts(
                    "Messages received per topic",
                    "Records the workers read, per topic (Faust sensor).",
                    "ops",
                    (
                        f"sum by (topic) ({rate('newswatch_faust_messages_received_per_topic_total')})",
                        "{{topic}}",
                    ),
                ),
                ts(
                    "Circuit breakers",
                    "Per sink: 0 closed, 1 half-open, 2 open.",
                    "short",
                    (f"max by (sink) ({sel('newswatch_alert_circuit_state')})", "{{sink}}"),
                ),
                ts(
                    "Rebalances",
                    "Consumer group rebalances in progress and recovering (Faust sensor).",
                    "short",
                    (f"sum({sel('newswatch_faust_total_rebalances')})", "rebalancing"),
                    (f"sum({sel('newswatch_faust_total_rebalances_recovering')})", "recovering"),
                ),
                stat(
                    "Targets up",
                    "Scraped newswatch processes answering /metrics.",
                    "short",
                    f"sum({sel('up')})",
                    "up",
                    width=4,
                    height=8,
                ),
            ],
        ),
        Row(
            "Processes",
            [
                ts(
                    "CPU",
                    "CPU seconds used per second, per process.",
                    "percentunit",
                    (f"sum by (instance) ({rate('process_cpu_seconds_total')})", "{{instance}}"),
                ),
                ts(
                    "Resident memory",
                    "Resident set size per process.",
                    "bytes",
                    (f"sum by (instance) ({sel('process_resident_memory_bytes')})", "{{instance}}"),
                ),
                ts(
                    "Open file descriptors",
                    "Open file descriptors per process (sockets included).",
                    "short",
                    (f"sum by (instance) ({sel('process_open_fds')})", "{{instance}}"),
                ),
            ],
        ),
    ]


def feed_health() -> list[Row]:
    fetches = "newswatch_feed_fetches_total"
    return [
        Row(
            "Freshness",
            [
                bars(
                    "Time since last successful poll",
                    "Seconds since each feed last answered with a usable "
                    "document; a feed that never succeeded is missing here.",
                    "s",
                    "time() - max by (feed) "
                    f"({sel('newswatch_feed_last_success_timestamp_seconds', scope=FEED)})",
                    "{{feed}}",
                    width=12,
                ),
                bars(
                    "Current back-off",
                    "Extra wait beyond the feed's interval (error or idle back-off).",
                    "s",
                    f"max by (feed) ({sel('newswatch_feed_backoff_seconds', scope=FEED)})",
                    "{{feed}}",
                    width=8,
                ),
                stat(
                    "Feeds configured",
                    "Feeds the connector's scheduler polls.",
                    "short",
                    f"sum({sel('newswatch_feeds_configured')})",
                    "feeds",
                    width=4,
                    height=8,
                ),
            ],
        ),
        Row(
            "Fetches",
            [
                ts(
                    "Fetches by feed and status",
                    "Rate of fetches per feed and HTTP status or failure kind.",
                    "reqps",
                    (f"sum by (feed, status) ({rate(fetches, scope=FEED)})", "{{feed}} {{status}}"),
                    width=12,
                ),
                ts(
                    "Error ratio by feed",
                    "Share of each feed's fetches that got neither 2xx nor 304 (0 when none failed).",
                    "percentunit",
                    (
                        f"(sum by (feed) ({rate(fetches, FETCH_ERROR, scope=FEED)}) "
                        f"or sum by (feed) ({rate(fetches, scope=FEED)}) * 0) "
                        f"/ sum by (feed) ({rate(fetches, scope=FEED)})",
                        "{{feed}}",
                    ),
                    width=12,
                ),
                ts(
                    "Fetch duration p95 by feed",
                    "95th percentile time to fetch one feed document.",
                    "s",
                    (p95("newswatch_feed_fetch_duration_seconds", "feed", scope=FEED), "{{feed}}"),
                    width=12,
                ),
                ts(
                    "Bytes read by feed",
                    "Body bytes read per second, after decompression.",
                    "Bps",
                    (f"sum by (feed) ({rate('newswatch_feed_fetch_bytes_total', scope=FEED)})", "{{feed}}"),
                    width=12,
                ),
            ],
        ),
        Row(
            "Entries",
            [
                ts(
                    "Entries by outcome",
                    "Feed entries: new (produced), seen (already produced), invalid.",
                    "ops",
                    (
                        f"sum by (feed, outcome) ({rate('newswatch_feed_entries_total', scope=FEED)})",
                        "{{feed}} {{outcome}}",
                    ),
                    width=12,
                ),
                ts(
                    "Parse errors by feed",
                    "Malformed feed documents per feed (0 when none).",
                    "short",
                    (
                        "sum by (feed) "
                        f"({rate('newswatch_feed_parse_errors_total', scope=FEED, fn='increase')}) "
                        f"or sum by (feed) ({rate(fetches, scope=FEED, fn='increase')}) * 0",
                        "{{feed}}",
                    ),
                    width=12,
                ),
            ],
        ),
    ]


#: Event-store tables of the events dashboard written here (the other table panels come from sql/*.sql).
#: ``$__timeFilter`` keeps them to events stored or updated in the dashboard's time range; tests run them
#: on a real PostgreSQL store (tests/deploy/test_grafana_top_sql.py).
TOP_LEADERS_SQL = """\
SELECT
    min(p.name) AS "leader",
    coalesce(max(p.country), '') AS "country",
    count(DISTINCT e.id) AS "events",
    count(DISTINCT e.id) FILTER (WHERE e.type = 'leader_call') AS "leader calls",
    max(e.event_date) AS "latest event",
    max(e.source_count) AS "most sources"
FROM event_participants p
JOIN events e ON e.id = p.event_id
WHERE p.is_leader AND $__timeFilter(e.updated_at)
GROUP BY coalesce(p.person_id, p.name_key)
ORDER BY "events" DESC, "latest event" DESC, "leader"
LIMIT 20"""

TOP_CONFLICTS_SQL = """\
SELECT
    e.conflict AS "conflict",
    count(*) AS "events",
    count(*) FILTER (WHERE starts_with(e.type, 'ceasefire')) AS "ceasefire events",
    count(DISTINCT e.type) AS "event types",
    max(e.event_date) AS "latest event",
    sum(e.report_count) AS "reports"
FROM events e
WHERE coalesce(e.conflict, '') <> '' AND $__timeFilter(e.updated_at)
GROUP BY e.conflict
ORDER BY "events" DESC, "latest event" DESC, "conflict"
LIMIT 20"""


def event_types_sql() -> str:
    """Every built-in event type (from ``EventType.LABELS``, none left out when it has no events) and the
    user rules' types, with their events stored or updated in the time range."""
    values = ", ".join(
        f"('{name}', '{label.replace(chr(39), chr(39) * 2)}', {position})"
        for position, (name, label) in enumerate(EventType.LABELS.items(), start=1)
    )
    return f"""\
WITH builtin (type, label, position) AS (VALUES {values}, ('rule:*', 'User rules', 999)),
ranged AS (SELECT * FROM events e WHERE $__timeFilter(e.updated_at))
SELECT
    b.label AS "type",
    b.type AS "name",
    count(r.id) AS "events",
    count(r.id) FILTER (WHERE r.place_name IS NOT NULL) AS "with a place",
    count(r.id) FILTER (WHERE r.alleged) AS "alleged",
    max(r.event_date) AS "latest event",
    coalesce(sum(r.report_count), 0) AS "reports"
FROM builtin b
LEFT JOIN ranged r ON r.type = b.type OR (b.type = 'rule:*' AND starts_with(r.type, 'rule:'))
GROUP BY b.type, b.label, b.position
ORDER BY b.position"""


TOP_PLACES_SQL = """\
SELECT
    e.place_name AS "place",
    coalesce(max(e.place_country), '') AS "country",
    count(*) AS "events",
    string_agg(DISTINCT e.type, ', ') AS "types",
    max(e.event_date) AS "latest event",
    sum(e.report_count) AS "reports"
FROM events e
WHERE e.place_name IS NOT NULL AND $__timeFilter(e.updated_at)
GROUP BY e.place_name
ORDER BY "events" DESC, "latest event" DESC, "place"
LIMIT 20"""


def _top_panels() -> list[Panel]:
    return [
        Panel(
            "Events by type",
            "Every built-in event type (none missing when it has none) and the user rules: events stored "
            "or updated in the time range, how many name a place, alleged ones, the latest event date.",
            [],
            "none",
            kind="table",
            width=12,
            height=10,
            sql=event_types_sql(),
            extra={"sqlFile": "generate_dashboards.py:event_types_sql"},
        ),
        Panel(
            "Top places",
            "Places events happened in (the event's place: attacks, protests, meetings ...), by events "
            "stored or updated in the time range.",
            [],
            "none",
            kind="table",
            width=12,
            height=10,
            sql=TOP_PLACES_SQL,
            extra={"sqlFile": "generate_dashboards.py:TOP_PLACES_SQL"},
        ),
        Panel(
            "Top leaders",
            "Heads of state or government by events they took part in (stored or updated in the time range).",
            [],
            "none",
            kind="table",
            width=12,
            height=10,
            sql=TOP_LEADERS_SQL,
            extra={"sqlFile": "generate_dashboards.py:TOP_LEADERS_SQL"},
        ),
        Panel(
            "Top conflicts",
            "Conflicts by events reported about them (stored or updated in the time range).",
            [],
            "none",
            kind="table",
            width=12,
            height=10,
            sql=TOP_CONFLICTS_SQL,
            extra={"sqlFile": "generate_dashboards.py:TOP_CONFLICTS_SQL"},
        ),
    ]


def _sql_panels(dashboard: str) -> list[Panel]:
    """A table panel per ``sql/*.sql`` file: delivery queries on the alerting dashboard, the rest on events.

    The title is the quoted name in the file's first comment (``-- Grafana table panel "Recent events"``),
    else the file name; the description is the comment line after it.
    """
    panels = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        if ("deliver" in path.stem) != (dashboard == "alerting"):
            continue
        text = path.read_text(encoding="utf-8").strip()
        comments = [line[2:].strip() for line in text.splitlines() if line.startswith("--")]
        title_match = re.search(r'"([^"]+)"', comments[0]) if comments else None
        title = title_match.group(1) if title_match else path.stem.replace("_", " ").capitalize()
        description = (
            comments[1] if len(comments) > 1 else f"Event store query deploy/grafana/sql/{path.name}."
        )
        panels.append(
            Panel(
                title,
                description,
                [],
                "none",
                kind="table",
                width=24,
                height=10,
                sql=text,
                extra={"sqlFile": path.name},
            )
        )
    return panels


EVENTS_PER_DAY_SQL = """\
SELECT
    e.event_date::timestamptz AS "time",
    e.type AS "metric",
    count(*) AS "events"
FROM events e
WHERE $__timeFilter(e.event_date)
GROUP BY 1, 2
ORDER BY 1, 2"""


def places_sql() -> str:
    """Events per country and type: each participant country, else the named conflict's country (events
    with a place of their own are points of ``PLACE_POINTS_SQL`` instead, as on the live page)."""
    table = json.loads(CONFLICT_COUNTRIES.read_text(encoding="utf-8"))
    values = ", ".join(
        f"('{name.replace(chr(39), chr(39) * 2)}', '{code}')"
        for name, code in sorted(table.items())
        if not name.startswith("_")
    )
    return f"""\
WITH conflict_country (conflict, country) AS (VALUES {values}),
placed AS (
    SELECT DISTINCT e.id, e.type, upper(p.country) AS country
    FROM events e
    JOIN event_participants p ON p.event_id = e.id
    WHERE p.country IS NOT NULL AND p.country <> '' AND $__timeFilter(e.event_date) AND e.place_lat IS NULL
    UNION
    SELECT e.id, e.type, c.country
    FROM events e
    JOIN conflict_country c ON c.conflict = e.conflict
    WHERE $__timeFilter(e.event_date) AND e.place_lat IS NULL AND NOT EXISTS (
        SELECT 1 FROM event_participants p
        WHERE p.event_id = e.id AND p.country IS NOT NULL AND p.country <> ''
    )
)
SELECT country AS "country", type AS "type", count(*) AS "events"
FROM placed
GROUP BY 1, 2
ORDER BY 1, 2"""


PLACE_POINTS_SQL = """\
SELECT
    e.place_lat AS "latitude",
    e.place_lon AS "longitude",
    e.place_name AS "place",
    e.type AS "type",
    count(*) AS "events"
FROM events e
WHERE e.place_lat IS NOT NULL AND e.place_lon IS NOT NULL AND $__timeFilter(e.event_date)
GROUP BY 1, 2, 3, 4
ORDER BY 3, 4"""


CONTACT_NODES_SQL = """\
SELECT
    coalesce(p.person_id, p.name_key) AS "id",
    min(p.name) AS "title",
    coalesce(max(p.country), '') AS "subtitle",
    count(DISTINCT e.id) AS "mainstat"
FROM event_participants p
JOIN events e ON e.id = p.event_id
WHERE $__timeFilter(e.event_date)
GROUP BY 1
ORDER BY "mainstat" DESC, 1"""

CONTACT_EDGES_SQL = """\
WITH people AS (
    SELECT DISTINCT p.event_id, coalesce(p.person_id, p.name_key) AS person
    FROM event_participants p
    JOIN events e ON e.id = p.event_id
    WHERE $__timeFilter(e.event_date)
)
SELECT
    a.person || ' -- ' || b.person AS "id",
    a.person AS "source",
    b.person AS "target",
    count(*) AS "mainstat"
FROM people a
JOIN people b ON b.event_id = a.event_id AND a.person < b.person
GROUP BY a.person, b.person
ORDER BY "mainstat" DESC, 1"""


def _view_panels() -> list[Panel]:
    """The live page's timeline, map and contact graph, on the PostgreSQL store (event date in range)."""
    return [
        Panel(
            "Events per day by type",
            "Stored events by the day they happened (not reported), stacked by type, as on the live page.",
            [],
            "short",
            width=24,
            height=8,
            stack=True,
            bars=True,
            sql_targets=[("A", "time_series", EVENTS_PER_DAY_SQL)],
        ),
        Panel(
            "Where events happen",
            "Events per participant country (a ceasefire naming only a conflict: the conflict's country), "
            "by type, and events that name their place at its coordinates; shapes and country positions "
            "ship with Grafana, no tile server.",
            [],
            "short",
            kind="geomap",
            width=12,
            height=12,
            sql_targets=[("A", "table", places_sql()), ("B", "table", PLACE_POINTS_SQL)],
            extra={
                "options": {
                    "view": {"id": "coords", "lat": 30, "lon": 20, "zoom": 1.5},
                    "controls": {"showZoom": True, "mouseWheelZoom": True, "showAttribution": True},
                    "basemap": {
                        "type": "geojson",
                        "name": "Countries",
                        "config": {"src": "public/maps/countries.geojson", "rules": [], "style": {}},
                    },
                    "layers": [
                        {
                            "type": "markers",
                            "name": "Events",
                            "location": {
                                "mode": "lookup",
                                "lookup": "country",
                                "gazetteer": "public/gazetteer/countries.json",
                            },
                            "config": {
                                "showLegend": True,
                                "style": {
                                    "size": {"field": "events", "min": 4, "max": 30, "fixed": 5},
                                    "color": {"field": "type", "fixed": "dark-green"},
                                    "opacity": 0.7,
                                },
                            },
                            "tooltip": True,
                            "filterData": {"id": "byRefId", "options": "A"},
                        },
                        {
                            "type": "markers",
                            "name": "Named places",
                            "location": {"mode": "coords", "latitude": "latitude", "longitude": "longitude"},
                            "config": {
                                "showLegend": True,
                                "style": {
                                    "size": {"field": "events", "min": 4, "max": 30, "fixed": 5},
                                    "color": {"field": "type", "fixed": "dark-red"},
                                    "opacity": 0.8,
                                },
                            },
                            "tooltip": True,
                            "filterData": {"id": "byRefId", "options": "B"},
                        },
                    ],
                    "tooltip": {"mode": "details"},
                }
            },
        ),
        Panel(
            "Who called or met whom",
            "Participants as nodes (main stat: their events), each pair that spoke or met as an edge "
            "(main stat: events together), as on the live page's contact graph.",
            [],
            "none",
            kind="nodeGraph",
            width=12,
            height=12,
            sql_targets=[("nodes", "table", CONTACT_NODES_SQL), ("edges", "table", CONTACT_EDGES_SQL)],
            extra={"options": {"nodes": {"mainStatUnit": "short"}, "edges": {"mainStatUnit": "short"}}},
        ),
    ]


def events() -> list[Row]:
    detected = "newswatch_events_detected_total"
    rows = [
        Row(
            "Events",
            [
                ts(
                    "Events detected by type",
                    "Events the detectors found per interval, by event type.",
                    "short",
                    (f"sum by (type) ({rate(detected, fn='increase')})", "{{type}}"),
                    width=16,
                    bars=True,
                    stack=True,
                ),
                bars(
                    "Top event types",
                    "Events detected in the dashboard's time range, most frequent first.",
                    "short",
                    f"topk(10, sum by (type) ({rate(detected, window='$__range', fn='increase')}))",
                    "{{type}}",
                    width=8,
                ),
                ts(
                    "Merge outcomes",
                    "Event reports merged into the event table, by reason (first, confirmed, "
                    "new_source, ...).",
                    "short",
                    (
                        f"sum by (reason) ({rate('newswatch_events_merged_total', fn='increase')})",
                        "{{reason}}",
                    ),
                    bars=True,
                    stack=True,
                ),
                ts(
                    "Detector rejections by reason",
                    "Candidate sentences rejected (negated, plan, not_leaders, ...).",
                    "short",
                    (
                        f"sum by (reason) ({rate('newswatch_detection_rejections_total', fn='increase')})",
                        "{{reason}}",
                    ),
                    bars=True,
                    stack=True,
                ),
                ts(
                    "Articles through detection by language",
                    "Articles run through detection, per language tag.",
                    "ops",
                    (f"sum by (language) ({rate('newswatch_detection_articles_total')})", "{{language}}"),
                ),
                ts(
                    "Articles undetected (no detector reads the language)",
                    "Articles in a language no detector or user rule covers: nothing was looked for in them. "
                    "A language that shows up here needs a file in streams/detect/data/languages/.",
                    "ops",
                    (f"sum by (language) ({rate('newswatch_articles_undetected_total')})", "{{language}}"),
                ),
                ts(
                    "Detection time",
                    "Median and 95th percentile time to run every detector over one article.",
                    "s",
                    (p95("newswatch_detection_seconds", "", q=0.5), "p50"),
                    (p95("newswatch_detection_seconds"), "p95"),
                ),
                stat(
                    "Gazetteer age (days)",
                    "Days since the newest as_of date of the leaders data the workers use (shipped or user "
                    "file). Above 45 days NewswatchGazetteerStale warns: run newswatch gazetteer update.",
                    "none",
                    f"max({sel('newswatch_gazetteer_age_days')})",
                    "age",
                    width=8,
                    height=8,
                    extra={
                        "fieldConfig": {
                            "defaults": {
                                "unit": "none",
                                "thresholds": {
                                    "mode": "absolute",
                                    "steps": [
                                        {"color": "green", "value": None},
                                        {"color": "red", "value": 45},
                                    ],
                                },
                            },
                            "overrides": [],
                        }
                    },
                ),
                ts(
                    "Event store writes",
                    "Rows written to the event store, by table and outcome.",
                    "ops",
                    (
                        f"sum by (table, outcome) ({rate('newswatch_store_writes_total')})",
                        "{{table}} {{outcome}}",
                    ),
                ),
                ts(
                    "Event store write time p95",
                    "95th percentile time of one store write, by table.",
                    "s",
                    (p95("newswatch_store_write_seconds", "table"), "{{table}}"),
                ),
            ],
        ),
    ]
    rows.append(Row("Timeline, map and contacts (PostgreSQL)", _view_panels()))
    rows.append(Row("From the event store (PostgreSQL)", _top_panels() + _sql_panels("events")))
    return rows


def alerting() -> list[Row]:
    deliveries = "newswatch_alert_deliveries_total"
    rows = [
        Row(
            "Deliveries",
            [
                ts(
                    "Deliveries by sink and outcome",
                    "Finished deliveries per sink: delivered, permanent, dead_lettered, duplicate.",
                    "ops",
                    (f"sum by (sink, outcome) ({rate(deliveries, scope=SINK)})", "{{sink}} {{outcome}}"),
                    width=12,
                ),
                ts(
                    "Attempts by sink and result",
                    "Delivery attempts: delivered, retry, permanent, circuit_open.",
                    "ops",
                    (
                        "sum by (sink, result) "
                        f"({rate('newswatch_alert_delivery_attempts_total', scope=SINK)})",
                        "{{sink}} {{result}}",
                    ),
                    width=12,
                ),
                ts(
                    "Alert latency p95",
                    "95th percentile time from an alert's creation to its successful delivery.",
                    "s",
                    (p95("newswatch_alert_delivery_latency_seconds", "sink", scope=SINK), "{{sink}}"),
                ),
                ts(
                    "Attempt duration p95",
                    "95th percentile duration of one delivery attempt.",
                    "s",
                    (p95("newswatch_alert_attempt_seconds", "sink", scope=SINK), "{{sink}}"),
                ),
                ts(
                    "Queue depth by sink",
                    "Deliveries queued or in flight per sink.",
                    "short",
                    (f"sum by (sink) ({sel('newswatch_alert_queue_depth', scope=SINK)})", "{{sink}}"),
                ),
            ],
        ),
        Row(
            "Failures and the dead-letter topic",
            [
                ts(
                    "Dead-lettered alerts by sink",
                    "Alerts sent to alerts.dlq after exhausting retries (0 when none).",
                    "short",
                    (
                        "sum by (sink) "
                        f"({rate('newswatch_alert_dead_letters_total', scope=SINK, fn='increase')}) "
                        f"or sum by (sink) ({rate(deliveries, scope=SINK, fn='increase')}) * 0",
                        "{{sink}}",
                    ),
                    bars=True,
                ),
                stat(
                    "Messages in alerts.dlq",
                    "As last counted by `newswatch dlq list`.",
                    "short",
                    f"max({sel('newswatch_alert_dlq_size')})",
                    "dlq",
                    width=4,
                    height=8,
                ),
                ts(
                    "Circuit breaker state",
                    "Per sink: 0 closed, 1 half-open, 2 open.",
                    "short",
                    (f"max by (sink) ({sel('newswatch_alert_circuit_state', scope=SINK)})", "{{sink}}"),
                    width=12,
                ),
            ],
        ),
        Row(
            "Decisions",
            [
                ts(
                    "Alert decisions by reason",
                    "Why alerts were sent (first, new_source, ...) or suppressed "
                    "(silenced, repeat_interval, duplicate, no_route).",
                    "short",
                    (
                        f"sum by (reason, sent) ({rate('newswatch_alert_decisions_total', fn='increase')})",
                        "{{reason}} sent={{sent}}",
                    ),
                    bars=True,
                    stack=True,
                    width=12,
                ),
                ts(
                    "Alerts emitted by reason",
                    "Alerts the worker wrote to the alerts topic.",
                    "short",
                    (
                        f"sum by (reason) ({rate('newswatch_alerts_emitted_total', fn='increase')})",
                        "{{reason}}",
                    ),
                    bars=True,
                    stack=True,
                ),
                stat(
                    "Pending alert groups",
                    "Groups waiting for group_wait or group_interval.",
                    "short",
                    f"sum({sel('newswatch_alert_pending_groups')})",
                    "groups",
                    width=4,
                    height=8,
                ),
            ],
        ),
    ]
    sql = _sql_panels("alerting")
    if sql:
        rows.append(Row("From the event store (PostgreSQL)", sql))
    return rows


# -- JSON --------------------------------------------------------------------------------------------
def _variable(name: str, label: str, query: str, *, multi: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": PROMETHEUS,
        "query": {"query": query, "refId": f"var-{name}"},
        "definition": query,
        "refresh": 2,
        "sort": 1,
        "multi": multi,
        "includeAll": True,
        "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "options": [],
        "hide": 0,
    }


def templating(scope: tuple[str, ...]) -> dict[str, Any]:
    variables: list[dict[str, Any]] = [
        {
            "name": "datasource",
            "label": "Data source",
            "type": "datasource",
            "query": "prometheus",
            "current": {"selected": True, "text": "Prometheus", "value": "prometheus"},
            "hide": 0,
            "options": [],
            "refresh": 1,
            "regex": "",
        },
        _variable("job", "Job", 'label_values(up{job=~"newswatch-.*"}, job)'),
        _variable("instance", "Instance", 'label_values(up{job=~"$job"}, instance)'),
    ]
    if "feed" in scope:
        variables.append(
            _variable(
                "feed",
                "Feed",
                'label_values(newswatch_feed_fetches_total{job=~"$job",instance=~"$instance"}, feed)',
            )
        )
    if "sink" in scope:
        variables.append(
            _variable(
                "sink",
                "Sink",
                'label_values(newswatch_alert_deliveries_total{job=~"$job",instance=~"$instance"}, sink)',
            )
        )
    return {"list": variables}


def _panel_json(panel: Panel, panel_id: int, x: int, y: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": panel_id,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "gridPos": {"h": panel.height, "w": panel.width, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": panel.unit}, "overrides": []},
    }
    if panel.kind == "table":
        data["datasource"] = POSTGRES
        data["targets"] = [
            {
                "refId": "A",
                "datasource": POSTGRES,
                "editorMode": "code",
                "format": "table",
                "rawQuery": True,
                "rawSql": panel.sql,
            }
        ]
        data["options"] = {"showHeader": True, "cellHeight": "sm"}
        data.update(panel.extra)
        return data
    if panel.sql_targets:
        data["datasource"] = POSTGRES
        data["targets"] = [
            {
                "refId": ref,
                "datasource": POSTGRES,
                "editorMode": "code",
                "format": fmt,
                "rawQuery": True,
                "rawSql": sql,
            }
            for ref, fmt, sql in panel.sql_targets
        ]
    else:
        data["datasource"] = PROMETHEUS
        data["targets"] = [
            {
                "refId": chr(ord("A") + i),
                "datasource": PROMETHEUS,
                "editorMode": "code",
                "expr": target.expr,
                "legendFormat": target.legend or "__auto",
                "range": not target.instant,
                "instant": target.instant,
            }
            for i, target in enumerate(panel.targets)
        ]
    if panel.kind == "timeseries":
        custom: dict[str, Any] = {
            "drawStyle": "bars" if panel.bars else "line",
            "fillOpacity": 20,
            "lineWidth": 1,
            "showPoints": "never",
            "spanNulls": True,
        }
        if panel.stack:
            custom["stacking"] = {"mode": "normal", "group": "A"}
        data["fieldConfig"]["defaults"]["custom"] = custom
        data["options"] = {
            "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
            "tooltip": {"mode": "multi", "sort": "desc"},
        }
    elif panel.kind == "stat":
        data["options"] = {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "colorMode": "value",
            "graphMode": "none",
            "textMode": "auto",
        }
    elif panel.kind == "bargauge":
        data["options"] = {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "orientation": "horizontal",
            "displayMode": "gradient",
            "showUnfilled": True,
        }
    data.update(panel.extra)
    return data


def dashboard(
    uid: str,
    title: str,
    description: str,
    rows: list[Row],
    scope: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
) -> dict[str, Any]:
    panels: list[dict[str, Any]] = []
    next_id, y = 1, 0
    for row in rows:
        panels.append(
            {
                "id": next_id,
                "type": "row",
                "title": row.title,
                "collapsed": False,
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
                "panels": [],
            }
        )
        next_id += 1
        y += 1
        x, line_height = 0, 0
        for panel in row.panels:
            if x + panel.width > 24:
                x, y, line_height = 0, y + line_height, 0
            panels.append(_panel_json(panel, next_id, x, y))
            next_id += 1
            x += panel.width
            line_height = max(line_height, panel.height)
        y += line_height
    links = [
        {
            "title": "newswatch",
            "type": "dashboards",
            "tags": ["newswatch"],
            "asDropdown": True,
            "includeVars": True,
            "keepTime": True,
        }
    ]
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["newswatch", *tags],
        "editable": False,
        "graphTooltip": 1,
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "time": {"from": "now-6h", "to": "now"},
        "timepicker": {"refresh_intervals": ["30s", "1m", "5m", "15m"]},
        "refresh": "1m",
        "timezone": "utc",
        "links": links,
        "annotations": {
            "list": [
                {
                    "builtIn": 1,
                    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                    "enable": True,
                    "hide": True,
                    "iconColor": "rgba(0, 211, 255, 1)",
                    "name": "Annotations & Alerts",
                    "type": "dashboard",
                }
            ]
        },
        "templating": templating(scope),
        "panels": panels,
    }


def build() -> dict[str, dict[str, Any]]:
    """Every dashboard by file name."""
    return {
        "newswatch-overview.json": dashboard(
            "newswatch-overview",
            "newswatch / Overview",
            "RED for feed fetches and alert deliveries, USE for consumer lag and queues, per stage.",
            overview(),
            scope=FEED,
            tags=("overview",),
        ),
        "newswatch-feeds.json": dashboard(
            "newswatch-feeds",
            "newswatch / Feed health",
            "Per-feed freshness, fetch outcomes, error ratio, latency, bytes and entries.",
            feed_health(),
            scope=FEED,
            tags=("feeds",),
        ),
        "newswatch-events.json": dashboard(
            "newswatch-events",
            "newswatch / Events",
            "Events by type over time, detector behaviour, and the event store's top leaders and conflicts.",
            events(),
            tags=("events",),
        ),
        "newswatch-alerting.json": dashboard(
            "newswatch-alerting",
            "newswatch / Alerting",
            "Alert deliveries per sink, retries, the dead-letter topic, circuit breakers and decisions.",
            alerting(),
            scope=SINK,
            tags=("alerting",),
        ),
    }


def render(board: dict[str, Any]) -> str:
    return json.dumps(board, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, board in build().items():
        path = OUT / name
        text = render(board)
        if check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parent.parent)}")
    if stale:
        print(f"out of date (run deploy/grafana/generate_dashboards.py): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
