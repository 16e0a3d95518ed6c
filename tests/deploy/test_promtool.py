"""promtool (Debian's prometheus package) accepts the Prometheus configurations and rules, and the
alert unit tests in deploy/prometheus/tests/ pass: each alert fires on a broken pipeline, not on a
healthy one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS = REPO / "deploy" / "prometheus"
K8S_PROMETHEUS = REPO / "deploy" / "k8s" / "prometheus" / "prometheus.yml"
PROMTOOL = shutil.which("promtool")

pytestmark = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool not installed (apt-get install prometheus)"
)


def promtool(*args: str | Path, cwd: Path = REPO) -> str:
    assert PROMTOOL is not None
    result = subprocess.run([PROMTOOL, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def test_check_config_compose() -> None:
    out = promtool("check", "config", PROMETHEUS / "prometheus.yml")
    assert "SUCCESS: 2 rule files found" in out


def test_check_config_kubernetes() -> None:
    out = promtool("check", "config", K8S_PROMETHEUS)
    assert "SUCCESS" in out


def test_check_rules() -> None:
    files = sorted((PROMETHEUS / "rules").glob("*.yml"))
    assert len(files) == 2
    out = promtool("check", "rules", *files)
    assert out.count("SUCCESS") == 2


def test_alert_unit_tests() -> None:
    tests = sorted((PROMETHEUS / "tests").glob("*.test.yml"))
    assert tests
    promtool("test", "rules", *tests)


def test_k8s_rules_are_the_compose_rules() -> None:
    """Kubernetes mounts the same rule files (kustomize builds its ConfigMap from deploy/prometheus/rules)."""
    kustomization = (REPO / "deploy" / "k8s" / "kustomization.yaml").read_text()
    for rule_file in sorted((PROMETHEUS / "rules").glob("*.yml")):
        assert f"prometheus/rules/{rule_file.name}" in kustomization
