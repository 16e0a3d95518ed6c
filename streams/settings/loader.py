"""Load settings from a YAML file and ``NEWSWATCH_`` environment overrides.

``NEWSWATCH_KAFKA__BOOTSTRAP_SERVERS=host:9092`` sets ``kafka.bootstrap_servers`` (double underscore
separates levels; values are parsed as YAML scalars, so ``true``/``4``/``[a, b]`` work). A few short
aliases exist for the settings people set most: see ``ENV_ALIASES``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from streams.errors import ConfigError
from streams.settings.root import Settings

ENV_PREFIX = "NEWSWATCH_"
ENV_ALIASES: dict[str, str] = {
    "NEWSWATCH_WEBHOOK_URL": "alerts.webhook_url",
    "NEWSWATCH_BOOTSTRAP_SERVERS": "kafka.bootstrap_servers",
    "NEWSWATCH_TOPIC_PREFIX": "kafka.topic_prefix",
    "NEWSWATCH_DATABASE_URL": "store.url",
}
CONFIG_ENV = "NEWSWATCH_CONFIG"


# Quoted text in a YAML problem message longer than a token or an escape may be a value: never shown.
_QUOTED_VALUE = re.compile(r"'[^'\s]{5,}'|\"[^\"\s]{5,}\"")


def yaml_error_summary(error: yaml.YAMLError) -> str:
    """Where and what the YAML syntax error is, without echoing the offending line (it may hold a secret)."""
    if not isinstance(error, yaml.MarkedYAMLError) or error.problem_mark is None:
        return f"{type(error).__name__} (no position given)"
    mark = error.problem_mark
    problem = _QUOTED_VALUE.sub("'…'", error.problem or "syntax error")
    text = f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    if error.context and error.context_mark is not None:
        context = _QUOTED_VALUE.sub("'…'", error.context)
        start = error.context_mark
        text += f" ({context} that starts at line {start.line + 1}, column {start.column + 1})"
    return text


def _set_path(tree: dict[str, Any], dotted: str, value: Any) -> None:
    node = tree
    parts = dotted.split(".")
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(
                f"environment override {dotted!r} conflicts with a non-mapping value at {part!r}"
            )
        node = child
    node[parts[-1]] = value


def _env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV:
            continue
        dotted = ENV_ALIASES.get(name) or name[len(ENV_PREFIX) :].lower().replace("__", ".")
        if dotted.split(".")[0] not in Settings.model_fields:
            continue
        try:
            value = yaml.safe_load(raw) if raw else None
        except yaml.YAMLError:
            value = raw
        if dotted in ENV_ALIASES.values() or isinstance(value, (dict, type(None))):
            value = raw or None
        _set_path(tree, dotted, value)
    return tree


def _deep_merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError, origin: str) -> str:
    lines = [f"invalid settings in {origin}:"]
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(root)"
        lines.append(f"  {where}: {item['msg']}")
    return "\n".join(lines)


def settings_from_mapping(data: Mapping[str, Any], origin: str = "<mapping>") -> Settings:
    """Validate a settings tree; errors name the dotted path of every bad key."""
    try:
        return Settings.model_validate(dict(data))
    except ValidationError as exc:
        raise ConfigError(_describe(exc, origin)) from exc


def load_settings(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``path`` (or ``$NEWSWATCH_CONFIG``), then environment overrides."""
    env = os.environ if environ is None else environ
    chosen = path or env.get(CONFIG_ENV)
    data: dict[str, Any] = {}
    origin = "defaults"
    if chosen:
        file = Path(chosen)
        origin = str(file)
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"settings file not found: {file}") from exc
        except yaml.YAMLError as exc:
            where = yaml_error_summary(exc)
            raise ConfigError(f"settings file {file} is not valid YAML at {where}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"settings file {file} must hold a mapping at the top level")
        data = loaded or {}
    data = _deep_merge(data, _env_overrides(env))
    return settings_from_mapping(data, origin)
