#!/usr/bin/env bash
# `make loadtest`: the reception and case pages under load, on the production set-up of this machine.
#
# 1. a database of its own (LOAD_DATABASE, default sotheodoi_load): migrations, Hanoi's units and the demo data,
#    and generated records at SCALE (default small: 10,000 cases, 2,000 sessions), made once and kept;
# 2. gunicorn with production settings, exactly as scripts/prod-run.sh starts it, on the loopback;
# 3. Locust, headless: LOAD_USERS (30) users signing in as demo officials, spawned LOAD_SPAWN_RATE (10) a second,
#    for LOAD_RUN_TIME (60s); results in var/loadtest/ (CSV) and a summary: requests per second, median, p95 and
#    failures per page. Exits non-zero on any failure. Everything stops when it ends. LOAD_THINK_TIME (seconds
#    between a user's pages, default 0.5-1.5; 0 to find the most the server takes) goes to the locustfile.
# Only loopback traffic, bounded in time.
set -euo pipefail
cd "$(dirname "$0")/../.."
python="${PYTHON:-.venv/bin/python}"
database="${LOAD_DATABASE:-sotheodoi_load}"
port="${LOAD_PORT:-8766}"
out="var/loadtest"
mkdir -p "$out"

export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL="${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$database}"
export CELERY_BROKER_URL="${LOAD_BROKER_URL:-redis://127.0.0.1:6379/8}"  # a Redis database of its own
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-loadtest-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789}"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_STATIC_ROOT="$PWD/$out/static"
export GUNICORN_BIND="127.0.0.1:$port"
# Every simulated user signs in from 127.0.0.1 with one of three accounts: lift the sign-in rate limits, which
# would otherwise (rightly) refuse them.
export RATE_LIMIT_LOGIN_IP=100000/60 RATE_LIMIT_LOGIN_USERNAME=100000/60
export DJANGO_LOG_LEVEL=WARNING

createdb -h 127.0.0.1 -U postgres "$database" 2>/dev/null || true
PYTHON="$python" scripts/prod-run.sh release >/dev/null
# The demo data once (load_demo is not meant to run again over generated organizations).
if [ "$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM accounts_user WHERE username = 'canbo.badinh'")" = "0" ]; then
  "$python" manage.py load_demo >/dev/null
fi
generated="$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM cases_case WHERE number LIKE 'G%'")"
if [ "$generated" = "0" ] || [ -n "${LOAD_REGENERATE:-}" ]; then
  echo "Generating data (scale ${SCALE:-small})..."
  "$python" manage.py generate_data --scale "${SCALE:-small}" --reset
fi

PYTHON="$python" scripts/prod-run.sh web 2>"$out/gunicorn.log" &
web=$!
trap 'kill $web 2>/dev/null || true; wait $web 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  curl -fsS "http://127.0.0.1:$port/healthz/" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/healthz/" >/dev/null

echo "Locust: ${LOAD_USERS:-30} users, ${LOAD_RUN_TIME:-60s}, ${LOAD_THINK_TIME:-0.5-1.5} s between pages, against http://127.0.0.1:$port (gunicorn: ${WEB_CONCURRENCY:-3} processes x ${GUNICORN_THREADS:-4} threads)"
status=0
"$(dirname "$python")/locust" -f scripts/loadtest/locustfile.py --headless --only-summary \
  --users "${LOAD_USERS:-30}" --spawn-rate "${LOAD_SPAWN_RATE:-10}" --run-time "${LOAD_RUN_TIME:-60s}" \
  --host "http://127.0.0.1:$port" --csv "$out/result" --loglevel WARNING || status=$?

"$python" - "$out/result_stats.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'page':<16}{'requests':>9}{'failures':>9}{'req/s':>8}{'median ms':>11}{'p95 ms':>8}{'max ms':>8}")
for row in rows:
    print(f"{row['Name']:<16}{row['Request Count']:>9}{row['Failure Count']:>9}{float(row['Requests/s']):>8.1f}"
          f"{row['50%']:>11}{row['95%']:>8}{float(row['Max Response Time']):>8.0f}")
PY
exit "$status"
