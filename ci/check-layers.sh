#!/usr/bin/env bash
# The layering of runner/ (docs/architecture.md, "What each stage may
# include"): a stage includes only headers of the stages below it (and its
# own), never one above or beside it:
#
#   base < heap, config < verdict < run, report < cli
#
# heap and config are peers, and so are run and report (neither includes
# the other).  Every stage may include the public headers "leakcheck/*.h",
# except base, which may not include the engine's leakcheck/heap.h; the
# public headers include only each other and system headers (<...>).
# Internal headers are written "stage/name.h"; any other quoted include is
# an error too.
# Usage: ci/check-layers.sh [SOURCE_ROOT]   (exit 0 clean, 1 violations)
#        ci/check-layers.sh --self-test      (runs itself on a made-up tree
#                                             with known violations)
# Registered in CTest as lint.layers and lint.layers_selftest.
set -u

if [ "${1:-}" = "--self-test" ]; then
  t=$(mktemp -d "${TMPDIR:-/tmp}/lc-layers.XXXXXX") || exit 2
  trap 'rm -rf "$t"' EXIT
  mkdir -p "$t"/runner/{base,heap,config,verdict,run,report,cli} \
    "$t"/include/leakcheck
  inc() { printf '#include "%s"\n' "${@:2}" >"$t/$1"; }
  # Allowed: below, own stage, public headers; system headers anywhere.
  inc runner/base/buf.c leakcheck/buf.h base/strmap.h
  inc runner/heap/graph.c base/buf.h heap/graph.h leakcheck/heap.h
  inc runner/config/config.c config/pattern.h base/fsutil.h
  inc runner/verdict/verdict.c config/config.h heap/graph.h
  inc runner/run/pipeline.c verdict/verdict.h config/config.h
  inc runner/report/report.c verdict/verdict.h
  inc runner/cli/main.c run/pipeline.h report/report.h cli/cli.h
  printf '#include <stddef.h>\n#include "leakcheck/buf.h"\n' \
    >"$t/include/leakcheck/heap.h"
  bash "$0" "$t" >/dev/null 2>&1 || { echo "self-test: a clean tree was refused" >&2; exit 1; }
  # Each of these is one violation.
  inc runner/heap/summary.c config/config.h           # heap above base
  inc runner/base/err.c heap/graph.h                  # base includes up
  inc runner/config/pattern.c verdict/verdict.h       # config includes up
  inc runner/run/driver.c report/report.h             # peers
  inc runner/report/tables.c run/pipeline.h           # peers
  inc runner/verdict/series.c cli/cli.h               # the top
  inc runner/run/http.c strmap.h                      # no stage prefix
  inc runner/cli/cli.c nosuch/x.h                     # no such stage
  inc runner/config/pattern.h heap/graph.h            # peers
  inc runner/base/trace.c leakcheck/heap.h            # base below heap
  printf '#include "base/buf.h"\n' >"$t/include/leakcheck/err.h"
  out=$(bash "$0" "$t" 2>&1)
  rc=$?
  n=$(printf '%s\n' "$out" | grep -c ': includes "')
  if [ "$rc" != 1 ] || [ "$n" != 11 ]; then
    printf '%s\n' "$out" >&2
    echo "self-test: exit $rc and $n violations; expected exit 1 and 11" >&2
    exit 1
  fi
  echo "check-layers: self-test passed (11 violations found in a made-up tree)"
  exit 0
fi

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2

# allowed STAGE: the stages its files may include, besides leakcheck/.
allowed() {
  case "$1" in
    base) echo "base" ;;
    heap) echo "base heap" ;;
    config) echo "base config" ;;
    verdict) echo "base heap config verdict" ;;
    run) echo "base heap config verdict run" ;;
    report) echo "base heap config verdict report" ;;
    cli) echo "base heap config verdict run report cli" ;;
    *) return 1 ;;
  esac
}

bad=0
nfiles=0
violation() {
  echo "$1: includes \"$2\": $3" >&2
  bad=$((bad + 1))
}

for f in runner/*/*.c runner/*/*.h include/leakcheck/*.h include/leakcheck/*.h.in; do
  [ -f "$f" ] || continue
  nfiles=$((nfiles + 1))
  case "$f" in
    include/*) stage=public ;;
    *) stage=${f#runner/}; stage=${stage%%/*} ;;
  esac
  if [ "$stage" != public ] && ! ok_stages=$(allowed "$stage"); then
    echo "$f: runner/$stage/ is no known stage; add it to ci/check-layers.sh" >&2
    bad=$((bad + 1))
    continue
  fi
  # Every quoted include, with its line number.
  while IFS=: read -r line inc; do
    inc=${inc#*\"}
    inc=${inc%%\"*}
    where="$f:$line"
    case "$inc" in
      leakcheck/heap.h)
        if [ "$stage" = base ]; then
          violation "$where" "$inc" "runner/base/ is below the heap engine"
        fi
        continue
        ;;
      leakcheck/*.h) continue ;;
      */*) dep=${inc%%/*} ;;
      *)
        violation "$where" "$inc" "write internal headers as \"stage/name.h\""
        continue
        ;;
    esac
    if [ "$stage" = public ]; then
      violation "$where" "$inc" "a public header includes only leakcheck/ and system headers"
    elif [ ! -d "runner/$dep" ]; then
      violation "$where" "$inc" "no stage runner/$dep/"
    elif [[ " $ok_stages " != *" $dep "* ]]; then
      violation "$where" "$inc" "runner/$stage/ may include only: $ok_stages and leakcheck/"
    fi
  done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | cut -d: -f1,2-)
done

if [ "$nfiles" -eq 0 ]; then
  echo "check-layers: no sources under $root/runner" >&2
  exit 2
fi
if [ "$bad" -gt 0 ]; then
  echo "check-layers: $bad layering violation(s) in $nfiles files" >&2
  exit 1
fi
echo "check-layers: $nfiles files, layering respected"
