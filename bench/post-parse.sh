#!/usr/bin/env bash
# The work after the parse (marking, summary, distances, dominators,
# retained sizes) of two leakcheck binaries on one snapshot, side by side:
#
#   bench/post-parse.sh OLD_BINARY NEW_BINARY FILE [PAIRS]
#
# Instructions: valgrind's instruction count of `summary --json FILE` less
# that of `summary --parse-only FILE` (the same start-up and parse), per
# binary; exact and independent of the machine's load (needs valgrind; skip
# with NO_VALGRIND=1; slow on large files: use the 50 MB one).
# Wall time: PAIRS runs of each (default 7), alternating OLD NEW OLD NEW,
# each printing its phases (LEAKCHECK_TRACE=1); the post-parse time is
# "retained sizes" less "parsed".  Prints the medians and the median of
# the pair-by-pair ratios OLD/NEW, which holds on a loaded machine.
set -euo pipefail
old=${1:?usage: post-parse.sh OLD_BINARY NEW_BINARY FILE [PAIRS]}
new=${2:?usage: post-parse.sh OLD_BINARY NEW_BINARY FILE [PAIRS]}
file=${3:?usage: post-parse.sh OLD_BINARY NEW_BINARY FILE [PAIRS]}
pairs=${4:-7}
for b in "$old" "$new"; do
  [ -x "$b" ] || { echo "post-parse: not an executable: $b" >&2; exit 2; }
done
[ -r "$file" ] || { echo "post-parse: cannot read $file" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$file" >/dev/null # into the page cache

instructions() { # binary, args...: prints the instruction count
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$@" >/dev/null 2>"$tmp/vg"
  awk '/^summary:/ { print $2 }' "$tmp/cg"
}

if [ -z "${NO_VALGRIND:-}" ] && command -v valgrind >/dev/null; then
  for b in "$old" "$new"; do
    full=$(instructions "$b" summary --json "$file")
    parse=$(instructions "$b" summary --parse-only "$file")
    echo "$full $parse" >>"$tmp/ir"
  done
  awk '{ post[NR] = $1 - $2; full[NR] = $1 } END {
    printf "instructions after the parse: old %.0f M, new %.0f M: %.2fx fewer\n", post[1] / 1e6, post[2] / 1e6, post[1] / post[2]
    printf "instructions, whole run:      old %.0f M, new %.0f M: %.2fx fewer\n", full[1] / 1e6, full[2] / 1e6, full[1] / full[2] }' "$tmp/ir"
fi

post() { # binary: appends "post_parse_s peak_MiB" of one run
  LEAKCHECK_TRACE=1 "$1" summary --json "$file" 2>"$tmp/trace" >/dev/null
  awk '/trace: parsed/ { p = $(NF - 7) } /trace: retained sizes/ { r = $(NF - 7); m = $(NF - 1) }
       END { printf "%.3f %s\n", r - p, m }' "$tmp/trace"
}
for ((i = 1; i <= pairs; i++)); do
  post "$old" >>"$tmp/old"
  post "$new" >>"$tmp/new"
done
paste "$tmp/old" "$tmp/new" | awk '{ print $1 / ($3 > 0 ? $3 : 0.001) }' >"$tmp/ratio"
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cut -d' ' -f1 "$tmp/old" >"$tmp/o1"
cut -d' ' -f1 "$tmp/new" >"$tmp/n1"
echo "wall time after the parse, $pairs pairs: old median $(median "$tmp/o1") s, new median $(median "$tmp/n1") s;" \
  "old/new pair by pair: median $(median "$tmp/ratio")x (min $(sort -n "$tmp/ratio" | head -1), max $(sort -n "$tmp/ratio" | tail -1))"
