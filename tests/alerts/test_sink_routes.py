"""Which sinks run and which a route may name: one answer for the settings and for the dispatcher.

Issue 19: the settings accepted a route to a disabled sink (and to 'console' when a configured sink of
that name was disabled), the dispatcher refused it only when the worker built the alert stage.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from alerts.delivery_log import InMemoryDeliveryLog
from alerts.dispatch import Dispatcher
from streams.errors import ConfigError
from streams.settings.alerts import AlertSettings, active_sinks


async def _no_dead_letters(_letter: Any) -> None:
    raise AssertionError("no delivery in this test")


def _dispatcher_accepts(settings: AlertSettings) -> bool:
    try:
        Dispatcher.from_settings(settings, delivery_log=InMemoryDeliveryLog(), dead_letter=_no_dead_letters)
    except ConfigError:
        return False
    return True


CONFIGS: dict[str, dict[str, Any]] = {
    "route to a disabled sink": {
        "sinks": [{"name": "quiet", "type": "console", "enabled": False}],
        "routes": [{"name": "r", "sinks": ["quiet"]}],
    },
    "route to console shadowed by a disabled sink of that name": {
        "console": True,
        "sinks": [{"name": "console", "type": "console", "enabled": False}],
        "routes": [{"name": "r", "sinks": ["console"]}],
    },
    "route to an unknown sink": {"routes": [{"name": "r", "sinks": ["nowhere"]}]},
}


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_a_route_to_a_sink_that_does_not_run_is_refused_when_the_settings_load(case: str) -> None:
    with pytest.raises(ValidationError, match="names unknown or disabled sinks"):
        AlertSettings.model_validate(CONFIGS[case])


def test_the_settings_and_the_dispatcher_agree_on_a_route_to_an_enabled_sink(tmp_path: Any) -> None:
    settings = AlertSettings.model_validate(
        {
            "console": True,
            "state_dir": str(tmp_path),
            "sinks": [
                {"name": "quiet", "type": "console", "enabled": False},
                {"name": "file", "type": "jsonl", "path": str(tmp_path / "a.jsonl")},
            ],
            "routes": [{"name": "r", "sinks": ["file", "console"]}],
        }
    )
    assert [s.name for s in active_sinks(settings)] == ["file", "console"]
    assert _dispatcher_accepts(settings)
