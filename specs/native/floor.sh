#!/usr/bin/env bash
# Measures the noise floor of rss and external memory on clean programs:
# every specs/corpus/clean/*.js and specs/native/clean/*.js, RUNS times
# each, under probe.js (samples after forced GCs; see there).  Prints one
# line per run and the maxima, which the default memory rule's floor must
# stay above.  Usage: floor.sh [RUNS] (LEAKCHECK_NATIVE_ADDON: the built
# addon, for the addon program; PROBE_FOR etc. pass through).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=${1:-3}
node=${NODE:-node}
printf '%-44s %12s %12s %12s %12s %12s %12s\n' program rss_growth rss_rise rss_minstep ext_growth ext_rise ext_minstep
for f in "$here"/../corpus/clean/*.js "$here"/clean/*.js; do
  case "$f" in *addon*) [ -n "${LEAKCHECK_NATIVE_ADDON:-}" ] || continue ;; esac
  for ((i = 1; i <= runs; i++)); do
    line=$(cd "$(dirname "$f")" && "$node" --expose-gc --require "$here/probe.js" "$f" 3>&1 >/dev/null 2>/dev/null)
    echo "$line" | "$node" -e '
      const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const n = process.argv[1];
      const c = (x) => String(x).padStart(12);
      console.log(n.padEnd(44), c(r.growth.rss), c(r.max_rise.rss), c(r.min_step.rss),
        c(r.growth.external), c(r.max_rise.external), c(r.min_step.external));' \
      "$(basename "$(dirname "$f")")/$(basename "$f")"
  done
done | tee /dev/stderr | awk 'NR == 1 { for (c = 2; c <= 7; c++) m[c] = $c }
  { for (c = 2; c <= 7; c++) if ($c > m[c]) m[c] = $c }
  END { printf "%-44s %12d %12d %12d %12d %12d %12d\n", "MAX", m[2], m[3], m[4], m[5], m[6], m[7] }'
