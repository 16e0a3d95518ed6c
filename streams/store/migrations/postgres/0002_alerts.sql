-- 0002 alerts (PostgreSQL): which event each alert was about, so a delivery reported only by alert id
-- (the alerts.deliveries topic) can be tied to its event, whichever of the two arrives first.
CREATE TABLE alerts (
    alert_id   TEXT PRIMARY KEY,
    event_id   TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX alerts_event_idx ON alerts (event_id);
