"""A generated event store for the page's browser tests and benchmark: seeded, so every run is the same.

Leaders of a dozen countries call and meet each other, officials make contacts, and ceasefires in named
conflicts are declared and violated, spread over a year.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from streams.records import Event, EventType, Evidence, Participant

PEOPLE = (
    Participant("Vladimir Putin", "RUS", "president", "putin-vladimir", True),
    Participant("Emmanuel Macron", "FRA", "president", "macron-emmanuel", True),
    Participant("Recep Tayyip Erdogan", "TUR", "president", "erdogan-recep-tayyip", True),
    Participant("Olaf Scholz", "DEU", "chancellor", "scholz-olaf", True),
    Participant("Joe Biden", "USA", "president", "biden-joe", True),
    Participant("Xi Jinping", "CHN", "president", "xi-jinping", True),
    Participant("Narendra Modi", "IND", "prime_minister", "modi-narendra", True),
    Participant("Volodymyr Zelensky", "UKR", "president", "zelensky-volodymyr", True),
    Participant("Ilham Aliyev", "AZE", "president", "aliyev-ilham", True),
    Participant("Nikol Pashinyan", "ARM", "prime_minister", "pashinyan-nikol", True),
    Participant("Luiz Inacio Lula da Silva", "BRA", "president", "lula-da-silva", True),
    Participant("Cyril Ramaphosa", "ZAF", "president", "ramaphosa-cyril", True),
    Participant("Sergey Lavrov", "RUS", "foreign_minister", "lavrov-sergey", False),
    Participant("Antony Blinken", "USA", "foreign_minister", "blinken-antony", False),
    Participant("Wang Yi", "CHN", "foreign_minister", "wang-yi", False),
    Participant("Hakan Fidan", "TUR", "foreign_minister", "fidan-hakan", False),
)
CONFLICTS = ("Nagorno-Karabakh", "Ukraine", "Syria", "Gaza", "Yemen")
START = date(2024, 1, 1)
DAYS = 366


def generated_events(count: int = 5000, seed: int = 21) -> list[Event]:
    """``count`` distinct events: 70% calls and contacts between two people, 30% ceasefire news."""
    rng = random.Random(seed)
    leaders = [p for p in PEOPLE if p.is_leader]
    officials = [p for p in PEOPLE if not p.is_leader]
    made: dict[str, Event] = {}
    while len(made) < count:
        day = (START + timedelta(days=int(rng.triangular(0, DAYS - 1, DAYS * 0.8)))).isoformat()
        when = datetime.fromisoformat(day).replace(hour=rng.randrange(24), tzinfo=UTC)
        roll = rng.random()
        if roll < 0.7:
            kind = EventType.LEADER_CALL if roll < 0.5 else EventType.OFFICIAL_CONTACT
            pool = leaders if kind == EventType.LEADER_CALL else officials + leaders[:4]
            first, second = rng.sample(pool, 2)
            event = Event(
                kind, day, (first, second), headline=f"{first.name} and {second.name} spoke by phone"
            )
        else:
            kind = EventType.CEASEFIRE_VIOLATED if rng.random() < 0.6 else EventType.CEASEFIRE_DECLARED
            conflict = rng.choice(CONFLICTS)
            verb = "violated" if kind == EventType.CEASEFIRE_VIOLATED else "declared"
            event = Event(kind, day, conflict=conflict, headline=f"Ceasefire in {conflict} {verb}")
        if event.id in made:
            continue
        source = f"source{rng.randrange(40)}.example"
        article = f"{len(made):016x}"
        evidence = Evidence(
            article, f"https://{source}/{article}", event.headline + ".", source, when, "synthetic"
        )
        made[event.id] = event.replace(
            evidence=(evidence,), sources=(source,), first_reported=when, last_reported=when, language="en"
        )
    return list(made.values())
