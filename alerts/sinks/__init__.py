"""Sink plug-ins, registered by the ``type`` name the config uses."""

from __future__ import annotations

from alerts.sinks.base import BaseSink, BatchSink, HttpSink, Sink, SinkContext
from alerts.sinks.console import ConsoleSink
from alerts.sinks.discord import DiscordSink
from alerts.sinks.jsonl import JsonLinesSink
from alerts.sinks.slack import SlackSink
from alerts.sinks.teams import TeamsSink
from alerts.sinks.webhook import WebhookSink
from streams.errors import ConfigError
from streams.settings.alerts import SinkSettings

SINK_TYPES: dict[str, type[BaseSink]] = {
    "console": ConsoleSink,
    "webhook": WebhookSink,
    "slack": SlackSink,
    "discord": DiscordSink,
    "teams": TeamsSink,
    "jsonl": JsonLinesSink,
}


def build_sink(config: SinkSettings, context: SinkContext) -> BaseSink:
    """The sink plug-in named by ``config.type``."""
    try:
        cls = SINK_TYPES[config.type]
    except KeyError:
        known = ", ".join(sorted(SINK_TYPES))
        raise ConfigError(f"sink {config.name!r}: unknown type {config.type!r} (known: {known})") from None
    return cls(config, context)


__all__ = ["SINK_TYPES", "BaseSink", "BatchSink", "HttpSink", "Sink", "SinkContext", "build_sink"]
