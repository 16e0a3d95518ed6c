-- 0003 places (SQLite): where an event happened (issue 20), from its place: the English name, the ISO 3166-1
-- alpha-2 country and the coordinates; NULL for events that name no place (every event stored before).
ALTER TABLE events ADD COLUMN place_name TEXT;
ALTER TABLE events ADD COLUMN place_country TEXT;
ALTER TABLE events ADD COLUMN place_lat REAL;
ALTER TABLE events ADD COLUMN place_lon REAL;
CREATE INDEX events_place_country_idx ON events (place_country);
