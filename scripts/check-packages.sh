#!/usr/bin/env bash
# Packs every shipped package (src/*) from the Release build and checks what a NuGet consumer sees:
# each package carries its README and the version major.minor (version.txt).<commit height>.
#   scripts/check-packages.sh OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?output directory}
rm -rf "$out" && mkdir -p "$out"
dotnet pack Backup.Core.sln -c Release --no-build -nologo -clp:ErrorsOnly -o "$out" >/dev/null
expected="$(tr -d '[:space:]' < version.txt).$(git rev-list --count HEAD 2>/dev/null || echo 0)"
status=0
count=0
for project in src/*/*.csproj; do
  name=$(basename "$project" .csproj)
  package="$out/$name.$expected.nupkg"
  count=$((count + 1))
  if [ ! -f "$package" ]; then
    echo "package check: $name was not packed as version $expected (found: $(ls "$out" | grep "^$name\." || echo none))" >&2; status=1; continue
  fi
  # Read whole before matching: with pipefail, `unzip | grep -q` fails at random when grep stops reading early (SIGPIPE).
  entries=$(unzip -Z1 "$package")
  nuspec=$(unzip -p "$package" "$name.nuspec")
  if ! grep -qx 'README.md' <<<"$entries" || ! grep -q '<readme>README.md</readme>' <<<"$nuspec"; then
    echo "package check: $name has no README (PackageReadmeFile)" >&2; status=1
  fi
done
[ "$status" -eq 0 ] && echo "Packages: $count packed as $expected, each with its README"
exit "$status"
