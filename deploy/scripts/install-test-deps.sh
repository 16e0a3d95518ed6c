#!/usr/bin/env bash
# Install the Debian packages the test suite runs for real (Prometheus, PostgreSQL, Chromium), when missing.
# Idempotent: does nothing when every command is already present. Needs root or sudo, and apt-get.
set -euo pipefail

declare -A NEEDS=(
    [prometheus]=prometheus
    [promtool]=prometheus
    [/usr/lib/postgresql/15/bin/postgres]=postgresql
    [chromium]=chromium
    [chromedriver]=chromium-driver
    [java]=openjdk-17-jre-headless
    [mvn]=maven
)

missing=()
for probe in "${!NEEDS[@]}"; do
    if [[ $probe == /* ]]; then
        [[ -x $probe ]] || missing+=("${NEEDS[$probe]}")
    else
        command -v "$probe" >/dev/null 2>&1 || missing+=("${NEEDS[$probe]}")
    fi
done
# The PostgreSQL tests run the server as the 'postgres' system user, which the Debian package creates.
id -u postgres >/dev/null 2>&1 || missing+=(postgresql)
[[ ${#missing[@]} -eq 0 ]] && { echo "install-test-deps: all test dependencies present"; exit 0; }
mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-test-deps: installing ${packages[*]}"

command -v apt-get >/dev/null 2>&1 || {
    echo "install-test-deps: apt-get not found; install these packages yourself: ${packages[*]}" >&2
    exit 1
}
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-test-deps: need root or sudo for apt-get" >&2; exit 1; }
    SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# The Debian prometheus package starts a system service on :9090; the tests run their own instances.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop prometheus 2>/dev/null || true; fi
pkill -x prometheus 2>/dev/null || true
echo "install-test-deps: done"
