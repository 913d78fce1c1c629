#!/bin/sh
# Restore a backup made by motcua-backup.sh into MOTCUA_DATABASE_URL, replacing what is there,
# in one transaction (a failure leaves the database as it was). Stop the servers first:
#   systemctl stop motcua.target && motcua-restore.sh FILE && systemctl start motcua.target
set -eu
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 BACKUP.dump" >&2; exit 2; }
: "${MOTCUA_DATABASE_URL:?MOTCUA_DATABASE_URL is not set (/etc/motcua/motcua.env)}"
url=$(printf '%s' "$MOTCUA_DATABASE_URL" | sed 's|^postgresql+[a-z0-9]*://|postgresql://|')
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
    --exit-on-error --dbname="$url" "$1"
echo "restored $1"
