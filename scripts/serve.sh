#!/usr/bin/env bash
# Serve the app for `make run`. With CELERY_BROKER_URL set, a Celery worker (with beat) runs beside the web
# server and stops with it; without it, tasks run in-process and nothing else is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${CELERY_BROKER_URL:-}" ]; then
  .venv/bin/celery -A config worker --beat --loglevel=INFO &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT
fi
port="${PORT:-8000}"
echo "Serving on http://127.0.0.1:${port} (Ctrl+C to stop)"
.venv/bin/python manage.py runserver "127.0.0.1:${port}"
