#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of every shipped package (src/*) from the code, for a deliberate
# change of a package's public surface; no IDE needed. Review the diff: every added line is a new
# public member a user may come to depend on, every removed line breaks someone.
#   scripts/update-public-api.sh                 all packages
#   scripts/update-public-api.sh Backup.Core     only the named packages
#
# The two files (Microsoft.CodeAnalysis.PublicApiAnalyzers, wired in Directory.Build.props): the build
# fails on a public member that is in neither file (RS0016) and on a line whose member is gone (RS0017).
# PublicAPI.Shipped.txt holds what a published release carried; PublicAPI.Unshipped.txt what was added
# since. No package has been published to a feed yet (only local packs), so every Shipped file is empty
# and everything sits in Unshipped. A release moves the lines: append each package's Unshipped lines
# (without the `#nullable enable` header) to its Shipped file, sort it, and leave Unshipped with only
# the header. From then on, removing a Shipped line is a breaking change: mark it `*REMOVED*` in
# Unshipped (the analyzer's convention) rather than deleting it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then names=("$@"); else names=(); for p in src/*/*.csproj; do names+=("$(basename "$p" .csproj)"); done; fi
for name in "${names[@]}"; do
  project="src/$name/$name.csproj"
  [ -f "$project" ] || { echo "update-public-api: no project $project" >&2; exit 1; }
  unshipped="src/$name/PublicAPI.Unshipped.txt"
  # From scratch, so a member made internal or renamed leaves no stale line behind; Shipped lines stay.
  printf '#nullable enable\n' > "$unshipped"
  # RS0016 adds the missing public members; the analyzer's code fix writes them sorted.
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity warn -v q
  echo "$name: $(grep -vc '^#nullable' "$unshipped") unshipped lines"
done
