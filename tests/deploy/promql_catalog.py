"""Every PromQL expression the deployment runs: dashboard panels and variables, recording and alert rules.

Grafana's variables are replaced the way Grafana does with everything selected: ``$job``, ``$instance``,
``$feed`` and ``$sink`` become ``.*`` (the dashboards' ``allValue``), ``$__rate_interval`` and
``$__range`` become fixed windows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
DASHBOARDS = REPO / "deploy" / "grafana" / "dashboards"
RULES = REPO / "deploy" / "prometheus" / "rules"

#: Labels that would make a series per article, event or alert: never a label, never a legend.
FORBIDDEN_LABELS = frozenset({"url", "title", "article_id", "event_id", "alert_id", "headline", "id"})

_NAME = re.compile(r"\b((?:newswatch|process|python)_[a-z0-9_]+|up|[a-z_]+:[a-z0-9_]+:[a-z0-9_]+)\b")
_IN_QUOTES = re.compile(r'"(?:[^"\\]|\\.)*"')
_BY_LABELS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_LABEL_VALUES = re.compile(r"^label_values\((?:(?P<selector>.+),\s*)?(?P<label>[a-zA-Z_][a-zA-Z0-9_]*)\)$")
_HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum", "_created")
_FUNCTIONS = frozenset({"up"})


@dataclass(frozen=True)
class Query:
    """One expression and where it comes from (for failure messages)."""

    origin: str  # e.g. "newswatch-overview.json: Feed fetches by status [A]"
    expr: str  # as written, with Grafana variables
    kind: str  # panel | variable | record | alert

    def concrete(self, rate_interval: str = "1m", range_: str = "1h") -> str:
        return substitute(self.expr, rate_interval=rate_interval, range_=range_)


def substitute(expr: str, *, rate_interval: str = "1m", range_: str = "1h") -> str:
    """The expression as Grafana sends it with every variable on "All"."""
    out = expr.replace("$__rate_interval", rate_interval).replace("$__range", range_)
    out = out.replace("$__interval", rate_interval)
    return re.sub(r"\$\{?(job|instance|feed|sink)\}?", ".*", out)


def dashboard_files() -> list[Path]:
    return sorted(DASHBOARDS.glob("*.json"))


def load_dashboard(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def iter_panels(board: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in board.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def is_prometheus(panel_or_target: dict[str, Any]) -> bool:
    return (panel_or_target.get("datasource") or {}).get("type") == "prometheus"


def panel_queries() -> list[Query]:
    found = []
    for path in dashboard_files():
        board = load_dashboard(path)
        for panel in iter_panels(board):
            for target in panel.get("targets", []):
                if "expr" in target and is_prometheus(target):
                    origin = f"{path.name}: {panel['title']} [{target['refId']}]"
                    found.append(Query(origin, target["expr"], "panel"))
    return found


@dataclass(frozen=True)
class VariableQuery:
    origin: str
    selector: str | None  # series selector, or None for label_values(label)
    label: str


def variable_queries() -> list[VariableQuery]:
    found = []
    for path in dashboard_files():
        for variable in load_dashboard(path).get("templating", {}).get("list", []):
            if variable.get("type") != "query":
                continue
            query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
            match = _LABEL_VALUES.match(query.strip())
            if not match:
                raise ValueError(
                    f"{path.name}: variable {variable['name']} is not label_values(...): {query}"
                )
            selector = match.group("selector")
            found.append(
                VariableQuery(
                    f"{path.name}: ${variable['name']}",
                    substitute(selector) if selector else None,
                    match.group("label"),
                )
            )
    return found


def rule_files() -> list[Path]:
    return sorted(RULES.glob("*.yml"))


def rule_queries() -> list[Query]:
    found = []
    for path in rule_files():
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            for rule in group["rules"]:
                name = rule.get("record") or rule["alert"]
                kind = "record" if "record" in rule else "alert"
                found.append(Query(f"{path.name}: {group['name']}/{name}", rule["expr"], kind))
    return found


def recorded_names() -> set[str]:
    return {q.origin.rsplit("/", 1)[1] for q in rule_queries() if q.kind == "record"}


def metric_names(expr: str) -> set[str]:
    """The metric names an expression reads (label values in quotes are ignored)."""
    names = set(_NAME.findall(_IN_QUOTES.sub('""', expr)))
    return {n for n in names if not n.startswith("newswatch_") or not n.endswith("_")}


def family(name: str) -> str:
    """The metric family a series name belongs to (``x_bucket`` -> ``x``; counters keep ``_total``)."""
    for suffix in _HISTOGRAM_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def grouping_labels(expr: str) -> set[str]:
    labels: set[str] = set()
    for group in _BY_LABELS.findall(expr):
        labels |= {part.strip() for part in group.split(",") if part.strip()}
    return labels
