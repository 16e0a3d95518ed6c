"""The gazetteer's age: the newest as_of in use (a refreshed user file makes the data younger), the gauge
read at scrape time and the start-up warning."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from streams.detect.gazetteer import Gazetteer
from streams.detect.gazetteer_age import STALE_AFTER_DAYS, gazetteer_age_days, watch_gazetteer_age

USER_FILE = """format: 1
as_of: {as_of}
people:
- id: doe-jane
  name: Jane Doe
  terms:
  - {{country: FRA, office: foreign_minister, start: 2026-01-05, end: null}}
"""


def _user_file(tmp_path: Path, as_of: str) -> Path:
    path = tmp_path / f"user-{as_of}.yaml"
    path.write_text(USER_FILE.format(as_of=as_of), encoding="utf-8")
    return path


def test_a_newer_user_file_makes_the_data_younger(tmp_path: Path) -> None:
    shipped = Gazetteer.load()
    assert shipped.newest_as_of == shipped.as_of
    refreshed = Gazetteer.load(_user_file(tmp_path, "2026-12-01"))
    assert refreshed.newest_as_of == date(2026, 12, 1)
    assert refreshed.as_of == shipped.as_of  # coverage claims stay the shipped file's
    older = Gazetteer.load(_user_file(tmp_path, "2020-01-01"))
    assert older.newest_as_of == shipped.as_of


def test_age_in_days() -> None:
    assert gazetteer_age_days(date(2026, 1, 1), date(2026, 2, 15)) == 45
    assert gazetteer_age_days(date(2026, 3, 1), date(2026, 2, 15)) == 0


def test_the_gauge_follows_the_clock_and_a_stale_file_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gazetteer = Gazetteer.load(_user_file(tmp_path, "2026-12-01"))
    today = [date(2026, 12, 11)]
    with caplog.at_level(logging.WARNING, logger="streams.detect.gazetteer_age"):
        assert watch_gazetteer_age(gazetteer, clock=lambda: today[0]) == 10
    assert not caplog.records
    assert REGISTRY.get_sample_value("newswatch_gazetteer_age_days") == 10.0
    today[0] = date(2027, 1, 31)  # the worker keeps running: the scrape sees the data age
    assert REGISTRY.get_sample_value("newswatch_gazetteer_age_days") == 61.0
    with caplog.at_level(logging.WARNING, logger="streams.detect.gazetteer_age"):
        assert watch_gazetteer_age(gazetteer, clock=lambda: today[0]) == 61 > STALE_AFTER_DAYS
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "61 days old" in message and "2026-12-01" in message and "gazetteer update" in message
