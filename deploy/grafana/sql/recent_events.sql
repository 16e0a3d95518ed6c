-- Grafana table panel "Recent events" (PostgreSQL datasource "newswatch events", format: Table).
-- The events most recently stored or updated (a merged report bumps updated_at), newest first.
-- Plain SQL with no Grafana macros, so tests run it as is; to follow the dashboard's time range add
--   WHERE $__timeFilter(e.updated_at)
-- Text columns come from news articles: keep the panel's cell type "auto"/"text" (never HTML).
SELECT
    e.updated_at AS "time",
    e.event_date AS "event date",
    e.type AS "type",
    e.severity AS "severity",
    e.headline AS "headline",
    coalesce(
        (SELECT string_agg(p.name || coalesce(' (' || p.country || ')', ''), ' – ' ORDER BY p.position)
         FROM event_participants p
         WHERE p.event_id = e.id),
        e.conflict,
        ''
    ) AS "who",
    coalesce(e.place_name || coalesce(' (' || e.place_country || ')', ''), '') AS "place",
    e.source_count AS "sources",
    e.report_count AS "reports",
    e.first_reported AS "first reported",
    e.last_reported AS "last reported",
    e.id AS "event id"
FROM events e
ORDER BY e.updated_at DESC, e.seq DESC
LIMIT 50;
