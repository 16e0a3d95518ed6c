"""The feed list: settings' ``feeds``, the ``feeds_file`` YAML and (optionally) the shipped defaults, merged.

A feeds file is a YAML list whose items are a URL string or a FeedSettings mapping (``url``, ``name``,
``interval_seconds``, ...); a mapping with a ``feeds:`` list is accepted too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from connectors.urls import canonical_url
from streams.errors import ConfigError
from streams.settings import Settings
from streams.settings.connectors import FeedSettings

log = logging.getLogger(__name__)

DEFAULT_FEEDS_FILE = Path(__file__).with_name("default_feeds.yaml")
IMPORT_TARGET = "var/connectors/feeds.yaml"


def read_feeds_file(path: str | Path) -> list[FeedSettings]:
    """Feeds from a YAML feeds file; a missing file is an empty list, a malformed one a ConfigError."""
    file = Path(path)
    if not file.exists():
        return []
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"feeds file {file} cannot be read: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("feeds")
    if data is None:
        return []
    if not isinstance(data, list):
        raise ConfigError(f"feeds file {file} must hold a list of feeds")
    feeds: list[FeedSettings] = []
    for number, item in enumerate(data, 1):
        mapping: Any = {"url": item} if isinstance(item, str) else item
        try:
            feeds.append(FeedSettings.model_validate(mapping))
        except ValidationError as exc:
            raise ConfigError(f"feeds file {file}, item {number}: {exc.errors()[0]['msg']}") from exc
    return feeds


def merge_feeds(*groups: Iterable[FeedSettings]) -> list[FeedSettings]:
    """Feeds in order, the first occurrence of each canonical URL winning."""
    merged: dict[str, FeedSettings] = {}
    for group in groups:
        for feed in group:
            merged.setdefault(canonical_url(feed.url), feed)
    return list(merged.values())


def configured_feeds(settings: Settings) -> list[FeedSettings]:
    """Every feed the connector should poll."""
    cfg = settings.connectors
    groups: list[Iterable[FeedSettings]] = [cfg.feeds]
    if cfg.feeds_file:
        groups.append(read_feeds_file(cfg.feeds_file))
    if cfg.use_default_feeds:
        groups.append(read_feeds_file(DEFAULT_FEEDS_FILE))
    return merge_feeds(*groups)


def feed_to_mapping(feed: FeedSettings) -> dict[str, Any]:
    """A feed as a compact mapping: only values that differ from the defaults."""
    return feed.model_dump(exclude_defaults=True) | {"url": feed.url}


def write_feeds_file(path: str | Path, feeds: Iterable[FeedSettings]) -> None:
    """Write a feeds file atomically (temp file, then rename)."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    items = [feed_to_mapping(f) for f in feeds]
    tmp = file.with_name(file.name + ".tmp")
    tmp.write_text(yaml.safe_dump(items, sort_keys=False, allow_unicode=True), encoding="utf-8")
    tmp.replace(file)
