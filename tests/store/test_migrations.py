"""Versioned migrations on both backends, and the store settings (URL choice, no password in logs)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from streams.records import Event
from streams.settings.store import StoreSettings, redact_url
from streams.store import EventQuery, StoreError, open_store, schema
from streams.store import postgres as postgres_store
from streams.store import sqlite as sqlite_store
from streams.store.postgres import PostgresStore
from streams.store.sqlite import SQLiteStore, sqlite_path
from tests.store.helpers import run_sql


def test_both_dialects_have_the_same_versions() -> None:
    sqlite = [(m.version, m.name) for m in schema.load_migrations("sqlite")]
    postgres = [(m.version, m.name) for m in schema.load_migrations("postgres")]
    assert sqlite == postgres
    assert [v for v, _ in sqlite] == list(range(1, len(sqlite) + 1))


def test_badly_named_or_numbered_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "sqlite").mkdir()
    (tmp_path / "sqlite" / "0002_second.sql").write_text("SELECT 1;")
    with pytest.raises(StoreError, match="numbered"):
        schema.load_migrations("sqlite", tmp_path)
    (tmp_path / "sqlite" / "first.sql").write_text("SELECT 1;")
    with pytest.raises(StoreError, match="0001_name"):
        schema.load_migrations("sqlite", tmp_path)


async def test_migrate_is_repeatable(store_settings: StoreSettings, store_url: str) -> None:
    store = open_store(store_settings)
    try:
        await store.migrate()
        await store.migrate()
        await store.ping()
    finally:
        await store.close()
    rows = run_sql(store_url, "SELECT version, name FROM schema_migrations ORDER BY version")
    assert rows == [(m.version, m.name) for m in schema.load_migrations("sqlite")]


async def test_concurrent_migrations_do_not_race(store_settings: StoreSettings, store_url: str) -> None:
    stores = [open_store(store_settings) for _ in range(3)]
    try:
        await asyncio.gather(*(s.migrate() for s in stores))
    finally:
        for s in stores:
            await s.close()
    assert run_sql(store_url, "SELECT count(*) FROM schema_migrations")[0][0] == len(
        schema.load_migrations("sqlite")
    )


def _write_as_before_places(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stores write the events columns of migration 0001 (no place columns, added by 0003)."""
    for module in (sqlite_store, postgres_store):
        columns = tuple(c for c in module._EVENT_COLUMNS if not c.startswith("place_"))
        monkeypatch.setattr(module, "_EVENT_COLUMNS", columns)
        monkeypatch.setattr(module, "_UPSERT_EVENT", module.upsert_event_sql(columns))


async def test_upgrade_keeps_data(
    store_settings: StoreSettings,
    store_url: str,
    events: list[Event],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for dialect in ("sqlite", "postgres"):
        (tmp_path / dialect).mkdir()
        shutil.copy(schema.MIGRATIONS_DIR / dialect / "0001_initial.sql", tmp_path / dialect)
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", tmp_path)
    _write_as_before_places(monkeypatch)
    old = open_store(store_settings)
    await old.migrate()
    for event in events:
        await old.upsert_event(event)
    await old.close()
    assert run_sql(store_url, "SELECT max(version) FROM schema_migrations")[0][0] == 1
    monkeypatch.undo()
    new = open_store(store_settings)
    try:
        with pytest.raises(StoreError, match="not migrated"):
            await new.ping()
        await new.migrate()
        await new.ping()
        assert (await new.query_events(EventQuery())).total == 7
    finally:
        await new.close()


async def test_edited_or_unknown_migrations_are_reported(
    store_settings: StoreSettings, store_url: str
) -> None:
    store = open_store(store_settings)
    try:
        await store.migrate()
        run_sql(store_url, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        with pytest.raises(StoreError, match="changed after it was applied"):
            await store.migrate()
        run_sql(store_url, "UPDATE schema_migrations SET checksum = %s WHERE version = 1",
                (schema.load_migrations("sqlite")[0].checksum if store_url.startswith("sqlite")
                 else schema.load_migrations("postgres")[0].checksum,))  # fmt: skip
        run_sql(store_url, "INSERT INTO schema_migrations VALUES (99, 'future', 'x', 'now')")
        with pytest.raises(StoreError, match="newer than this code"):
            await store.migrate()
    finally:
        await store.close()


def test_settings_defaults_and_choice_of_backend(tmp_path: Path) -> None:
    defaults = StoreSettings.model_validate({})
    assert defaults.url.get_secret_value() == "sqlite:///var/newswatch.db"
    assert (defaults.api_port, defaults.page_size, defaults.max_page_size, defaults.enabled) == (
        8088,
        50,
        200,
        True,
    )
    assert sqlite_path("sqlite:///var/newswatch.db") == "var/newswatch.db"
    assert sqlite_path("sqlite:////srv/nw/events.db") == "/srv/nw/events.db"
    local = open_store(StoreSettings(url=f"sqlite:///{tmp_path}/x.db"))
    assert isinstance(local, SQLiteStore)
    asyncio.run(local.close())
    remote = open_store(StoreSettings(url="postgresql://nw:hunter2@db.internal:5432/newswatch"))
    assert isinstance(remote, PostgresStore)
    assert isinstance(open_store(StoreSettings(url="postgres://nw@db/newswatch")), PostgresStore)
    with pytest.raises(ValidationError):
        StoreSettings(url="mysql://db/newswatch")
    with pytest.raises(ValidationError):
        StoreSettings.model_validate({"api_port": 70000})
    with pytest.raises(ValidationError):
        StoreSettings.model_validate({"unknown": 1})


def test_password_never_shows() -> None:
    url = "postgresql://nw:hunter2@db.internal:5432/newswatch"
    settings = StoreSettings(url=url)
    assert "hunter2" not in repr(settings) and "hunter2" not in settings.model_dump_json()
    assert settings.safe_url == "postgresql://nw:***@db.internal:5432/newswatch"
    assert redact_url("sqlite:///var/x.db") == "sqlite:///var/x.db"
    assert "hunter2" not in repr(open_store(settings))


async def test_unreachable_server_error_hides_password() -> None:
    store = PostgresStore("postgresql://nw:hunter2@127.0.0.1:1/newswatch", connect_timeout_seconds=1)
    with pytest.raises(StoreError) as caught:
        await store.migrate()
    assert "hunter2" not in str(caught.value) and "***" in str(caught.value)
    await store.close()
