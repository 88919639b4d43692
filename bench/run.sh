#!/usr/bin/env bash
# Benchmark: generates snapshots of about 50 MB, 200 MB and 1 GB with Node
# (cached in $BENCH_DIR, default /tmp/leakcheck-bench), then reports for
# each: parse throughput, summary-with-retained-sizes time, diff time and
# peak RSS of leakcheck.  Usage: bench/run.sh [LEAKCHECK_BINARY] [SIZES_MB...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/leakcheck}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50 200 1024)
dir=${BENCH_DIR:-/tmp/leakcheck-bench}
mkdir -p "$dir"
[ -x "$bin" ] || { echo "bench: build leakcheck first (cmake --build build)" >&2; exit 2; }

measure() { # prints "seconds peak_kb" for a command
  /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >/dev/null
  cat "$dir/time.txt"
}

printf '%-8s %10s %12s %10s %12s %10s %9s %10s %12s\n' target file_MB nodes parse_MB/s summary_s rss_MB rss/file diff_s diff_rss_MB
for mb in "${sizes[@]}"; do
  a="$dir/bench-$mb-a.heapsnapshot" b="$dir/bench-$mb-b.heapsnapshot"
  for f in "$a" "$b"; do
    [ -s "$f" ] || node --max-old-space-size=20000 "$root/bench/gen-snapshot.js" "$f" "$mb"
  done
  cat "$a" "$b" >/dev/null # into the page cache
  size=$(stat -c %s "$a")
  nodes=$(head -c 2000 "$a" | grep -o '"node_count":[0-9]*' | cut -d: -f2)
  read -r ps prss < <(measure "$bin" summary --parse-only "$a")
  read -r ss srss < <(measure "$bin" summary --top 1 "$a")
  read -r ds drss < <(measure "$bin" diff --top 1 "$a" "$b")
  awk -v t="$mb" -v sz="$size" -v n="$nodes" -v ps="$ps" -v ss="$ss" -v srss="$srss" -v ds="$ds" -v drss="$drss" 'BEGIN {
    mbs = sz / 1048576; tput = (ps > 0) ? mbs / ps : 0;
    printf "%-8s %10.1f %12d %10.0f %12.2f %10.0f %9.2f %10.2f %12.0f\n", t "MB", mbs, n, tput, ss, srss / 1024, srss * 1024 / sz, ds, drss / 1024 }'
done
echo "(rss/file: peak RSS of the summary over the file's size; per-phase time and memory: LEAKCHECK_TRACE=1 $bin summary FILE)"
