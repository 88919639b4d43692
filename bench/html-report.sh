#!/usr/bin/env bash
# Benchmark of the HTML report on a run of many checks: N tiny checks (half
# of them leak one object per call) run for real with --html; prints the
# run's time, the time spent rendering and writing the HTML report
# (LEAKCHECK_TRACE phases "html: begin" .. "html: written"), its share of
# the run, and the report's size.  Exits 1 when the report is larger than
# LIMIT_KB (default 4096, the size the README states for 100 checks) or
# writing it takes 5% of the run or more.
# Usage: bench/html-report.sh [LEAKCHECK_BINARY] [N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "${1:-$root/build/leakcheck}")" && pwd)/$(basename "${1:-leakcheck}")
n=${2:-100}
limit_kb=${LIMIT_KB:-4096}
[ -x "$bin" ] || { echo "bench: build leakcheck first" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/lc-html-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > work.js <<'JS'
'use strict';
class Order { constructor(n) { this.n = n; } }
const kept = [];
exports.leak = () => { kept.push(new Order(kept.length)); };
exports.idle = () => {};
JS
{
  echo "version: 1"
  echo "checks:"
  for ((i = 1; i <= n; i++)); do
    call=idle
    [ $((i % 2)) = 0 ] && call=leak
    printf '  - name: check-%03d\n    script: work.js\n    drive: { call: %s, times: 20 }\n    snapshots: 3\n' "$i" "$call"
  done
} > leakcheck.yml

start=$(date +%s.%N)
LEAKCHECK_TRACE=1 CI=true "$bin" run --no-junit --html report.html >out.txt 2>trace.txt || true
end=$(date +%s.%N)
t() { grep "trace: $1 " trace.txt | tail -1 | awk '{print $(NF-7)}'; }
begin=$(t "html: begin") written=$(t "html: written")
[ -n "$begin" ] && [ -n "$written" ] || { echo "bench: no trace of the HTML report" >&2; tail trace.txt >&2; exit 2; }
size=$(stat -c %s report.html)
checks=$(grep -c '<section class="check' report.html)
failed=$(grep -c '<section class="check s-failed' report.html)
awk -v n="$checks" -v f="$failed" -v run="$(echo "$end - $start" | bc)" -v b="$begin" -v w="$written" \
  -v size="$size" -v limit="$limit_kb" 'BEGIN {
  html = w - b; share = 100 * html / run;
  printf "checks %d (%d failed)  run %.1f s  html %.3f s (%.2f%% of the run)  size %.0f KB (%.1f KB per check)\n",
    n, f, run, html, share, size / 1024, size / 1024 / n;
  bad = 0
  if (size / 1024 > limit) { printf "bench: the report is over %d KB\n", limit; bad = 1 }
  if (share >= 5) { print "bench: writing the report took 5% of the run or more"; bad = 1 }
  exit bad }'
