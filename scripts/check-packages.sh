#!/usr/bin/env bash
# Packs every shipped package (src/*) from the Release build and checks what a NuGet consumer sees:
# each package carries its README and the version major.minor (version.txt).<commit height>, the
# list of packages is the one below, and the store packages do not pull in Backup.Core (nor with it
# Npgsql, ZstdNet, Cronos): a store author depends on Backup.Storage.Abstractions only.
#   scripts/check-packages.sh OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?output directory}
rm -rf "$out" && mkdir -p "$out"
dotnet pack Backup.Core.sln -c Release --no-build -nologo -clp:ErrorsOnly -o "$out" >/dev/null
expected="$(tr -d '[:space:]' < version.txt).$(git rev-list --count HEAD 2>/dev/null || echo 0)"
# Every shipped package; a project added to or removed from src/ must be added or removed here too.
packages=(Backup.AspNetCore Backup.Cli Backup.Core Backup.EntityFrameworkCore Backup.Notifications.Smtp Backup.OpenTelemetry Backup.Storage.Abstractions Backup.Storage.Azure Backup.Storage.Gcs Backup.Storage.S3 Backup.Storage.Testing)
# Packages that must not depend on Backup.Core or its heavy dependencies.
core_free='^Backup\.Storage\.'
status=0
found=$(for project in src/*/*.csproj; do basename "$project" .csproj; done | sort)
if [ "$found" != "$(printf '%s\n' "${packages[@]}" | sort)" ]; then
  echo "package check: src/ holds [$(tr "\n" " " <<<"$found")], the list here is [${packages[*]}]: update scripts/check-packages.sh" >&2; status=1
fi
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
  if [[ $name =~ $core_free ]] && grep -Eq 'id="(Backup\.Core|Npgsql|ZstdNet|Cronos)"' <<<"$nuspec"; then
    echo "package check: $name depends on $(grep -Eo 'id="(Backup\.Core|Npgsql|ZstdNet|Cronos)"' <<<"$nuspec" | tr '\n' ' ')— store packages depend on Backup.Storage.Abstractions only" >&2; status=1
  fi
done
[ "$status" -eq 0 ] && echo "Packages: $count packed as $expected, each with its README; the Backup.Storage.* packages without Backup.Core"
exit "$status"
