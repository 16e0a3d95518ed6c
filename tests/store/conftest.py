"""Store fixtures: the seven seed events built by hand, a real PostgreSQL server, and stores on both backends.

PostgreSQL: ``NEWSWATCH_TEST_POSTGRES_URL`` (a server URL without a database name; the tests create and
drop their own databases) or Debian's binaries (``/usr/lib/postgresql/<v>/bin``): initdb into a temporary
folder, start on a free port on 127.0.0.1 with the socket in that folder (as the ``postgres`` user when
run as root), stop at the end.
Without either the PostgreSQL tests are skipped, unless ``NEWSWATCH_REQUIRE_POSTGRES=1`` makes that an error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.records import Event, EventType, Evidence, Participant
from streams.settings.store import StoreSettings
from streams.store import EventStore, open_store

PUTIN = Participant("Vladimir Putin", "RUS", "president", "putin-vladimir", True)
MACRON = Participant("Emmanuel Macron", "FRA", "president", "macron-emmanuel", True)
PASHINYAN = Participant("Nikol Pashinyan", "ARM", "prime_minister", "pashinyan-nikol", True)
ERDOGAN = Participant("Recep Tayyip Erdogan", "TUR", "president", "erdogan-recep-tayyip", True)
KARABAKH = "Nagorno-Karabakh"


def _at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _evidence(article: str, sentence: str, source: str, day: str, rule: str) -> Evidence:
    return Evidence(article, f"https://{source}/news/{article}", sentence, source, _at(day), rule)


def seven_events() -> list[Event]:
    """The events the seeds must produce, with realistic participants and evidence."""
    call = EventType.LEADER_CALL
    violated = EventType.CEASEFIRE_VIOLATED
    common = {"topics": ("nagorno-karabakh",), "cameo": "040", "plover_category": "CONSULT",
              "plover_mode": "telephone", "language": "en"}  # fmt: skip
    return [
        Event(
            call,
            "2020-09-30",
            (PUTIN, MACRON),
            headline="Putin and Macron spoke by phone about Nagorno Karabakh",
            evidence=(
                _evidence(
                    "916328e3991dc88e",
                    "Russian President Vladimir Putin and his French counterpart "
                    "Emmanuel Macron spoke by phone last night about the situation in Nagorno Karabakh.",
                    "es.translated.example",
                    "2020-10-01",
                    "leader_call.phone",
                ),
            ),
            sources=("es.translated.example",),
            first_reported=_at("2020-10-01"),
            last_reported=_at("2020-10-01"),
            **common,
        ),
        Event(
            call,
            "2020-10-02",
            (PASHINYAN, PUTIN),
            initiator="pashinyan-nikol",
            headline="Pashinian calls Putin for the third time in a week",
            evidence=(
                _evidence(
                    "80ed9d53a21f13b4",
                    "Armenian Prime Minister Nikol Pashinian called Russian "
                    "President Vladimir Putin on Friday for the third time in less than a week.",
                    "rferl.example",
                    "2020-10-02",
                    "leader_call.called",
                ),
            ),
            sources=("rferl.example",),
            first_reported=_at("2020-10-02"),
            last_reported=_at("2020-10-02"),
            **common,
        ),
        Event(
            call,
            "2020-10-20",
            (PUTIN, MACRON),
            headline="Putin and Macron held a phone call on Karabakh",
            evidence=(
                _evidence(
                    "a4b85e159159ef82",
                    "On Tuesday, Russian President Vladimir Putin and his French "
                    "counterpart Emmanuel Macron held a phone call.",
                    "news.example",
                    "2020-10-21",
                    "leader_call.phone",
                ),
            ),
            sources=("news.example",),
            first_reported=_at("2020-10-21"),
            last_reported=_at("2020-10-21"),
            **common,
        ),
        Event(
            call,
            "2020-11-07",
            (PUTIN, MACRON),
            headline="Putin and Macron discussed Karabakh fighting by phone",
            evidence=(
                _evidence(
                    "6be6fbbbb802f048",
                    "Russian President Vladimir Putin and French President "
                    "Emmanuel Macron discussed in a phone call the ongoing fighting in Nagorno-Karabakh.",
                    "opednews.example",
                    "2020-11-07",
                    "leader_call.phone",
                ),
            ),
            sources=("opednews.example",),
            first_reported=_at("2020-11-07"),
            last_reported=_at("2020-11-07"),
            **common,
        ),
        Event(
            call,
            "2020-11-07",
            (ERDOGAN, PUTIN),
            initiator="erdogan-recep-tayyip",
            headline="Erdogan spoke to his Russian counterpart about Upper Karabakh",
            evidence=(
                _evidence(
                    "6be6fbbbb802f048",
                    "In a telephone call, Turkish president late Saturday spoke to his Russian counterpart.",
                    "opednews.example",
                    "2020-11-07",
                    "leader_call.counterpart",
                ),
            ),
            sources=("opednews.example",),
            first_reported=_at("2020-11-07", 13),
            last_reported=_at("2020-11-07", 13),
            **common,
        ),
        Event(
            violated,
            "2020-10-10",
            conflict=KARABAKH,
            severity="warning",
            cameo="195",
            plover_category="ASSAULT",
            topics=("nagorno-karabakh", "ceasefire"),
            language="en",
            headline="Humanitarian ceasefire of 10 October violated almost immediately",
            evidence=(
                _evidence(
                    "a4b85e159159ef82",
                    "The Moscow-brokered humanitarian ceasefire took effect on "
                    "10 October and was violated almost immediately.",
                    "news.example",
                    "2020-10-21",
                    "ceasefire.violated",
                ),
            ),
            sources=("news.example",),
            first_reported=_at("2020-10-21", 14),
            last_reported=_at("2020-10-21", 14),
        ),
        Event(
            violated,
            "2020-10-18",
            conflict=KARABAKH,
            severity="warning",
            cameo="195",
            plover_category="ASSAULT",
            topics=("nagorno-karabakh", "ceasefire"),
            language="en",
            headline="Ceasefire of 18 October ended with an eruption of hostilities",
            evidence=(
                _evidence(
                    "a4b85e159159ef82",
                    "The ceasefire announced for 18 October also ended with an eruption of hostilities.",
                    "news.example",
                    "2020-10-21",
                    "ceasefire.violated",
                ),
            ),
            sources=("news.example",),
            first_reported=_at("2020-10-21", 15),
            last_reported=_at("2020-10-21", 15),
        ),
    ]


@pytest.fixture
def events() -> list[Event]:
    """The seven seed events."""
    return seven_events()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file URL in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'newswatch.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest) -> str:
    """A database URL on each backend in turn."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def store_settings(store_url: str) -> StoreSettings:
    """Store settings pointing at the backend under test."""
    return StoreSettings(url=store_url)


@pytest.fixture
async def store(store_settings: StoreSettings) -> AsyncIterator[EventStore]:
    """A migrated, empty store on the backend under test."""
    opened = open_store(store_settings)
    await opened.migrate()
    try:
        yield opened
    finally:
        await opened.close()
