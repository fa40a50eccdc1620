#!/usr/bin/env bash
# Install the Debian packages needed by WeasyPrint (PDF invoices) and by the
# browser tests (chromium) / PDF checks (poppler-utils), curl and jq for the client guide's
# commands (docs/api.md, tests/api/test_client_guide.py), and a local PostgreSQL and Redis
# for the test suite when the machine has none.
# Idempotent: does nothing when every package is already installed.
# Only installs when run as root; otherwise prints a warning and exits 0.
set -euo pipefail

PACKAGES=(
    libpango-1.0-0
    libpangoft2-1.0-0
    libharfbuzz-subset0
    fonts-dejavu-core
    fonts-liberation2
    chromium
    poppler-utils
    curl
    jq
    haproxy    # bench/scale_out.py: the proxy in front of the web processes (decision 0052)
    pgbouncer  # bench/scale_out.py: transaction pooling (decision 0052)
)
# The local database and broker of the test suite, unless the machine already has servers
# (or the suite is pointed at remote ones).
if ! command -v pg_ctlcluster >/dev/null 2>&1 && [[ -z "${DATABASE_URL:-}" ]]; then
    PACKAGES+=(postgresql postgresql-client)
fi
if ! command -v redis-server >/dev/null 2>&1 && [[ -z "${REDIS_URL:-}" ]]; then
    PACKAGES+=(redis-server redis-tools)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps.sh: WARNING: dpkg-query not found (not a Debian-based system);" \
         "install the equivalents of: ${PACKAGES[*]}" >&2
    exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps.sh: all system packages already installed"
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    echo "system-deps.sh: WARNING: missing system packages: ${missing[*]}" >&2
    echo "system-deps.sh: WARNING: not running as root, not installing them; run as root:" >&2
    echo "    sudo $0" >&2
    exit 0
fi

echo "system-deps.sh: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
echo "system-deps.sh: done"
