#!/usr/bin/env bash
# Peak memory of a whole failing run, explanation included, over the size
# of its last snapshot file (the bound is 1.0):
#
#   bench/explain-memory.sh [LEAKCHECK_BINARY] [SHAPE] [OBJECTS]
#
# Runs a program that holds OBJECTS (default 400000) things of SHAPE in a
# global: `objects` (small objects in an array, the default), `list` (a
# linked list: a path and a DFS as deep as it is long), `strings`
# (distinct strings in an array) or `map` (a Map of numbers to objects);
# and leaks 200 Session objects every 100 ms, through `leakcheck`
# with LEAKCHECK_TRACE=1 and --keep-snapshots=always (in a temporary
# directory, removed afterwards), then prints the last snapshot's size and
# leakcheck's own peak RSS (the trace's, VmHWM: GNU time's would count
# node's, which writes the snapshots) when the explanation is done, over
# the file's size, with the trace of the last phases.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/leakcheck
if [ $# -ge 1 ] && [ -x "$1" ] && [ ! -d "$1" ]; then bin=$1; shift; fi
shape=${1:-objects}
objects=${2:-400000}
[ -x "$bin" ] || { echo "explain-memory: build leakcheck first" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
case "$objects" in '' | *[!0-9]*) echo "explain-memory: OBJECTS must be a number" >&2; exit 2 ;; esac
case "$shape" in
  objects) hold="for (let i = 0; i < N; i++) ballast.push(new Item(i));" ;;
  list) hold="let head = null; for (let i = 0; i < N; i++) { const it = new Item(i); it.next = head; head = it; } ballast.push(head);" ;;
  strings) hold="for (let i = 0; i < N; i++) ballast.push('string number ' + i);" ;;
  map) hold="const m = new Map(); for (let i = 0; i < N; i++) m.set(i, new Item(i)); ballast.push(m);" ;;
  *) echo "explain-memory: SHAPE is objects, list, strings or map" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/ballast.js" <<JS
// Ballast the explanation's graph has to walk, and a leak to explain.
class Item { constructor(i) { this.i = i; this.name = 'item' + i; this.next = null; } }
const N = $objects, ballast = globalThis.ballast = [];
$hold
class Session { constructor(i) { this.id = i; this.data = new Array(20).fill(i); } }
const registry = [];
setInterval(() => { for (let i = 0; i < 200; i++) registry.push(new Session(i)); }, 100);
JS
cat >"$tmp/leakcheck.yml" <<'YML'
version: 1
checks:
  - name: ballast
    script: ballast.js
    drive: { every: 300ms }
    snapshots: 4
    warmup: 1
    assert:
      - constructor: Session
        max_growth: 0
YML
set +e
(cd "$tmp" && LEAKCHECK_TRACE=1 "$bin" -c leakcheck.yml --keep-snapshots=always --snapshot-dir "$tmp/kept" \
  --no-junit >"$tmp/out" 2>"$tmp/err")
code=$?
set -e
if [ "$code" != 1 ]; then
  echo "explain-memory: expected exit code 1 (a leak), got $code" >&2
  cat "$tmp/out" "$tmp/err" >&2
  exit 1
fi
grep -q '  held by: ' "$tmp/out" || { echo "explain-memory: no explanation" >&2; cat "$tmp/out" >&2; exit 1; }
last=$(ls "$tmp"/kept/ballast/*/*.heapsnapshot | sort -V | tail -1)
size=$(stat -c %s "$last")
done_mib=$(awk '/trace: diagnosis: done/ { for (i = 1; i <= NF; i++) if ($i == "peak") print $(i + 1) }' "$tmp/err")
grep 'trace: \(snapshot\|diagnosis\|graph\)' "$tmp/err" | tail -8
awk -v sz="$size" -v dm="${done_mib:-0}" -v n="$objects" -v sh="$shape" 'BEGIN {
  printf "%s %d: last snapshot %.1f MiB; leakcheck'"'"'s peak when the explanation is done %d MiB (%.2fx the file)\n",
    sh, n, sz / 1048576, dm, dm * 1048576 / sz }'
