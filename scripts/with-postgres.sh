#!/usr/bin/env bash
# Runs a command with TEST_DATABASE_URL pointing at a PostgreSQL server.
# Uses TEST_DATABASE_URL when given; otherwise installs PostgreSQL where missing, starts a
# throw-away server on a private port for the command, and stops it afterwards.
set -euo pipefail
if [ -n "${TEST_DATABASE_URL:-}" ]; then exec "$@"; fi

PGPORT="${LOANDESK_TEST_PGPORT:-54329}"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ -z "$PGBIN" ]; then
  echo "Installing PostgreSQL…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
fi

DATA=$(mktemp -d /tmp/loandesk-pg.XXXXXX)
# PostgreSQL refuses to run as root: run it as the postgres user when we are root.
RUN=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$DATA"
  RUN=(runuser -u postgres --)
fi
cleanup() { "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA/db" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DATA"; }
trap cleanup EXIT
"${RUN[@]}" "$PGBIN/initdb" -D "$DATA/db" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA/db" -w -l "$DATA/server.log" \
  -o "-p $PGPORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"${RUN[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres loandesk_test
export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/loandesk_test"
"$@"
