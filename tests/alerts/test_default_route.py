"""The implicit default route alerts on the product's event types, not on lower tiers."""

from __future__ import annotations

import pytest

from alerts.routing import build_routes, select_routes
from streams.records import Alert, Event
from streams.settings.alerts import AlertSettings


@pytest.mark.parametrize(
    ("event_type", "routed"),
    [
        ("leader_call", True),
        ("ceasefire_violated", True),
        ("ceasefire_declared", True),
        ("rule:sanctions-watch", True),
        ("official_contact", False),
    ],
)
def test_default_route_types(event_type: str, routed: bool) -> None:
    routes = build_routes(AlertSettings(), ["console"])
    alert = Alert(event=Event(type=event_type, date="2020-11-07"), reason="first")
    assert bool(select_routes(routes, alert)) is routed


def test_configured_default_types_replace_the_builtin_list() -> None:
    routes = build_routes(AlertSettings(default_types=("official_contact",)), ["console"])
    assert select_routes(
        routes, Alert(event=Event(type="official_contact", date="2020-11-07"), reason="first")
    )
    assert not select_routes(
        routes, Alert(event=Event(type="leader_call", date="2020-11-07"), reason="first")
    )
