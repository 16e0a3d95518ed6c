"""Evaluate every dashboard and rule expression against a running Prometheus and list what fails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from prometheus_harness import PrometheusHarness
from promql_catalog import (
    family,
    metric_names,
    panel_queries,
    recorded_names,
    rule_queries,
    variable_queries,
)


@dataclass
class Report:
    """What was evaluated and what failed; ``failures`` empty means every query returned data."""

    evaluated: int = 0
    failures: list[str] = field(default_factory=list)
    firing: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{self.evaluated} expressions evaluated, {len(self.failures)} failed"]
        lines += [f"  FAIL {f}" for f in self.failures]
        lines += [f"  FIRING {a}" for a in self.firing]
        lines += [f"  pending {a}" for a in self.pending]
        return "\n".join(lines)


def known_metrics(harness: PrometheusHarness) -> set[str]:
    """Families the targets declare plus series names present (recording rules included)."""
    names = set(harness.metric_metadata()) | harness.series_names() | recorded_names()
    with_total = {f"{n}_total" for n in names}  # OpenMetrics declares counters without _total
    return names | with_total


def undeclared_metrics(harness: PrometheusHarness, exprs: Iterable[tuple[str, str]]) -> list[str]:
    """``origin: name`` for every metric name an expression reads that no target declares."""
    known = known_metrics(harness)
    missing = []
    for origin, expr in exprs:
        for name in sorted(metric_names(expr)):
            if name not in known and family(name) not in known:
                missing.append(f"{origin}: {name}")
    return missing


def evaluate_everything(
    harness: PrometheusHarness, *, rate_interval: str = "1m", range_: str = "1h"
) -> Report:
    """Run every panel, variable and rule expression; a query that returns nothing is a failure."""
    report = Report()
    for query in panel_queries():
        report.evaluated += 1
        expr = query.concrete(rate_interval=rate_interval, range_=range_)
        try:
            result = harness.query(expr)
        except Exception as exc:  # an API error names the bad expression
            report.failures.append(f"{query.origin}: error {exc}")
            continue
        if not result:
            report.failures.append(f"{query.origin}: no data for {expr}")
    for variable in variable_queries():
        report.evaluated += 1
        params: dict[str, str | list[str]] = {}
        if variable.selector:
            params["match[]"] = [variable.selector]
        values = harness.api(f"label/{variable.label}/values", **params)
        if not values:
            report.failures.append(
                f"{variable.origin}: no values for {variable.label} in {variable.selector}"
            )
    for query in rule_queries():
        if query.kind != "record":
            continue
        report.evaluated += 1
        name = query.origin.rsplit("/", 1)[1]
        if not harness.query(name):
            report.failures.append(
                f"{query.origin}: recording rule produced no series ({query.expr.strip()})"
            )
    for group in harness.rule_groups():
        for rule in group["rules"]:
            label = f"{group['file'].rsplit('/', 1)[-1]}: {group['name']}/{rule['name']}"
            if rule.get("health") != "ok":
                report.failures.append(f"{label}: health {rule.get('health')}: {rule.get('lastError')}")
            if rule["type"] == "alerting":
                report.evaluated += 1
                if rule["state"] == "firing":
                    report.firing.append(label)
                elif rule["state"] == "pending":
                    report.pending.append(label)
    exprs = [(q.origin, q.expr) for q in panel_queries() + rule_queries()]
    exprs += [(v.origin, v.selector) for v in variable_queries() if v.selector]
    report.failures += [f"undeclared metric {m}" for m in undeclared_metrics(harness, exprs)]
    return report
