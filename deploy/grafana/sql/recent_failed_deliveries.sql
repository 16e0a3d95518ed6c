-- Grafana table panel "Recent failed deliveries" (PostgreSQL datasource "newswatch events", format: Table).
-- Every delivery outcome other than delivered/skipped/suppressed (failed, dead_letter, ...), newest first,
-- with the event it was about and whether the same alert reached the same sink later after all.
-- Plain SQL with no Grafana macros; to follow the dashboard's time range add
--   AND $__timeFilter(d.delivered_at)
SELECT
    d.delivered_at AS "time",
    d.sink AS "sink",
    d.outcome AS "outcome",
    d.attempts AS "attempts",
    left(coalesce(d.error, ''), 300) AS "error",
    EXISTS (
        SELECT 1 FROM deliveries ok
        WHERE ok.alert_id = d.alert_id AND ok.sink = d.sink AND ok.outcome = 'delivered'
    ) AS "delivered later",
    e.type AS "event type",
    e.event_date AS "event date",
    coalesce(e.headline, '') AS "headline",
    d.event_id AS "event id",
    d.alert_id AS "alert id"
FROM deliveries d
LEFT JOIN events e ON e.id = d.event_id
WHERE d.outcome NOT IN ('delivered', 'skipped', 'suppressed')
ORDER BY d.delivered_at DESC
LIMIT 50;
