#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the store tests, on a Unix socket in a temp dir (no TCP, no system service).
#   eval "$(.ci/postgres.sh start)"   # installs Debian's postgresql if missing, exports KTRIAGE_TEST_PG and KTRIAGE_TEST_PG_DIR
#   .ci/postgres.sh stop "$KTRIAGE_TEST_PG_DIR"
set -euo pipefail
PORT=${KTRIAGE_TEST_PG_PORT:-55432}

pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

case "${1:-}" in
start)
  if [ -z "$(pgbin)" ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } >&2
  fi
  bin=$(pgbin)
  dir=$(mktemp -d /tmp/ktriage-pg.XXXXXX)
  # The server refuses to run as root: it runs as the postgres user when we are root.
  as=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-k $dir -p $PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  echo "export KTRIAGE_TEST_PG='postgres://postgres@localhost/postgres?host=$dir&port=$PORT'"
  echo "export KTRIAGE_TEST_PG_DIR='$dir'"
  ;;
stop)
  dir=${2:?usage: postgres.sh stop DIR}
  as=()
  if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
  "${as[@]}" "$(pgbin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
