#!/usr/bin/env bash
# Serve the app for `make run`. With CELERY_BROKER_URL set, a Celery worker (with beat) runs beside the web
# server and stops with it; without it, tasks run in-process, and the daily notification sweep (Celery beat's job)
# runs here every SWEEP_EVERY_SECONDS (an hour by default; it is idempotent, so each day's notices go out once),
# in a loop that stops with the server.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${CELERY_BROKER_URL:-}" ]; then
  .venv/bin/celery -A config worker --beat --loglevel=INFO &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT
else
  (
    while true; do
      .venv/bin/python manage.py run_daily_sweep || echo "daily sweep failed; trying again later" >&2
      sleep "${SWEEP_EVERY_SECONDS:-3600}"
    done
  ) &
  sweeper=$!
  # The loop's subshell and the sweep or sleep it is running.
  trap 'pkill -P $sweeper 2>/dev/null || true; kill $sweeper 2>/dev/null || true' EXIT
fi
port="${PORT:-8000}"
echo "Serving on http://127.0.0.1:${port} (Ctrl+C to stop)"
.venv/bin/python manage.py runserver "127.0.0.1:${port}"
