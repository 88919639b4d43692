#!/usr/bin/env bash
# Writes specs/golden/snapshots/{1,2,3}.heapsnapshot.xz: three real V8 heap
# snapshots of app.js (a Widget registry that grows by 50 per step, and a
# bounded cache), taken with v8.writeHeapSnapshot.  The
# golden outputs are made from these committed files; run this only to
# replace them (then LEAKCHECK_UPDATE_GOLDEN=1 to regenerate the outputs).
# Usage: specs/golden/make-snapshots.sh [NODE]
set -euo pipefail
node=${1:-node}
dir=$(cd "$(dirname "$0")" && pwd)/snapshots
work=$(mktemp -d "${TMPDIR:-/tmp}/lc-golden.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
"$node" "$(dirname "$dir")/app.js"
mkdir -p "$dir"
for k in 1 2 3; do
  xz -9 -c "$k.heapsnapshot" >"$dir/$k.heapsnapshot.xz"
done
ls -l "$dir"
