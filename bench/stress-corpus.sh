#!/usr/bin/env bash
# Stress test of the verdict: runs the corpus of realistic programs
# (specs/corpus/leakcheck.yml, default assertion) N times and counts, per
# check, the runs whose verdict was wrong (a leak that passed, errored or
# failed without naming the constructor of specs/corpus/expected.tsv; a
# clean program that failed or errored).  Exit 0 when no verdict was wrong.
# Usage: bench/stress-corpus.sh [LEAKCHECK_BINARY] [N]   (N defaults to 10)
# STRESS_DIR keeps the JUnit files (default: a temp dir, removed at exit).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/leakcheck}
runs=${2:-10}
corpus=$root/specs/corpus
[ -x "$bin" ] || { echo "stress-corpus: build leakcheck first (cmake --build build)" >&2; exit 2; }
case "$runs" in '' | *[!0-9]* | 0) echo "stress-corpus: N must be a positive integer" >&2; exit 2 ;; esac
command -v xmllint >/dev/null || { echo "stress-corpus: xmllint is missing (libxml2-utils)" >&2; exit 2; }
. "$corpus/classify.sh"
if [ -n "${STRESS_DIR:-}" ]; then
  dir=$STRESS_DIR; mkdir -p "$dir"
else
  dir=$(mktemp -d "${TMPDIR:-/tmp}/lc-stress.XXXXXX"); trap 'rm -rf "$dir"' EXIT
fi
export NO_COLOR=1

declare -A wrong seen expect
order=()
for ((r = 1; r <= runs; r++)); do
  t0=$(date +%s)
  "$bin" -c "$corpus/leakcheck.yml" --junit "$dir/run-$r.xml" >"$dir/run-$r.out" 2>"$dir/run-$r.err"
  code=$?
  nwrong=0
  while IFS=$'\t' read -r check expected verdict outcome rows; do
    if [ -z "${expect[$check]+x}" ]; then order+=("$check"); expect[$check]=$expected; wrong[$check]=0; seen[$check]=; fi
    if [ "$outcome" != ok ]; then
      wrong[$check]=$((wrong[$check] + 1)); nwrong=$((nwrong + 1))
      echo "  run $r: $check: $verdict ($rows)"
    fi
    case " ${seen[$check]} " in *" $verdict "*) ;; *) seen[$check]="${seen[$check]:+${seen[$check]} }$verdict" ;; esac
  done < <(corpus_classify "$dir/run-$r.xml" "$corpus")
  echo "run $r/$runs: exit $code, $nwrong wrong, $(($(date +%s) - t0))s"
done

total=0 bad=0
printf '\n%-28s %-24s %8s  %s\n' check expected wrong "verdicts seen"
for check in "${order[@]}"; do
  printf '%-28s %-24s %5d/%-2d  %s\n' "$check" "${expect[$check]}" "${wrong[$check]}" "$runs" "${seen[$check]}"
  total=$((total + runs)); bad=$((bad + wrong[$check]))
done
awk -v b="$bad" -v t="$total" 'BEGIN { printf "flake rate: %d of %d verdicts wrong (%.1f%%)\n", b, t, t ? 100 * b / t : 0 }'
[ "$bad" -eq 0 ]
