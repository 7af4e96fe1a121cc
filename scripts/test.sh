#!/usr/bin/env bash
# Runs every test project of Backup.Core.sln. What .ci/run and the README call.
# Starts the servers the integration tests need (when there are any) and stops them afterwards,
# also when tests fail. Prints "Tests: N passed, N failed, N skipped" as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
require_dotnet

results="$repo/.cache/test-results"
rm -rf "$results" && mkdir -p "$results"

# Servers for the integration tests, stopped on any exit (also when tests fail or on Ctrl-C).
start_throwaway_postgres tests
start_storage_servers
# A real headless browser for the dashboard's tests; each page's screenshot lands among the results.
require_chromium
export BACKUP_TEST_SCREENSHOTS="$results/screenshots"

status=0
# No two folders of src/ may depend on each other (one concern per folder); prints the list.
python3 scripts/folder-dependencies.py . > "$results/folder-dependencies.txt" || { cat "$results/folder-dependencies.txt"; status=1; }
dotnet build Backup.Core.sln -c Release -nologo -clp:ErrorsOnly || exit 1
# The same tree built from a path with a folder named src in it (~/src/backup-core): about a minute more.
bash scripts/check-build-under-src.sh || status=1
dotnet test Backup.Core.sln -c Release --no-build -nologo \
  --logger "console;verbosity=minimal" --results-directory "$results" 2>&1 | tee "$results/console.log" || status=$?

# What a NuGet consumer gets: every package with its README and a version of its own.
bash scripts/check-packages.sh "$work/packages" || status=1

# One closing line over all test projects.
awk '/(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/ {
       gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$results/console.log"
exit "$status"
