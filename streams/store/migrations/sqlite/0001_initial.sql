-- 0001 initial schema (SQLite). Times are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ', so they sort as text.
CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    seq             INTEGER NOT NULL,
    type            TEXT NOT NULL,
    event_date      TEXT NOT NULL,
    conflict        TEXT,
    initiator       TEXT,
    alleged         INTEGER NOT NULL DEFAULT 0,
    severity        TEXT NOT NULL DEFAULT 'info',
    rule            TEXT,
    language        TEXT,
    headline        TEXT NOT NULL DEFAULT '',
    cameo           TEXT,
    plover_category TEXT,
    plover_mode     TEXT,
    topics          TEXT NOT NULL DEFAULT '[]',
    source_count    INTEGER NOT NULL DEFAULT 0,
    report_count    INTEGER NOT NULL DEFAULT 0,
    first_reported  TEXT,
    last_reported   TEXT,
    stored_at       TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    search_text     TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL
);
CREATE UNIQUE INDEX events_seq_idx ON events (seq);
CREATE INDEX events_date_idx ON events (event_date DESC, last_reported DESC);
CREATE INDEX events_type_idx ON events (type);

CREATE TABLE event_participants (
    event_id  TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    name_key  TEXT NOT NULL,
    country   TEXT,
    office    TEXT,
    person_id TEXT,
    is_leader INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, position)
);
CREATE INDEX event_participants_person_idx ON event_participants (person_id);
CREATE INDEX event_participants_country_idx ON event_participants (country);

CREATE TABLE event_reports (
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    url        TEXT NOT NULL DEFAULT '',
    sentence   TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    published  TEXT,
    rule       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, position)
);

CREATE TABLE event_sources (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    source   TEXT NOT NULL,
    PRIMARY KEY (event_id, source)
);


CREATE TABLE deliveries (
    alert_id     TEXT NOT NULL,
    sink         TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 1,
    error        TEXT,
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (alert_id, sink, outcome)
);
CREATE INDEX deliveries_event_idx ON deliveries (event_id);
CREATE INDEX deliveries_at_idx ON deliveries (delivered_at DESC);
