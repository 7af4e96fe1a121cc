#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for tests, the quick start and the benchmarks.
#   services/postgres.sh start DIR   -> initdb + start on a free port; writes DIR/env (PG* variables)
#   services/postgres.sh stop DIR    -> stops the server (by its pid file) and deletes DIR
# Needs root (initdb and pg_ctl then run as the postgres user) or to be run as postgres itself.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"

# From /, because the postgres user may not be allowed into the caller's (private) directory.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

start() {
  local dir=$1
  require_postgres
  local bin; bin=$(postgres_bin)
  rm -rf "$dir" && mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  local password; password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  local pwfile="$dir/pwfile"
  printf '%s\n' "$password" > "$pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$pwfile"
  chmod 600 "$pwfile"
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 -N >"$dir/initdb.log"
  rm -f "$pwfile"
  local port; port=$(free_port 25432 25532)
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
max_connections = 100
# Test clusters only: durability is not what is being tested.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  echo "host replication all 127.0.0.1/32 scram-sha-256" >>"$dir/data/pg_hba.conf"
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
  cat >"$dir/env" <<ENV
export PGHOST=127.0.0.1
export PGPORT=$port
export PGUSER=postgres
export PGPASSWORD='$password'
export PG_BIN='$bin'
ENV
  chmod 600 "$dir/env"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port (data in $dir)"
}

stop() {
  local dir=$1
  if [ -f "$dir/data/postmaster.pid" ]; then
    local bin; bin=$(postgres_bin)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || {
      # pg_ctl failed: fall back to the pid it recorded.
      kill -9 "$(head -1 "$dir/data/postmaster.pid")" 2>/dev/null || true
    }
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:?directory}" ;;
  stop) stop "${2:?directory}" ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
