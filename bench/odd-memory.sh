#!/usr/bin/env bash
# Peak memory on pathological heaps, as a ratio to the file's size:
#
#   bench/odd-memory.sh [LEAKCHECK_BINARY] [SCALE]
#
# Writes (once, cached in $BENCH_DIR, default /tmp/leakcheck-bench) with
# bench/gen-odd-snapshot.js: 50 M empty strings (150 MB), 4 M string nodes
# each named by its own copy of "dup" (216 MB), one array of 5 M numbers
# (207 MB), one object with 20 M edges (160 MB), 3 M objects each of a
# class of its own (175 MB: 3 M Summary rows) and one string of 200 M
# characters (200 MB); SCALE (default 1) multiplies the counts.  For each, peak RSS (GNU time's maximum resident
# set size) of `summary --json FILE` and of `diff --json FILE FILE`, and
# each over the file's size (the bound is 1.0: the larger file for diff).
# The realistic benchmark files (bench/run.sh) are listed too when cached.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/leakcheck}
scale=${2:-1}
dir=${BENCH_DIR:-/tmp/leakcheck-bench}
mkdir -p "$dir"
[ -x "$bin" ] || { echo "odd-memory: build leakcheck first" >&2; exit 2; }
files=()
for spec in empty-strings:50000000 dup-strings:4000000 huge-array:5000000 \
  many-edges:20000000 unique-classes:3000000 long-string:200000000; do
  kind=${spec%%:*}
  n=$(awk -v n="${spec#*:}" -v s="$scale" 'BEGIN { printf "%d", n * s }')
  f="$dir/odd-$kind-$n.heapsnapshot"
  [ -s "$f" ] || node "$root/bench/gen-odd-snapshot.js" "$kind" "$n" "$f"
  files+=("$f")
done
for f in "$dir"/bench-*-a.heapsnapshot; do [ -s "$f" ] && files+=("$f"); done

peak() { # prints the peak RSS in KiB of a command
  /usr/bin/time -f '%M' -o "$dir/odd-time.txt" "$@" >/dev/null
  cat "$dir/odd-time.txt"
}
printf '%-40s %9s %14s %9s %14s %9s\n' file file_MiB summary_MiB ratio diff_MiB ratio
for f in "${files[@]}"; do
  cat "$f" >/dev/null
  size=$(stat -L -c %s "$f")
  s=$(peak "$bin" summary --json "$f")
  d=$(peak "$bin" diff --json "$f" "$f")
  awk -v f="$(basename "$f")" -v sz="$size" -v s="$s" -v d="$d" 'BEGIN {
    printf "%-40s %9.1f %14.1f %9.2f %14.1f %9.2f\n", f, sz / 1048576, s / 1024, s * 1024 / sz, d / 1024, d * 1024 / sz }'
done
rm -f "$dir/odd-time.txt"
