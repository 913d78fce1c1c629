#!/bin/sh
# A pg_dump (custom format) of MOTCUA_DATABASE_URL into MOTCUA_BACKUP_DIR, checked readable,
# keeping MOTCUA_BACKUP_KEEP_DAYS days of them. Prints the file it wrote.
set -eu
: "${MOTCUA_DATABASE_URL:?MOTCUA_DATABASE_URL is not set (/etc/motcua/motcua.env)}"
dir=${MOTCUA_BACKUP_DIR:-/var/backups/motcua}
keep=${MOTCUA_BACKUP_KEEP_DAYS:-14}
# libpq reads postgresql://…; SQLAlchemy's URL names the driver too (postgresql+psycopg2://…).
url=$(printf '%s' "$MOTCUA_DATABASE_URL" | sed 's|^postgresql+[a-z0-9]*://|postgresql://|')
stamp=$(date -u +%Y%m%dT%H%M%SZ)
umask 077
mkdir -p "$dir"
part="$dir/.motcua-$stamp.dump.part"
trap 'rm -f "$part"' EXIT
pg_dump --format=custom --no-owner --no-privileges --file="$part" "$url"
pg_restore --list "$part" >/dev/null  # an archive pg_restore can read, or no backup at all
mv "$part" "$dir/motcua-$stamp.dump"
find "$dir" -maxdepth 1 -name 'motcua-*.dump' -mtime +"$keep" -delete
echo "$dir/motcua-$stamp.dump"
