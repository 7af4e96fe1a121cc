#!/usr/bin/env bash
# Times the native zstd CLI and Backup.Core's managed zstd path (ZstdCompressor, ZstdNet) on the
# same generated sql-dump file, and prints MB/s for each and ours / CLI. Prints numbers only:
# nothing here asserts a speed.
#
# Usage: benchmarks/compare-zstd-cli.sh [size-mb] [dataset]
#   size-mb  dataset size in MiB (default 32)
#   dataset  sql-dump (default) or mixed-binary
# Set RUNS to change the number of timed runs per case (default 3; the median is reported).
set -euo pipefail

size_mb="${1:-32}"
dataset="${2:-sql-dump}"
runs="${RUNS:-3}"
zstd_cli="${ZSTD:-/usr/bin/zstd}"
here="$(cd "$(dirname "$0")" && pwd)"
project="$here/Backup.Benchmarks"
dll="$project/bin/Release/net10.0/Backup.Benchmarks.dll"

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
data="$workdir/$dataset.dat"

dotnet build "$project" -c Release --nologo -v quiet >/dev/null
dotnet "$dll" --write-data "$data" --dataset "$dataset" --size-mb "$size_mb"
input_bytes="$(stat -c %s "$data")"

# Median wall time in seconds of $runs runs of the command, after one untimed warm-up run
# (which also brings the file into the page cache, as for the managed side).
median_seconds() {
  "$@" >/dev/null
  local times=()
  for ((i = 0; i < runs; i++)); do
    local start end
    start="$(date +%s%N)"
    "$@" >/dev/null
    end="$(date +%s%N)"
    times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", (e - s) / 1e9 }')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

printf '%s, %s bytes, %s timed runs each (median), %s\n\n' "$dataset" "$input_bytes" "$runs" "$("$zstd_cli" --version | head -1)"
printf '%-14s %10s %10s %9s %10s %11s %14s\n' case "CLI MB/s" "ours MB/s" "ours/CLI" "CLI ratio" "ours ratio" "size ours/CLI"

for spec in "1 0" "3 0" "3 2"; do
  read -r level workers <<<"$spec"
  cli_args=(-q -c "-$level")
  label="zstd -$level"
  if ((workers > 0)); then
    cli_args+=("-T$workers")
    label="$label -T$workers"
  fi

  cli_seconds="$(median_seconds "$zstd_cli" "${cli_args[@]}" "$data")"
  # Sizes from a separate, untimed run, so that counting bytes never slows the timed runs.
  cli_bytes="$("$zstd_cli" "${cli_args[@]}" "$data" | wc -c)"

  ours="$(dotnet "$dll" --compress-file "$data" --codec zstd --level "$level" --workers "$workers" --runs "$runs")"
  ours_mbps="$(sed -n 's/.*mbps=\([0-9.]*\).*/\1/p' <<<"$ours")"
  ours_bytes="$(sed -n 's/.*output_bytes=\([0-9]*\).*/\1/p' <<<"$ours")"

  awk -v label="$label" -v n="$input_bytes" -v cs="$cli_seconds" -v cb="$cli_bytes" -v om="$ours_mbps" -v ob="$ours_bytes" 'BEGIN {
    cm = n / cs / 1e6
    printf "%-14s %10.1f %10.1f %9.2f %10.2f %11.2f %14.3f\n", label, cm, om, om / cm, n / cb, n / ob, ob / cb
  }'
done
