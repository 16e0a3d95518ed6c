"""What a start rejects beyond the models, in one function shared by the processes and ``config check``.

Loading the file already checks types, ranges, unknown keys and the log level. The rest is decided by
the code that builds objects from the settings at start, so this module calls that same code: the alert
sinks (plug-in type, URL scheme, signing secrets), routes and silences; the detection engine (gazetteer
and rules files); the connectors' feed list; the API token file. Plug-ins outside ``streams`` are
imported by name, as the worker does; one that is not installed is skipped here (the connectors need
none), and the worker then refuses to start without it (``streams/worker/stages.py``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from streams.errors import ConfigError
from streams.settings.alerts import AlertSettings, active_sinks
from streams.settings.root import Settings


def _plugin(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def _sink_key(section: AlertSettings, name: str) -> str:
    for index, sink in enumerate(section.sinks):
        if sink.name == name:
            return f"alerts.sinks.{index}"
    return {"console": "alerts.console", "webhook": "alerts.webhook_url / alerts.webhook_secrets"}.get(
        name, "alerts"
    )


async def _no_dead_letters(_letter: Any) -> None:
    raise RuntimeError("the start check never delivers")


def _check_alerts(settings: Settings) -> None:
    sinks, dispatch, delivery_log = (
        _plugin(name) for name in ("alerts.sinks", "alerts.dispatch", "alerts.delivery_log")
    )
    if sinks is None or dispatch is None or delivery_log is None:
        return
    section = settings.alerts
    context = sinks.SinkContext(source=section.source, state_dir=Path(section.state_dir))
    for config in active_sinks(section):
        try:
            sinks.build_sink(config, context)
        except ConfigError as exc:
            raise ConfigError(f"{_sink_key(section, config.name)}: {exc}") from None
    try:  # routes against the enabled sinks, and the silences file, as the worker's alert stage builds them
        dispatch.Dispatcher.from_settings(
            section, delivery_log=delivery_log.InMemoryDeliveryLog(), dead_letter=_no_dead_letters
        )
    except ConfigError as exc:
        key = "alerts.routes" if str(exc).startswith("route ") else "alerts.silences_path"
        raise ConfigError(f"{key}: {exc}") from None


def _check_detection(settings: Settings) -> None:
    from streams.detect.engine import DetectionEngine

    try:
        DetectionEngine.check_settings(settings.detect)  # kept for the worker, which takes it
    except ConfigError as exc:
        rules, gazetteer = settings.detect.rules_path, settings.detect.gazetteer_path
        if rules and rules in str(exc):
            key = "detect.rules_path"
        elif gazetteer and gazetteer in str(exc):
            key = "detect.gazetteer_path"
        else:
            key = "detect"
        raise ConfigError(f"{key}: {exc}") from None


def _check_feeds(settings: Settings) -> None:
    feedlist = _plugin("connectors.feedlist")
    if feedlist is None:
        return
    try:
        feedlist.configured_feeds(settings)
    except ConfigError as exc:
        raise ConfigError(f"connectors.feeds_file: {exc}") from None


def _check_speakers(settings: Settings) -> None:
    """A feed's ``speaker`` must be a person of the gazetteer, or its first-person calls would name nobody."""
    feedlist = _plugin("connectors.feedlist")
    feeds = feedlist.configured_feeds(settings) if feedlist is not None else list(settings.connectors.feeds)
    speakers = [feed for feed in feeds if feed.speaker]
    if not speakers:
        return
    from streams.detect.gazetteer import Gazetteer

    known = {person.id for person in Gazetteer.load(settings.detect.gazetteer_path).people()}
    for feed in speakers:
        if feed.speaker not in known:
            raise ConfigError(
                f"connectors.feeds ({feed.url}).speaker: {feed.speaker!r} is not a person id of the gazetteer"
            )


def _check_api_token(settings: Settings) -> None:
    from streams.store.auth import load_api_token

    load_api_token(settings.store)  # its errors already name store.api_token_file


START_CHECKS: tuple[Callable[[Settings], None], ...] = (
    _check_alerts,
    _check_detection,
    _check_feeds,
    _check_speakers,
    _check_api_token,
)


def check_start(settings: Settings) -> None:
    """Raise a ConfigError naming the setting's dotted path for anything a process start would reject."""
    for check in START_CHECKS:
        check(settings)
