#!/usr/bin/env bash
# Packs every shipped package (src/*) from the Release build and checks what a NuGet consumer sees:
# each package carries its README and the version major.minor (version.txt).<commit height>, the
# list of packages is the one below, and the store packages do not pull in Backup.Core (nor with it
# Npgsql, ZstdNet, Cronos): a store author depends on Backup.Storage.Abstractions only. Each has its
# repository (url and commit) and project URL, a .snupkg whose PDB has Source Link to that commit
# and no local path, our packages depend on each other within this minor version, the shipped docs
# (README, description) never say "seed", and a fresh web project restores them all without a NuGet
# warning (NU1603: a dependency version that does not exist, so the consumer gets another one).
#   scripts/check-packages.sh OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?output directory}
rm -rf "$out" && mkdir -p "$out"
dotnet pack Backup.Core.sln -c Release --no-build -nologo -clp:ErrorsOnly -o "$out" >/dev/null
major_minor=$(tr -d '[:space:]' < version.txt)
expected="$major_minor.$(git rev-list --count HEAD 2>/dev/null || echo 0)"
next_minor="${major_minor%%.*}.$(( ${major_minor#*.} + 1 )).0"
commit=$(git rev-parse HEAD)
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
  if ! grep -q "<repository type=\"git\" url=\"https://[^\"]*\"[^>]*commit=\"$commit\"" <<<"$nuspec" || ! grep -q '<projectUrl>https://' <<<"$nuspec"; then
    echo "package check: $name has no repository (url and commit $commit) or project URL" >&2; status=1
  fi
  if grep -Eiq '\bseed' <<<"$(unzip -p "$package" README.md; grep -o '<description>.*</description>' <<<"$nuspec")"; then
    echo "package check: $name's README or description says \"seed\"" >&2; status=1
  fi
  # Sibling packages: [this version, next minor), never a bare minimum.
  for dependency in $(grep -Eo 'id="Backup\.[^"]*" version="[^"]*"' <<<"$nuspec" | tr ' ' '|'); do
    if [[ $dependency != *"version=\"[$expected,|$next_minor)\"" ]]; then
      echo "package check: $name depends on ${dependency//|/ }, not [$expected, $next_minor)" >&2; status=1
    fi
  done
  symbols="$out/$name.$expected.snupkg"
  if [ ! -f "$symbols" ]; then
    echo "package check: $name has no symbol package (.snupkg)" >&2; status=1
  else
    assembly=$name; [ "$name" = Backup.Cli ] && assembly=backup-core   # the tool's command name
    pdb_entry=$(unzip -Z1 "$symbols" | grep -E "/$assembly\.pdb$" || true)
    dll_entry=$(unzip -Z1 "$package" | grep -E "/$assembly\.dll$" || true)
    pdb=$( [ -n "$pdb_entry" ] && unzip -p "$symbols" "$pdb_entry" | strings -n 6)
    if ! grep -q "\"/_/\*\":\"https://[^\"]*/$commit/\*\"" <<<"$pdb"; then
      echo "package check: $name's PDB has no Source Link to commit $commit" >&2; status=1
    fi
    if grep -Fq "$PWD/" <<<"$pdb$( [ -n "$dll_entry" ] && unzip -p "$package" "$dll_entry" | strings -n 6)"; then
      echo "package check: $name's DLL or PDB holds the local path $PWD (paths are not deterministic)" >&2; status=1
    fi
  fi
  if [[ $name =~ $core_free ]] && grep -Eq 'id="(Backup\.Core|Npgsql|ZstdNet|Cronos)"' <<<"$nuspec"; then
    echo "package check: $name depends on $(grep -Eo 'id="(Backup\.Core|Npgsql|ZstdNet|Cronos)"' <<<"$nuspec" | tr '\n' ' ')— store packages depend on Backup.Storage.Abstractions only" >&2; status=1
  fi
done

# A consumer's first restore: a web project taking every library package from the folder (and the rest
# from the configured feed) must restore without any NuGet warning.
consumer="$out/consumer"
mkdir -p "$consumer"
{
  echo '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup><ItemGroup>'
  for name in "${packages[@]}"; do
    [ "$name" = Backup.Cli ] || echo "<PackageReference Include=\"$name\" Version=\"$expected\" />"
  done
  echo '</ItemGroup></Project>'
} > "$consumer/Consumer.csproj"
# Its own packages folder: the global one may hold an older pack of this same version (uncommitted changes).
restore=$(cd "$consumer" && dotnet restore --packages "$consumer/packages" --source "$(cd "$out" && pwd)" --source https://api.nuget.org/v3/index.json -nologo 2>&1) || { echo "$restore" >&2; status=1; }
if grep -Eq 'warning NU[0-9]+' <<<"$restore"; then
  echo "package check: a consumer's restore warns:" >&2; grep -Eo 'warning NU[0-9]+:[^[]*' <<<"$restore" | sort -u >&2; status=1
fi
[ "$status" -eq 0 ] && echo "Packages: $count packed as $expected, each with its README, repository, symbols with Source Link, siblings within [$expected, $next_minor); the Backup.Storage.* packages without Backup.Core; a consumer restores them without a warning"
exit "$status"
