#!/usr/bin/env bash
# Back up the database (pg_dump's custom format: compressed, restorable table by table) and the uploaded
# documents. Run it from cron or a systemd timer; keep the files off this machine.
#
#   DATABASE_URL=postgres://user@host:5432/sotheodoi BACKUP_DIR=/srv/backups scripts/backup.sh
#
# Writes BACKUP_DIR/sotheodoi-<UTC time>.dump and, when DJANGO_MEDIA_ROOT is a folder,
# BACKUP_DIR/sotheodoi-<UTC time>-media.tar.gz; prints the paths it wrote. The password, if any, comes from
# the URL or ~/.pgpass. tests/core/test_backup_restore.py runs this script.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
backup_dir="${BACKUP_DIR:-var/backups}"
mkdir -p "$backup_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dump="$backup_dir/sotheodoi-$stamp.dump"

# A consistent snapshot even while the site is in use (pg_dump runs in one repeatable-read transaction).
pg_dump --format=custom --no-owner --no-privileges --file="$dump.partial" --dbname="$DATABASE_URL"
mv "$dump.partial" "$dump"
echo "$dump"

if [ -n "${DJANGO_MEDIA_ROOT:-}" ] && [ -d "$DJANGO_MEDIA_ROOT" ]; then
  media="$backup_dir/sotheodoi-$stamp-media.tar.gz"
  tar -czf "$media.partial" -C "$DJANGO_MEDIA_ROOT" .
  mv "$media.partial" "$media"
  echo "$media"
fi
