#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a NEW database (never over a live one), and its documents.
#
#   DATABASE_URL=postgres://user@host:5432/sotheodoi_restored scripts/restore.sh sotheodoi-<time>.dump [media.tar.gz]
#
# The database named in DATABASE_URL is created (it must not exist yet); the restore stops at the first error.
# Then point the application's DATABASE_URL at it. With a media archive, DJANGO_MEDIA_ROOT (an empty or new folder)
# receives the documents. tests/core/test_backup_restore.py runs this script.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the new database to restore into}"
dump="${1:?usage: $0 DUMP_FILE [MEDIA_ARCHIVE]}"
media="${2:-}"
[ -r "$dump" ] || { echo "cannot read $dump" >&2; exit 1; }

# The server's maintenance database, from the same URL: postgres://user@host:port/NAME?options -> .../postgres
name="${DATABASE_URL##*/}"
name="${name%%\?*}"
server="${DATABASE_URL%/*}/postgres"
createdb --maintenance-db="$server" "$name"
pg_restore --no-owner --no-privileges --exit-on-error --jobs="${RESTORE_JOBS:-2}" --dbname="$DATABASE_URL" "$dump"
echo "restored $dump into $name"

if [ -n "$media" ]; then
  : "${DJANGO_MEDIA_ROOT:?set DJANGO_MEDIA_ROOT to the folder that receives the documents}"
  mkdir -p "$DJANGO_MEDIA_ROOT"
  tar -xzf "$media" -C "$DJANGO_MEDIA_ROOT"
  echo "restored $media into $DJANGO_MEDIA_ROOT"
fi
