#!/usr/bin/env bash
# The production services, exactly as they are started (tests/core/test_production_run.py runs this script too,
# so these commands and the test cannot drift apart). One service per call, run in the foreground, so a process
# supervisor (systemd, a container runtime) can keep it up:
#
#   scripts/prod-run.sh release   # before starting a new version: migrations, then static files into STATIC_ROOT
#   scripts/prod-run.sh web       # gunicorn, settings in config/gunicorn.conf.py (bind, workers, threads, timeouts)
#   scripts/prod-run.sh worker    # the Celery worker (report compilation, large exports, e-mails)
#   scripts/prod-run.sh beat      # the Celery beat scheduler: exactly one in the whole installation
#
# Environment: DJANGO_SETTINGS_MODULE (default config.settings.production) and the variables that settings module
# requires (README, "Deployment"); PYTHON, the interpreter of the installed environment (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.production}"
python="${PYTHON:-.venv/bin/python}"

case "${1:-}" in
  release)
    "$python" manage.py migrate --noinput
    "$python" manage.py collectstatic --noinput
    ;;
  web)
    exec "$python" -m gunicorn -c config/gunicorn.conf.py config.wsgi
    ;;
  worker)
    # Prefork processes (one per core by default), each replaced after 200 tasks; -O fair gives a free process
    # the next task instead of queueing it behind a long compilation.
    exec "$python" -m celery -A config worker --loglevel="${CELERY_LOG_LEVEL:-INFO}" \
      --concurrency="${CELERY_CONCURRENCY:-2}" --max-tasks-per-child=200 -O fair
    ;;
  beat)
    schedule="${CELERY_BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}"
    mkdir -p "$(dirname "$schedule")"
    exec "$python" -m celery -A config beat --loglevel="${CELERY_LOG_LEVEL:-INFO}" --schedule="$schedule"
    ;;
  *)
    echo "usage: $0 release|web|worker|beat" >&2
    exit 2
    ;;
esac
