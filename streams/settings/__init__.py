"""Settings: one YAML file plus ``NEWSWATCH_`` environment overrides, parsed into frozen models.

Each stage's section lives in its own module here (``kafka``, ``connectors``, ``dedupe``, ``detect``,
``alerts``, ``worker``); this module only assembles them and loads the file. Every field carries its
default and a description, and ``docs/configuration.md`` is checked against them by a test.
"""

from __future__ import annotations

from streams.settings.loader import load_settings, settings_from_mapping
from streams.settings.root import Settings

__all__ = ["Settings", "load_settings", "settings_from_mapping"]
