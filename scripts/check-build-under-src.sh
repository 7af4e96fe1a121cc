#!/usr/bin/env bash
# Builds a copy of the tree placed under a folder named src (as in ~/src/backup-core), where a
# "shipped package" decision made on the absolute path would demand XML docs from tests and
# samples and fail the build with CS1591 (issue #12). Quiet unless the build fails.
#   scripts/check-build-under-src.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=$(mktemp -d "/tmp/backup-core-under-src.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
copy="$scratch/src/backup-core"
mkdir -p "$copy"

# The files the main build sees: tracked and new ones, without ignored output (bin/, obj/, .cache/).
# On CI's clean clone this is exactly HEAD; locally it also covers uncommitted work. Outside a git
# checkout (a source archive), everything but build output.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard \
    | tar --null --files-from=- --ignore-failed-read --warning=no-failed-read -cf - \
    | tar -xf - -C "$copy"
else
  tar --exclude=bin --exclude=obj --exclude=.cache --exclude=node_modules -cf - . | tar -xf - -C "$copy"
fi

if ! (cd "$copy" && dotnet build Backup.Core.sln -c Release -nologo -clp:ErrorsOnly >"$scratch/build.log" 2>&1); then
  echo "build under a src folder: FAILED in $copy (project paths there contain '/src/'):" >&2
  cat "$scratch/build.log" >&2
  exit 1
fi
echo "Build under a src folder ($copy): OK"
