#!/usr/bin/env bash
# Make sure the local PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) used by
# the test suite answer; start them when they don't (typically in a container/CI
# where there is no systemd).
#   - The PostgreSQL part is skipped when DATABASE_URL points to another host
#     (or is not a PostgreSQL URL); the Redis part when REDIS_URL points elsewhere.
#   - A no-op when both already answer.
# Exit status: 0 when everything needed answers, 1 otherwise (with a message).
set -euo pipefail

WAIT_SECONDS="${WAIT_SECONDS:-20}"

log()  { echo "ensure-services: $*"; }
fail() { echo "ensure-services: ERROR: $*" >&2; exit 1; }

# url_scheme/url_host/url_port <url>: minimal URL parsing (scheme://user:pass@host:port/path?query)
url_scheme() { if [[ "$1" == *://* ]]; then printf '%s' "${1%%://*}"; fi; }
url_hostport() {
    local rest="${1#*://}"
    rest="${rest%%/*}"; rest="${rest%%\?*}"; rest="${rest%%#*}"
    printf '%s' "${rest##*@}"
}
url_host() {
    local hp; hp="$(url_hostport "$1")"
    if [[ "$hp" == \[* ]]; then hp="${hp#[}"; printf '%s' "${hp%%]*}"; else printf '%s' "${hp%%:*}"; fi
}
url_port() {
    local hp; hp="$(url_hostport "$1")"
    [[ "$hp" == \[* ]] && hp="${hp#*]}"
    if [[ "$hp" == *:* ]]; then printf '%s' "${hp##*:}"; fi
}
is_local_host() {
    case "${1,,}" in
        ""|127.0.0.1|localhost|::1) return 0 ;;  # empty host = Unix socket on this machine
        *) return 1 ;;
    esac
}

# wait_until <what> <command...>: retry the command for up to WAIT_SECONDS
wait_until() {
    local what="$1"; shift
    local deadline=$((SECONDS + WAIT_SECONDS))
    until "$@"; do
        if (( SECONDS >= deadline )); then
            return 1
        fi
        sleep 1
    done
    log "$what is up"
}

# --- PostgreSQL ---------------------------------------------------------------
ensure_postgres() {
    local url="${DATABASE_URL:-}" port=5432
    if [[ -n "$url" ]]; then
        case "$(url_scheme "$url")" in
            postgres|postgresql|pgsql|postgis) ;;
            *) log "DATABASE_URL is not a PostgreSQL URL, skipping PostgreSQL"; return 0 ;;
        esac
        local host; host="$(url_host "$url")"
        if ! is_local_host "$host"; then
            log "DATABASE_URL points to $host, skipping local PostgreSQL"
            return 0
        fi
        port="$(url_port "$url")"; port="${port:-5432}"
    fi

    command -v pg_isready >/dev/null 2>&1 || fail "pg_isready not found (apt-get install postgresql-client)"
    pg_ready() { pg_isready -q -h 127.0.0.1 -p "$port" -t 2; }

    if pg_ready; then
        log "PostgreSQL on 127.0.0.1:$port already answers"
        return 0
    fi

    if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
        # The newest installed version that has a "main" cluster.
        local version
        version="$(find /etc/postgresql -mindepth 2 -maxdepth 2 -type d -name main -printf '%h\n' \
            | xargs -r -n1 basename | sort -V | tail -n1)"
        [[ -n "$version" ]] || fail "no PostgreSQL 'main' cluster configured under /etc/postgresql"
        log "starting PostgreSQL cluster $version/main"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start \
            || log "pg_ctlcluster $version main start returned an error; waiting anyway"
    else
        log "PostgreSQL does not answer and pg_ctlcluster is not available to start it"
    fi

    wait_until "PostgreSQL on 127.0.0.1:$port" pg_ready \
        || fail "PostgreSQL on 127.0.0.1:$port does not answer after ${WAIT_SECONDS}s (check /var/log/postgresql/)"
}

# --- Redis --------------------------------------------------------------------
ensure_redis() {
    local url="${REDIS_URL:-}" port=6379
    if [[ -n "$url" ]]; then
        case "$(url_scheme "$url")" in
            redis) ;;
            *) log "REDIS_URL is not a plain redis:// TCP URL, skipping Redis"; return 0 ;;
        esac
        local host; host="$(url_host "$url")"
        if ! is_local_host "$host"; then
            log "REDIS_URL points to $host, skipping local Redis"
            return 0
        fi
        port="$(url_port "$url")"; port="${port:-6379}"
    fi

    command -v redis-cli >/dev/null 2>&1 || fail "redis-cli not found (apt-get install redis-tools)"
    # A NOAUTH answer also means the server is up (password-protected).
    redis_ready() {
        local out
        out="$(timeout 3 redis-cli -h 127.0.0.1 -p "$port" ping 2>&1 || true)"
        [[ "$out" == *PONG* || "$out" == *NOAUTH* ]]
    }

    if redis_ready; then
        log "Redis on 127.0.0.1:$port already answers"
        return 0
    fi

    if command -v redis-server >/dev/null 2>&1; then
        mkdir -p /var/lib/redis /var/log/redis
        log "starting redis-server on 127.0.0.1:$port"
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" \
            --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log \
            || log "redis-server returned an error; waiting anyway"
    else
        log "Redis does not answer and redis-server is not installed"
    fi

    wait_until "Redis on 127.0.0.1:$port" redis_ready \
        || fail "Redis on 127.0.0.1:$port does not answer after ${WAIT_SECONDS}s (see /var/log/redis/ci.log)"
}

ensure_postgres
ensure_redis
