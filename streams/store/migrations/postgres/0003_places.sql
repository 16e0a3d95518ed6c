-- 0003 places (PostgreSQL): where an event happened (issue 20), from its place: the English name, the
-- ISO 3166-1 alpha-2 country and the coordinates; NULL for events that name no place (every event stored before).
ALTER TABLE events
    ADD COLUMN place_name TEXT,
    ADD COLUMN place_country TEXT,
    ADD COLUMN place_lat DOUBLE PRECISION,
    ADD COLUMN place_lon DOUBLE PRECISION;
CREATE INDEX events_place_country_idx ON events (place_country);
