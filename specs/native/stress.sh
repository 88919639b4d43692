#!/usr/bin/env bash
# Stress test of the native-memory verdict and measurement of the noise
# floor through leakcheck itself.  Runs CONFIG (default
# specs/native/leakcheck.yml; its directory holds leak/, clean/ and
# expected.tsv) N times under the DEFAULT assertion and counts, per check,
# the runs whose verdict was wrong (a leak that passed, errored or failed
# without naming the memory row of expected.tsv; a clean program that
# failed or errored).  Then prints, over the clean checks of every run,
# the largest measured growth of (rss) and (external) and the largest
# smallest step between two snapshots (the default rule's floor must stay
# above it: LC_MEM_STEP_MIN in runner/verdict/verdict.h), and the same
# minima over the leaks.  Exit 0 when no verdict was wrong.
# Usage: specs/native/stress.sh [N] [CONFIG] [LEAKCHECK_BINARY]
#   N defaults to 10; LEAKCHECK_NATIVE_ADDON defaults to
#   build-test/native-addon/build/Release/nativeleak.node (ci/setup.sh
#   --tests builds it).  STRESS_DIR keeps the JUnit files.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-10}
config=${2:-$here/leakcheck.yml}
bin=${3:-$root/build/leakcheck}
dir_of=$(cd "$(dirname "$config")" && pwd)
[ -x "$bin" ] || { echo "stress: build leakcheck first (cmake --build build)" >&2; exit 2; }
case "$runs" in '' | *[!0-9]* | 0) echo "stress: N must be a positive integer" >&2; exit 2 ;; esac
command -v xmllint >/dev/null || { echo "stress: xmllint is missing (libxml2-utils)" >&2; exit 2; }
export LEAKCHECK_NATIVE_ADDON=${LEAKCHECK_NATIVE_ADDON:-${LEAKCHECK_NATIVE_ADDON_DIR:-$root/build-test/native-addon}/build/Release/nativeleak.node}
[ -f "$LEAKCHECK_NATIVE_ADDON" ] || { echo "stress: the native-leak addon is not built ($LEAKCHECK_NATIVE_ADDON; ci/setup.sh --tests)" >&2; exit 2; }
. "$root/specs/corpus/classify.sh"
. "$here/memstats.sh"
if [ -n "${STRESS_DIR:-}" ]; then
  dir=$STRESS_DIR; mkdir -p "$dir"
else
  dir=$(mktemp -d "${TMPDIR:-/tmp}/lc-native-stress.XXXXXX"); trap 'rm -rf "$dir"' EXIT
fi
export NO_COLOR=1

declare -A wrong seen expect
order=()
for ((r = 1; r <= runs; r++)); do
  t0=$(date +%s)
  "$bin" -c "$config" --junit "$dir/run-$r.xml" >"$dir/run-$r.out" 2>"$dir/run-$r.err"
  code=$?
  nwrong=0
  if [ -f "$dir_of/expected.tsv" ]; then
    while IFS=$'\t' read -r check expected verdict outcome rows; do
      if [ -z "${expect[$check]+x}" ]; then order+=("$check"); expect[$check]=$expected; wrong[$check]=0; seen[$check]=; fi
      if [ "$outcome" != ok ]; then
        wrong[$check]=$((wrong[$check] + 1)); nwrong=$((nwrong + 1))
        echo "  run $r: $check: $verdict ($rows)"
      fi
      case " ${seen[$check]} " in *" $verdict "*) ;; *) seen[$check]="${seen[$check]:+${seen[$check]} }$verdict" ;; esac
    done < <(corpus_classify "$dir/run-$r.xml" "$dir_of")
  fi
  native_memstats "$dir/run-$r.xml" >>"$dir/memstats.tsv"
  echo "run $r/$runs: exit $code, $nwrong wrong, $(($(date +%s) - t0))s"
done

total=0 bad=0
if [ "${#order[@]}" -gt 0 ]; then
  printf '\n%-36s %-12s %8s  %s\n' check expected wrong "verdicts seen"
  for check in "${order[@]}"; do
    printf '%-36s %-12s %5d/%-2d  %s\n' "$check" "${expect[$check]}" "${wrong[$check]}" "$runs" "${seen[$check]}"
    total=$((total + runs)); bad=$((bad + wrong[$check]))
  done
  awk -v b="$bad" -v t="$total" 'BEGIN { printf "flake rate: %d of %d verdicts wrong (%.1f%%)\n", b, t, t ? 100 * b / t : 0 }'
fi
echo
awk -F'\t' '
  function upd(k, v) { if (v == "-") return; if (!(k in m) || v + 0 > m[k]) m[k] = v + 0 }
  function low(k, v) { if (v == "-") return; if (!(k in l) || v + 0 < l[k]) l[k] = v + 0 }
  $1 !~ /^leak-/ { upd("rss_growth", $2); upd("rss_min_step", $3); upd("rss_slope", $4); upd("ext_growth", $5); upd("ext_min_step", $6); upd("ext_slope", $7); nc++; if ($9 > 0) { conf++; cs += $9 } }
  $1 ~ /^leak-/ { low($1 " rss_growth", $2); low($1 " rss_min_step", $3); low($1 " rss_slope", $4); low($1 " ext_growth", $5); low($1 " ext_min_step", $6); low($1 " ext_slope", $7) }
  END {
    printf "clean checks (%d samples of a check), over the measured window: max rss growth %d B, max rss min step %d B, max rss slope %d B, max external growth %d B, max external min step %d B, max external slope %d B; %d took confirmation snapshots (%d in all)\n", nc, m["rss_growth"], m["rss_min_step"], m["rss_slope"], m["ext_growth"], m["ext_min_step"], m["ext_slope"], conf, cs
    for (k in l) printf "%s: smallest %d B\n", k, l[k]
  }' "$dir/memstats.tsv" | sort
[ "$bad" -eq 0 ]
