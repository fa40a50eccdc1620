#!/usr/bin/env bash
# `make run`: migrate, load demo data and serve on http://127.0.0.1:8000.
# No DATABASE_URL: the embedded PostgreSQL under var/ starts. REDIS_URL set: a Celery worker and
# beat run beside the web server (and stop with it); otherwise tasks run in-process after commit.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
# The pay-now test provider signs its payment notifications with this (a real provider: its own).
export O2C_PAYMENT_NOTIFICATION_SECRET="${O2C_PAYMENT_NOTIFICATION_SECRET:-dev-notification-secret}"
PY=.venv/bin/python

$PY manage.py migrate --noinput
$PY manage.py seed_demo

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if [[ -n "${REDIS_URL:-}" ]]; then
  mkdir -p var
  .venv/bin/celery -A o2c worker --loglevel=info --concurrency=2 >var/celery-worker.log 2>&1 &
  pids+=($!)
  .venv/bin/celery -A o2c beat --loglevel=info --schedule var/celerybeat-schedule >var/celery-beat.log 2>&1 &
  pids+=($!)
  echo "Celery worker and beat started (logs in var/celery-*.log)"
fi

echo "O2C on http://127.0.0.1:8000/  (health: http://127.0.0.1:8000/healthz)"
$PY manage.py runserver 127.0.0.1:8000
