"""What the pipeline must make of the five seed articles (shared/seeds/README.md): the alerted events.

Each event as (type, date, sorted participant countries); official_contact reports are stored but not
alerted by default, so they are not listed. ``SEED_EVENTS_NOT_ALERTED``: the events of issue 20's types that
the seeds also give (stored, not alerted by default: ``alerts.default_types``).
"""

from __future__ import annotations

SEED_EVENTS: frozenset[tuple[str, str, tuple[str, ...]]] = frozenset(
    {
        ("leader_call", "2020-09-30", ("FRA", "RUS")),
        ("leader_call", "2020-10-02", ("ARM", "RUS")),
        ("leader_call", "2020-10-20", ("FRA", "RUS")),
        ("leader_call", "2020-11-07", ("FRA", "RUS")),
        ("leader_call", "2020-11-07", ("RUS", "TUR")),
        ("ceasefire_violated", "2020-10-10", ()),
        ("ceasefire_violated", "2020-10-18", ()),
    }
)

# Seed 004: "Both Baku and Yerevan have imposed martial law ..." (no day of its own: the publication's).
SEED_EVENTS_NOT_ALERTED: frozenset[tuple[str, str, tuple[str, ...]]] = frozenset(
    {
        ("mobilization", "2020-10-21", ("ARM",)),
        ("mobilization", "2020-10-21", ("AZE",)),
    }
)
