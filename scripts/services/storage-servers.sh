#!/usr/bin/env bash
# Azurite (Azure Blob) and s3rver (S3) on free loopback ports, for the storage tests.
#   services/storage-servers.sh start DIR   -> starts both; writes DIR/env (BACKUP_TEST_* variables)
#   services/storage-servers.sh stop DIR    -> stops both by PID and deletes DIR
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"

# Polls a URL until the server answers anything (Azurite answers 403 to an unsigned request).
wait_for() {
  local url=$1 name=$2 pid=$3
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "$url"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "error: $name exited while starting" >&2; return 1; fi
    sleep 0.2
  done
  echo "error: $name did not answer at $url within 20 s" >&2
  return 1
}

start() {
  local dir=$1
  local modules; modules="$(require_node_servers)/node_modules"
  rm -rf "$dir" && mkdir -p "$dir/azurite" "$dir/s3rver"

  local azure_port; azure_port=$(free_port 26000 26099)
  node "$modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$azure_port" \
    --location "$dir/azurite" --disableTelemetry --skipApiVersionCheck --silent >"$dir/azurite.log" 2>&1 &
  echo $! >"$dir/azurite.pid"

  local s3_port; s3_port=$(free_port 26100 26199)
  # Without the legacy OpenSSL provider, s3rver answers paged ListObjectsV2 with 500.
  NODE_OPTIONS=--openssl-legacy-provider node "$modules/s3rver/bin/s3rver.js" -d "$dir/s3rver" -a 127.0.0.1 -p "$s3_port" \
    --no-vhost-buckets --silent >"$dir/s3rver.log" 2>&1 &
  echo $! >"$dir/s3rver.pid"

  wait_for "http://127.0.0.1:$azure_port/devstoreaccount1?comp=list" Azurite "$(cat "$dir/azurite.pid")"
  wait_for "http://127.0.0.1:$s3_port/" s3rver "$(cat "$dir/s3rver.pid")"
  cat >"$dir/env" <<ENV
export BACKUP_TEST_AZURE_BLOB_ENDPOINT=http://127.0.0.1:$azure_port/devstoreaccount1
export BACKUP_TEST_S3_ENDPOINT=http://127.0.0.1:$s3_port
ENV
  echo "Azurite on 127.0.0.1:$azure_port, s3rver on 127.0.0.1:$s3_port (data in $dir)"
}

stop() {
  local dir=$1
  for name in azurite s3rver; do
    if [ -f "$dir/$name.pid" ]; then
      local pid; pid=$(cat "$dir/$name.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:?directory}" ;;
  stop) stop "${2:?directory}" ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
