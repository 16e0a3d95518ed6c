"""Event identity and merging: many reports of one happening become one event."""
