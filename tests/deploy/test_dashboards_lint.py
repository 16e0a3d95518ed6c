"""Dashboard lint: the rules of Grafana's dashboard-linter, re-stated for these dashboards.

The Go linter could not be installed from the module proxy here, so the same rules are checked in
Python (listed in docs/observability.md); each test names the linter rule it stands for. PromQL syntax
is checked by promtool itself.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from promql_catalog import (
    DASHBOARDS,
    FORBIDDEN_LABELS,
    REPO,
    dashboard_files,
    grouping_labels,
    iter_panels,
    load_dashboard,
    metric_names,
    panel_queries,
    substitute,
    variable_queries,
)

GENERATOR = REPO / "deploy" / "grafana" / "generate_dashboards.py"
SQL_DIR = REPO / "deploy" / "grafana" / "sql"
PROVISIONING = REPO / "deploy" / "grafana" / "provisioning"
PROMETHEUS_DS = {"type": "prometheus", "uid": "${datasource}"}
POSTGRES_UID = "newswatch-postgres"
UNITS = {
    "short",
    "none",
    "s",
    "ms",
    "bytes",
    "Bps",
    "ops",
    "reqps",
    "percentunit",
    "percent",
    "dateTimeAsIso",
}
EXPECTED = {"newswatch-overview", "newswatch-feeds", "newswatch-events", "newswatch-alerting"}
_WINDOW = re.compile(r"\[([^\]]+)\]")
_COUNTER_SERIES = re.compile(r"\b((?:newswatch|process|python)_[a-z0-9_]+?(?:_total|_bucket|_count|_sum))\{")


def boards() -> list[tuple[str, dict[str, Any]]]:
    return [(p.name, load_dashboard(p)) for p in dashboard_files()]


def prometheus_targets() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    found = []
    for name, board in boards():
        for panel in iter_panels(board):
            for target in panel.get("targets", []):
                if "expr" in target:
                    found.append((f"{name}: {panel['title']} [{target['refId']}]", panel, target))
    return found


def test_the_four_dashboards_exist_and_match_their_generator() -> None:
    uids = {board["uid"] for _, board in boards()}
    assert uids >= EXPECTED
    result = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_dashboard_metadata() -> None:
    """dashboard-linter: uneditable, titled and tagged dashboards with stable unique uids."""
    seen: set[str] = set()
    for name, board in boards():
        assert board["uid"] not in seen, name
        seen.add(board["uid"])
        assert len(board["uid"]) <= 40 and re.fullmatch(r"[a-z0-9-]+", board["uid"]), name
        assert board["title"].startswith("newswatch / "), name
        assert "newswatch" in board["tags"], name
        assert board["editable"] is False, name
        assert board["schemaVersion"] >= 36, name
        assert board.get("description"), name


def test_template_datasource_job_and_instance_rules() -> None:
    """template-datasource-rule, template-job-rule, template-instance-rule, template-label-promql-rule."""
    for name, board in boards():
        variables = {v["name"]: v for v in board["templating"]["list"]}
        assert variables["datasource"]["type"] == "datasource", name
        assert variables["datasource"]["query"] == "prometheus", name
        for var in ("job", "instance"):
            assert var in variables, f"{name}: no ${var} variable"
        for var in variables.values():
            if var["type"] != "query":
                continue
            assert var["datasource"] == PROMETHEUS_DS, f"{name}: ${var['name']}"
            assert var["includeAll"] and var["multi"] and var["allValue"] == ".*", f"{name}: ${var['name']}"
    assert {v.label for v in variable_queries()} >= {"job", "instance", "feed", "sink"}


def test_panels_have_title_description_unit_and_a_known_datasource() -> None:
    """panel-title-description-rule, panel-units-rule, panel-datasource-rule."""
    for name, board in boards():
        ids = [p["id"] for p in iter_panels(board)]
        assert len(ids) == len(set(ids)), f"{name}: duplicate panel ids"
        for panel in iter_panels(board):
            if panel["type"] == "row":
                continue
            where = f"{name}: {panel.get('title')}"
            assert panel.get("title") and panel.get("description"), where
            assert panel["fieldConfig"]["defaults"].get("unit") in UNITS, where
            refs = [t["refId"] for t in panel["targets"]]
            assert refs and len(refs) == len(set(refs)), where
            if panel["type"] == "table" or "rawSql" in panel["targets"][0]:
                assert panel["datasource"]["uid"] == POSTGRES_UID, where
                assert all(t["datasource"]["uid"] == POSTGRES_UID for t in panel["targets"]), where
            else:
                assert panel["datasource"] == PROMETHEUS_DS, where
                assert all(t["datasource"] == PROMETHEUS_DS for t in panel["targets"]), where


def test_panels_fit_the_grid_without_overlap() -> None:
    for name, board in boards():
        cells: dict[tuple[int, int], str] = {}
        for panel in iter_panels(board):
            pos = panel["gridPos"]
            assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24, f"{name}: {panel['title']}"
            for x in range(pos["x"], pos["x"] + pos["w"]):
                for y in range(pos["y"], pos["y"] + pos["h"]):
                    assert (x, y) not in cells, f"{name}: {panel['title']} overlaps {cells[(x, y)]}"
                    cells[(x, y)] = panel["title"]


def test_target_rate_interval_rule() -> None:
    """target-rate-interval-rule: range vectors use $__rate_interval ($__range for whole-range top-N)."""
    for origin, _, target in prometheus_targets():
        for window in _WINDOW.findall(target["expr"]):
            assert window in {"$__rate_interval", "$__range"}, f"{origin}: [{window}]"


def test_target_job_and_instance_rules() -> None:
    """target-job-rule, target-instance-rule: every selector filters by $job and $instance."""
    for origin, _, target in prometheus_targets():
        expr = target["expr"]
        for match in re.finditer(r"\b((?:newswatch|process|python)_[a-z0-9_]+|up)\b(\{[^}]*\})?", expr):
            if expr[max(0, match.start() - 1)] == '"':
                continue
            matchers = match.group(2) or ""
            assert 'job=~"$job"' in matchers and 'instance=~"$instance"' in matchers, (
                f"{origin}: {match.group(0)}"
            )


def test_target_counter_agg_rule() -> None:
    """target-counter-agg-rule: counters and histogram series are only read through rate() or increase()."""
    for origin, _, target in prometheus_targets():
        expr = target["expr"]
        for match in _COUNTER_SERIES.finditer(expr):
            before = expr[: match.start()].rstrip()
            assert before.endswith(("rate(", "increase(")), (
                f"{origin}: {match.group(1)} outside rate()/increase()"
            )


def test_no_unbounded_labels_in_groupings_or_legends() -> None:
    """Series per article, event or alert would explode Prometheus: never grouped or shown by them."""
    for origin, _, target in prometheus_targets():
        assert not grouping_labels(target["expr"]) & FORBIDDEN_LABELS, origin
        legends = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", target.get("legendFormat", "")))
        assert not legends & FORBIDDEN_LABELS, origin


def test_every_panel_expression_is_valid_promql(tmp_path: Path) -> None:
    """target-promql-rule: promtool parses every expression (wrapped as recording rules)."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (apt-get install prometheus)")
    queries = panel_queries()
    rules = [{"record": f"dashboard:check_{i}:expr", "expr": q.concrete()} for i, q in enumerate(queries)]
    path = tmp_path / "dashboard-promql.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}), encoding="utf-8")
    result = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sql_panels_run_the_store_queries_verbatim() -> None:
    """Every deploy/grafana/sql/*.sql file is a table panel (deliveries on alerting, others on events)."""
    files = {p.name: p.read_text(encoding="utf-8").strip() for p in sorted(SQL_DIR.glob("*.sql"))}
    tables: dict[str, tuple[str, dict[str, Any]]] = {}
    for _, board in boards():
        for panel in iter_panels(board):
            if panel["type"] == "table":
                assert panel["sqlFile"] not in tables, f"{panel['sqlFile']} on two dashboards"
                tables[panel["sqlFile"]] = (board["uid"], panel)
    builtin = {name for name in tables if name.startswith("generate_dashboards.py:")}
    assert builtin == {
        "generate_dashboards.py:TOP_LEADERS_SQL",
        "generate_dashboards.py:TOP_CONFLICTS_SQL",
        "generate_dashboards.py:event_types_sql",
        "generate_dashboards.py:TOP_PLACES_SQL",
    }
    assert all(tables[name][0] == "newswatch-events" for name in builtin)
    assert set(tables) - builtin == set(files)
    for name, (uid, panel) in tables.items():
        if name in builtin:
            continue
        assert uid == ("newswatch-alerting" if "deliver" in name else "newswatch-events"), name
        assert panel["targets"][0]["rawSql"] == files[name], name
        assert panel["targets"][0]["format"] == "table", name
        assert "$__" not in files[name] or "$__timeFilter" in files[name], name


def test_provisioning_points_at_the_dashboards_and_datasource_uids() -> None:
    datasources = yaml.safe_load((PROVISIONING / "datasources" / "newswatch.yml").read_text())["datasources"]
    uids = {d["uid"]: d for d in datasources}
    assert uids["prometheus"]["type"] == "prometheus" and uids["prometheus"]["isDefault"] is True
    assert uids[POSTGRES_UID]["type"] == "grafana-postgresql-datasource"
    assert "password" in uids[POSTGRES_UID]["secureJsonData"]
    assert uids[POSTGRES_UID]["secureJsonData"]["password"].startswith("${"), (
        "password must come from the env"
    )
    providers = yaml.safe_load((PROVISIONING / "dashboards" / "newswatch.yml").read_text())["providers"]
    assert [p["type"] for p in providers] == ["file"]
    assert providers[0]["options"]["path"] == "/var/lib/grafana/dashboards/newswatch"


def test_metric_name_extraction() -> None:
    expr = 'sum by (sink) (rate(newswatch_alert_deliveries_total{outcome="newswatch_fake_x"}[1m])) or up'
    assert metric_names(expr) == {"newswatch_alert_deliveries_total", "up"}
    assert metric_names("topic:newswatch_faust_consumer_lag:sum > 1") == {
        "topic:newswatch_faust_consumer_lag:sum"
    }
    assert substitute('x{job=~"$job",feed=~"${feed}"}[$__rate_interval]') == 'x{job=~".*",feed=~".*"}[1m]'


def test_variables_in_dashboards_are_all_defined() -> None:
    for name, board in boards():
        defined = {v["name"] for v in board["templating"]["list"]}
        used = set(re.findall(r"\$\{?([A-Za-z_]+)\}?", Path(DASHBOARDS / name).read_text()))
        used = {v for v in used if not v.startswith("__")}  # Grafana's own ($__rate_interval, $__timeFilter)
        assert used <= defined, f"{name}: undefined variables {used - defined}"
