#!/usr/bin/env bash
# Copy the canonical Prometheus rules, Grafana provisioning/dashboards and the PostgreSQL init script
# into deploy/k8s, because kustomize only reads files below its own folder. Run after changing any of
# them; tests/deploy/test_k8s.py fails while the copies differ.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEPLOY=$(cd "$HERE/.." && pwd)
rm -rf "$HERE/prometheus/rules" "$HERE/grafana/dashboards" "$HERE/grafana/provisioning" "$HERE/postgres-init"
mkdir -p "$HERE/prometheus/rules" "$HERE/grafana/dashboards" "$HERE/grafana/provisioning" "$HERE/postgres-init"
cp "$DEPLOY"/prometheus/rules/*.yml "$HERE/prometheus/rules/"
cp "$DEPLOY"/grafana/dashboards/*.json "$HERE/grafana/dashboards/"
cp "$DEPLOY"/grafana/provisioning/datasources/*.yml "$HERE/grafana/provisioning/"
cp "$DEPLOY"/grafana/provisioning/dashboards/newswatch.yml "$HERE/grafana/dashboard-provider.yml"
cp "$DEPLOY"/grafana/postgres-init/* "$HERE/postgres-init/"
echo "deploy/k8s: copies refreshed"
