# Shared pieces of the scripts: what must be installed (and how to get it on Debian), throwaway servers.

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET SDK (dotnet) is not on PATH. Install .NET 10 (https://dot.net) and run again." >&2
    exit 1
  fi
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

# Starts a throwaway PostgreSQL under a fresh /tmp folder (reachable by the postgres user even
# when the checkout is private), exports its PG* variables and PG_BIN, and stops and removes
# everything when the calling script exits, also on failure.
#   start_throwaway_postgres NAME   -> sets $work to the folder
start_throwaway_postgres() {
  local scripts; scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  work=$(mktemp -d "/tmp/backup-core-$1.XXXXXX")
  chmod 755 "$work"
  # shellcheck disable=SC2064 # expand now: $work and $scripts are fixed for this run
  trap "bash '$scripts/services/postgres.sh' stop '$work/postgres'; rm -rf '$work'" EXIT
  bash "$scripts/services/postgres.sh" start "$work/postgres"
  # shellcheck disable=SC1091
  source "$work/postgres/env"
}
