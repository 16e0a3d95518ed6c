"""What the pipeline must make of the five seed articles (shared/seeds/README.md): the alerted events.

Each event as (type, date, sorted participant countries); official_contact reports are stored but not
alerted by default, so they are not listed.
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
