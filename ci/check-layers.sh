#!/usr/bin/env bash
# The layering of runner/ (README "Layout", docs/architecture.md): a stage
# includes only headers of the stages below it (and its own), never one
# above or beside it:
#
#   base < heap < config < verdict < run, report < cli
#
# run and report are peers (neither includes the other); heap includes only
# base; every stage may include the public headers "leakcheck/*.h", which
# include only each other and system headers (<...>).  Internal headers are
# written "stage/name.h"; any other quoted include is an error too.
# Usage: ci/check-layers.sh [SOURCE_ROOT]   (exit 0 clean, 1 violations)
# Registered in CTest as lint.layers.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2

# allowed STAGE: the stages its files may include, besides leakcheck/.
allowed() {
  case "$1" in
    base) echo "base" ;;
    heap) echo "base heap" ;;
    config) echo "base heap config" ;;
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
