# Shared pieces of the scripts: what must be installed (and how to get it on Debian), throwaway servers.

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET SDK (dotnet) is not on PATH. Install .NET 10 (https://dot.net) and run again." >&2
    exit 1
  fi
}

# A free TCP port in [FROM, TO], below the kernel's ephemeral range (32768+) so that no outgoing
# connection can hold it; any socket in any state on it counts as taken.
#   free_port FROM TO
free_port() {
  local port
  for port in $(seq "$1" "$2"); do
    # Captured, not piped into grep -q: under pipefail an early-exiting grep can fail the pipe (SIGPIPE) and a busy port look free.
    if [ -z "$(ss -tanH "sport = :$port")" ]; then echo "$port"; return 0; fi
  done
  echo "no free port in $1-$2" >&2; return 1
}

# The newest installed PostgreSQL server binaries directory.
postgres_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && echo "$dir"
}

# Installs PostgreSQL from Debian's packages when it is missing (needs root).
require_postgres() {
  if [ -z "$(postgres_bin)" ] || [ ! -x "$(postgres_bin)/initdb" ]; then
    echo "PostgreSQL server not found; installing it from Debian's packages..." >&2
    if [ "$(id -u)" -ne 0 ]; then
      echo "error: PostgreSQL is not installed and this is not root. Run: sudo apt-get install -y postgresql" >&2
      exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    # Debian's package starts its own cluster; the tests use their own and need none of it.
    pg_ctlcluster --help >/dev/null 2>&1 && for c in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do
      pg_ctlcluster "${c%/*}" "${c#*/}" stop || true
    done
  fi
}

# Installs Debian's Chromium and its chromedriver when missing (needs root): the dashboard's tests
# drive a real headless browser, and no browser can be downloaded by Selenium or Playwright here.
require_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    echo "Chromium or chromedriver not found; installing them from Debian's packages..." >&2
    if [ "$(id -u)" -ne 0 ]; then
      echo "error: Chromium is not installed and this is not root. Run: sudo apt-get install -y chromium chromium-driver" >&2
      exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

# Runs COMMAND when the script exits (also on failure), before the commands registered earlier.
#   on_exit COMMAND
on_exit_commands=""
on_exit() {
  on_exit_commands="$1; $on_exit_commands"
  # shellcheck disable=SC2064 # expand now: the list is fixed until the next call
  trap "$on_exit_commands" EXIT
}

# Starts Azurite and s3rver on free ports for the storage tests, exports their BACKUP_TEST_*
# variables, and stops them when the calling script exits. Needs $work (start_throwaway_postgres).
start_storage_servers() {
  local scripts; scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  on_exit "bash '$scripts/services/storage-servers.sh' stop '$work/storage'"
  bash "$scripts/services/storage-servers.sh" start "$work/storage"
  # shellcheck disable=SC1091
  source "$work/storage/env"
}

# Starts a throwaway PostgreSQL under a fresh /tmp folder (reachable by the postgres user even
# when the checkout is private), exports its PG* variables and PG_BIN, and stops and removes
# everything when the calling script exits, also on failure.
#   start_throwaway_postgres NAME   -> sets $work to the folder
start_throwaway_postgres() {
  local scripts; scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  work=$(mktemp -d "/tmp/backup-core-$1.XXXXXX")
  chmod 755 "$work"
  on_exit "rm -rf '$work'"
  on_exit "bash '$scripts/services/postgres.sh' stop '$work/postgres'"
  bash "$scripts/services/postgres.sh" start "$work/postgres"
  # shellcheck disable=SC1091
  source "$work/postgres/env"
}

# The storage servers (Azurite, s3rver) from npm, installed once into .cache/node from the
# committed package.json and lock file; later runs reuse them.
require_node_servers() {
  local repo; repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  local cache="$repo/.cache/node"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "error: Node.js and npm are needed for the storage test servers (Azurite, s3rver). Install them: apt-get install -y nodejs npm" >&2
    exit 1
  fi
  if [ ! -f "$cache/node_modules/azurite/dist/src/blob/main.js" ] || [ ! -f "$cache/node_modules/s3rver/bin/s3rver.js" ] \
     || ! cmp -s "$repo/scripts/services/node/package-lock.json" "$cache/package-lock.json"; then
    echo "Installing Azurite and s3rver (npm ci into .cache/node, about a minute)..." >&2
    mkdir -p "$cache"
    cp "$repo/scripts/services/node/package.json" "$repo/scripts/services/node/package-lock.json" "$cache/"
    (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  echo "$cache"
}
