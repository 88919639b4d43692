#!/usr/bin/env bash
# Paired benchmark: leakcheck against memlab's snapshot loader on the same
# file, run in alternation (A B A B …) so that both see the same machine
# state, then the medians and their ratio, which hold on any machine.
#
#   bench/pair-memlab.sh [--parse-only] [LEAKCHECK_BINARY] FILE [PAIRS]
#
# A: `leakcheck summary --json FILE` (Summary with retained sizes and
#    distances).  B: `node bench/memlab-load.js FILE`: @memlab/core's
#    loader and a count of objects per name (no retained sizes: less work
#    than A).  memlab is installed on first use into $MEMLAB_DIR (default
#    $BENCH_DIR/memlab, BENCH_DIR default /tmp/leakcheck-bench), never into
#    the repository; its browser download is skipped (not needed to load
#    snapshots).  Prints wall time, CPU time and peak RSS of each.
#
# --parse-only: A is `leakcheck summary --parse-only FILE`, the parse and
# nothing after it, which bounds the ratio any amount of post-parse work
# can reach on this machine.
set -euo pipefail
what=(summary --json)
label="leakcheck summary --json"
if [ "${1:-}" = --parse-only ]; then
  what=(summary --parse-only)
  label="leakcheck summary --parse-only"
  shift
fi
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/leakcheck
if [ $# -ge 2 ] && [ -x "$1" ] && [ ! -d "$1" ]; then bin=$1; shift; fi
file=${1:?usage: pair-memlab.sh [--parse-only] [LEAKCHECK_BINARY] FILE [PAIRS]}
pairs=${2:-5}
bench=${BENCH_DIR:-/tmp/leakcheck-bench}
memlab=${MEMLAB_DIR:-$bench/memlab}
version=2.0.5
[ -x "$bin" ] || { echo "pair-memlab: build leakcheck first" >&2; exit 2; }
[ -r "$file" ] || { echo "pair-memlab: cannot read $file" >&2; exit 2; }

if [ ! -f "$memlab/node_modules/@memlab/core/package.json" ]; then
  echo "pair-memlab: installing @memlab/core@$version into $memlab" >&2
  mkdir -p "$memlab"
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$memlab" --no-audit \
    --no-fund --ignore-scripts --loglevel=error "@memlab/core@$version" >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$file" >/dev/null # into the page cache

# Appends "wall cpu peak_kb" of one run to $1.
measure() {
  local out=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || {
    echo "pair-memlab: failed: $*" >&2
    cat "$tmp/err" >&2
    exit 1
  }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$tmp/t" >>"$out"
}

for ((i = 1; i <= pairs; i++)); do
  measure "$tmp/a" "$bin" "${what[@]}" "$file"
  MEMLAB_DIR=$memlab measure "$tmp/b" node --max-old-space-size=16000 \
    "$root/bench/memlab-load.js" "$file"
done

median() { # column $2 of file $1
  sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
size=$(stat -c %s "$file")
aw=$(median "$tmp/a" 1) ac=$(median "$tmp/a" 2) am=$(median "$tmp/a" 3)
bw=$(median "$tmp/b" 1) bc=$(median "$tmp/b" 2) bm=$(median "$tmp/b" 3)
awk -v f="$file" -v sz="$size" -v label="$label" -v n="$pairs" -v aw="$aw" -v ac="$ac" -v am="$am" \
  -v bw="$bw" -v bc="$bc" -v bm="$bm" 'BEGIN {
  printf "%s: %.1f MiB, %d pairs, medians\n", f, sz / 1048576, n
  printf "%-34s %9s %9s %12s %10s\n", "", "wall_s", "cpu_s", "peak_MiB", "peak/file"
  printf "%-34s %9.2f %9.2f %12.0f %10.2f\n", label, aw, ac, am / 1024, am * 1024 / sz
  printf "%-34s %9.2f %9.2f %12.0f %10.2f\n", "memlab " "2.0.5" " loader + counts", bw, bc, bm / 1024, bm * 1024 / sz
  printf "ratio of the medians (memlab / leakcheck): wall %.1fx, cpu %.1fx, peak memory %.1fx\n", bw / aw, bc / (ac > 0 ? ac : 0.01), bm / am }'
# Pair by pair: run i of memlab over run i of leakcheck, which holds even
# when the machine's speed drifts between pairs.
paste -d' ' "$tmp/a" "$tmp/b" | awk '{ print $4 / ($1 > 0 ? $1 : 0.01), $5 / ($2 > 0 ? $2 : 0.01) }' >"$tmp/r"
echo "pair by pair (memlab / leakcheck), median [min, max]:" \
  "wall $(median "$tmp/r" 1)x [$(sort -n -k1 "$tmp/r" | head -1 | cut -d' ' -f1), $(sort -n -k1 "$tmp/r" | tail -1 | cut -d' ' -f1)]," \
  "cpu $(median "$tmp/r" 2)x [$(sort -n -k2 "$tmp/r" | head -1 | cut -d' ' -f2), $(sort -n -k2 "$tmp/r" | tail -1 | cut -d' ' -f2)]"
