"""Alert delivery: sinks, routing, grouping, silences, retries and the dead-letter topic (docs/alerts.md)."""
