"""Render the settings reference (docs/configuration.md) from the models, so docs and defaults agree."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from streams.settings.root import Settings

HEADER = """# Configuration reference

Generated from the settings models by `newswatch config docs`; a test fails when this file and the
models disagree. Settings come from one YAML file (`--config PATH` or `NEWSWATCH_CONFIG`) and from
environment variables: `NEWSWATCH_<SECTION>__<KEY>=value` overrides `<section>.<key>` (values are read
as YAML scalars). Short aliases: `NEWSWATCH_WEBHOOK_URL` (alerts.webhook_url),
`NEWSWATCH_BOOTSTRAP_SERVERS` (kafka.bootstrap_servers), `NEWSWATCH_TOPIC_PREFIX` (kafka.topic_prefix),
`NEWSWATCH_DATABASE_URL` (store.url).
Unknown keys are errors, reported with their dotted path. `newswatch config check` also runs the checks a
start runs (sink types, URL schemes and signing secrets, routes, rule, feed and token files), so a file it
accepts does not fail at start; a YAML syntax error is reported by line and column, never by echoing the line.
"""


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _default(field: FieldInfo) -> str:
    if field.default is PydanticUndefined:
        if field.default_factory is None:
            return "(required)"
        value: Any = field.default_factory()  # type: ignore[call-arg]
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return "(section)"
    if isinstance(value, SecretStr):
        return "(secret)"
    if isinstance(value, tuple):
        value = list(value)
    return f"`{json.dumps(value, default=str)}`"


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("pydantic.types.", "").replace("|", "or")


def _section(model: type[BaseModel], path: str, out: list[str], seen: set[str]) -> None:
    rows: list[str] = []
    nested: list[tuple[type[BaseModel], str]] = []
    for name, field in model.model_fields.items():
        dotted = f"{path}.{name}" if path else name
        sub = _model_of(field.annotation)
        if sub is not None and not path:
            nested.append((sub, dotted))
            continue
        if sub is not None:
            annotation = str(field.annotation)
            suffix = "[]" if "tuple" in annotation else ".<type>" if "dict" in annotation else ""
            nested.append((sub, dotted + suffix))
        description = (field.description or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{dotted}` | {_type_name(field.annotation)} | {_default(field)} | {description} |")
    if rows:
        out += [
            f"\n## `{path}`\n",
            "| setting | type | default | meaning |",
            "| --- | --- | --- | --- |",
            *rows,
        ]
    for sub, dotted in nested:
        if dotted not in seen:
            seen.add(dotted)
            _section(sub, dotted, out, seen)


def render_reference() -> str:
    """The whole configuration reference as Markdown."""
    out = [HEADER]
    _section(Settings, "", out, set())
    return "\n".join(out) + "\n"
