# The native-memory corpus (specs/native/, issue 16) under the DEFAULT
# assertion, in one run: every leak/*.js fails naming the row of
# specs/native/expected.tsv ((rss), (external), or the growing backing
# store of the resizable ArrayBuffer), every clean/*.js passes; the JUnit
# file and the JSON report carry the memory series (one value per
# snapshot, confirmation ones included; rss positive).
# Then `memory:` assertions on one leak, and the (process tree rss) row
# of a program with a child process.  The addon programs need the addon
# ci/setup.sh --tests builds into build-test/native-addon; without it
# they are left out (a failure under CI=true).
. "$(dirname "$0")/lib.sh"
NATIVE="$SRC/specs/native"
. "$SRC/specs/corpus/classify.sh"
. "$NATIVE/memstats.sh"

addon=${LEAKCHECK_NATIVE_ADDON:-${LEAKCHECK_NATIVE_ADDON_DIR:-$SRC/build-test/native-addon}/build/Release/nativeleak.node}
only=()
if [ -f "$addon" ]; then
  export LEAKCHECK_NATIVE_ADDON=$addon
else
  if [ "${CI:-}" = true ]; then
    fail "the native-leak addon is missing ($addon; ci/setup.sh --tests builds it)"
  else
    echo "skip: the native-leak addon is not built (run ci/setup.sh --tests); its two programs are left out"
  fi
  for f in "$NATIVE"/leak/*.js "$NATIVE"/clean/*.js; do
    case "$f" in *addon*) continue ;; esac
    only+=(--check "$(basename "$(dirname "$f")")-$(basename "$f" .js)")
  done
fi

# The corpus is consistent: one check per program, no `assert` anywhere.
for f in "$NATIVE"/leak/*.js "$NATIVE"/clean/*.js; do
  kind=$(basename "$(dirname "$f")")
  check="$kind-$(basename "$f" .js)"
  grep -qx "  - name: $check" "$NATIVE/leakcheck.yml" && ok ||
    fail "$check: no check in specs/native/leakcheck.yml"
done
expect_eq "checks without 'assert' (the default rule)" \
  "$(grep -c '^ *assert:' "$NATIVE/leakcheck.yml")" 0

started=$(date +%s)
timeout 700 "$LEAKCHECK" -c "$NATIVE/leakcheck.yml" "${only[@]}" --junit native.xml --json native.json >out.txt 2>err.txt
CODE=$?
OUT=$(cat out.txt)
echo "native run: exit $CODE in $(($(date +%s) - started))s"
expect_eq "exit code" "$CODE" 1
expect_eq "junit is well-formed" "$(xmllint --noout native.xml 2>&1)" ""

printf '%-28s %-12s %-8s %-6s %s\n' check expected verdict result "failing rows"
while IFS=$'\t' read -r check expected verdict outcome rows; do
  if [ "$verdict" = missing ] && [ "${#only[@]}" -gt 0 ]; then
    case "$check" in *addon*) continue ;; esac
  fi
  printf '%-28s %-12s %-8s %-6s %s\n' "$check" "$expected" "$verdict" "$outcome" "$rows"
  if [ "$outcome" = ok ]; then
    ok
  else
    case "$check" in
      leak-*) fail "$check: expected a failure naming '$expected'; got $verdict ($rows)" ;;
      *) fail "$check: expected a pass; got $verdict ($rows)" ;;
    esac
    awk -v c="$check" '/^(PASS|FAIL|ERROR) / { on = ($2 == c) } /^[0-9]+ checks?:/ { on = 0 } on' out.txt
  fi
done < <(corpus_classify native.xml "$NATIVE")

# The series: every suite has the five memory properties, one value per
# snapshot (6 planned, and every confirmation snapshot: memory is sampled
# there too), rss positive; the memory stats of each check are printed.
for suite in $(xpath native.xml '//testsuite/@name' | sed -E 's/ *name="([^"]*)"/\1\n/g'); do
  extra=$(xpath native.xml "string(//testsuite[@name='$suite']/properties/property[@name='confirmation_snapshots']/@value)")
  for key in rss heap_used heap_total external array_buffers; do
    v=$(xpath native.xml "string(//testsuite[@name='$suite']/properties/property[@name='memory.$key']/@value)")
    expect_eq "$suite: memory.$key samples" "$(wc -w <<<"$v")" $((6 + ${extra:-0}))
    if [ "$key" = rss ]; then
      for x in $v; do [ "$x" -gt 1048576 ] || { fail "$suite: rss sample $x is not above 1 MB"; break; }; done
    fi
  done
done
# The same series and findings in the JSON report (docs/json-report.md):
# every check's memory arrays have one value per snapshot taken, the
# memory findings name their kind and carry the bytes, the leaks' and the
# clean programs' statuses agree with the JUnit file.
json=$(node -e '
  const r = JSON.parse(require("fs").readFileSync("native.json", "utf8"));
  const out = [];
  for (const c of r.checks) {
    const n = c.memory.rss ? c.memory.rss.length : 0;
    out.push(`${c.name} ${c.status} rss=${n} ext=${(c.memory.external || []).length}`);
    for (const a of c.assertions || [])
      for (const f of a.findings || [])
        if (f.memory)
          out.push(`  memory ${f.memory} counts=${f.counts} sizes=${f.sizes.length} ` +
                   `rules=${f.failed_rules.join(",")} why=${(f.why || "").split("\n")[0]}`);
        else if (f.object_id && f.class === "system / JSArrayBufferData")
          out.push(`  store ${(f.why || "").split("\n")[0]}`);
  }
  console.log(out.join("\n"));' 2>&1)
echo "$json"
for suite in $(xpath native.xml '//testsuite/@name' | sed -E 's/ *name="([^"]*)"/\1\n/g'); do
  extra=$(xpath native.xml "string(//testsuite[@name='$suite']/properties/property[@name='confirmation_snapshots']/@value)")
  n=$((6 + ${extra:-0}))
  case "$suite" in leak-*) st=failed ;; *) st=passed ;; esac
  expect_contains "json: $suite" "$json" "$suite $st rss=$n ext=$n"
done
expect_contains "json: buffer-ring's memory finding" "$json" \
  "  memory external counts=null sizes="
expect_contains "json: its rule and explanation" "$json" \
  "rules=steady_growth why=JS objects that hold external memory grew:"
# (when the single-object rule followed the store; see below)
case "$json" in
  *"  store "*) expect_contains "json: the backing store named" "$json" \
    "  store an ArrayBuffer's backing store, outside the V8 heap: " ;;
esac

echo "check  rss_growth  rss_min_step  rss_slope  ext_growth  ext_min_step  ext_slope  samples  confirm"
native_memstats native.xml
# The terminal report shows the series under each check.
expect_contains "terminal memory rows" "$OUT" "  memory: (rss): ("
expect_contains "terminal external row" "$OUT" "         (external): ("
# The failure of a leak whose growth shows in no JS object says so.
text=$(corpus_failure_text native.xml leak-buffer-ring)
expect_contains "buffer-ring explained" "$text" "JS objects that hold external memory grew:"
expect_contains "buffer-ring message" "$text" \
  "(external) grew by +"
expect_contains "buffer-ring rule" "$text" \
  "limit steady_growth forbid (a rise of 64 KB or more in every interval, or as the least-squares trend when confirmed; 256 KB in all)"
# A memory suspect is judged through the confirmation, like an object
# row: the failure says it went on growing, the series shows the
# confirmation after a '|'.
expect_contains "buffer-ring confirmed" "$text" "(external): +"
expect_contains "buffer-ring still growing" "$text" "; still growing over "
expect_contains "buffer-ring bytes series" "$text" " | "
# V8's allocation tracker (on unless LEAKCHECK_ALLOCATION_SITES=0) grows
# RSS by itself: a check failing on (rss) under it is run again without
# it, and says so.
if [ "${#only[@]}" = 0 ] && [ "${LEAKCHECK_ALLOCATION_SITES:-1}" != 0 ]; then
  expect_contains "rss judged without tracking" "$(cat err.txt)" \
    "leakcheck: 'leak-addon-malloc': the resident size grew with allocation tracking on, which costs native memory itself; running the check again without it"
fi
# The addon leaking in two intervals of three (one call per interval):
# never rising in every interval, it fails on its least-squares trend,
# confirmed.
if [ "${#only[@]}" = 0 ]; then
  text=$(corpus_failure_text native.xml leak-addon-bursts)
  expect_contains "bursts: the trend" "$text" "(rss) grew by +"
  expect_contains "bursts: not every interval" "$text" ", a trend of +"
  expect_contains "bursts: confirmed" "$text" "(rss): +"
  expect_contains "bursts: still growing" "$text" "; still growing over "
fi
# The resizable ArrayBuffer: its growing backing store is named as one,
# by the single-object rule (the store followed by id, its sizes) or, when
# the store moved and got new ids, in the V8 internals' explanation (the
# backing-store row's growth); whichever row failed first ((rss) too, in
# some runs).
text=$(corpus_failure_text native.xml leak-resizable-arraybuffer)
case "$text" in
  *"an ArrayBuffer's backing store, outside the V8 heap: "*"the same store growing in place without a new object (a resizable ArrayBuffer)"* | \
    *"of which ArrayBuffer backing stores, row system / JSArrayBufferData: +"*) ok ;;
  *) fail "resizable: the growing backing store is not named: $text" ;;
esac

# `memory:` assertions, judged on leak/buffer-ring.js (external memory
# grows ~640 KB/s; rss stays far below 10 GB).
cat >mem.yml <<YML
version: 1
checks:
  - name: ring
    script: $NATIVE/leak/buffer-ring.js
    drive: { every: 250ms }
    snapshots: 6
    warmup: 2
    assert:
      - memory: external
        max_growth_bytes: 256KB
      - memory: rss
        max_bytes: 10GB
      - memory: array_buffers
        steady_growth: forbid
      - memory: heap_used
        max_growth_bytes: 1GB
YML
run_lc -c mem.yml --junit mem.xml
expect_eq "memory assertions: exit code" "$CODE" 1
expect_eq "memory assertions: tests" "$(xpath mem.xml 'string(/testsuites/@tests)')" 4
expect_eq "memory assertions: failures" "$(xpath mem.xml 'string(/testsuites/@failures)')" 2
m=$(xpath mem.xml "string(//testcase[@name='memory external: max_growth_bytes 256KB']/failure/@message)")
expect_contains "max_growth_bytes failure" "$m" "(external) grew by +"
expect_contains "max_growth_bytes limit" "$m" "; limit max_growth_bytes 256 KB"
m=$(xpath mem.xml "string(//testcase[@name='memory array_buffers: steady_growth forbid']/failure/@message)")
expect_contains "array_buffers steady failure" "$m" "(array buffers) grew by +"
expect_contains "array_buffers steady limit" "$m" "; limit steady_growth forbid (a rise of 64 KB"
expect_eq "rss max_bytes held" "$(xpath mem.xml "count(//testcase[@name='memory rss: max_bytes 10GB']/failure)")" 0
expect_contains "rss held message" "$OUT" "PASS  memory rss: max_bytes 10GB  (held: (rss) grew by "

# A bad memory kind is a config error with a suggestion.
cat >bad.yml <<YML
version: 1
checks:
  - name: ring
    script: $NATIVE/clean/buffer-ring.js
    assert:
      - memory: externl
        steady_growth: forbid
YML
run_lc -c bad.yml --no-junit
expect_eq "bad memory kind: exit code" "$CODE" 2
expect_contains "bad memory kind: message" "$ERR" \
  "bad.yml:6:17: 'memory' must be one of rss, heap_used, heap_total, external, array_buffers, process_tree_rss; got 'externl'; did you mean 'external'?"

# A program with a child process: the (process tree rss) row sums both.
cat >parent.js <<'JS'
const { spawn } = require('child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
setInterval(() => {}, 1000);
JS
cat >tree.yml <<YML
version: 1
checks:
  - name: tree
    script: parent.js
    drive: { every: 250ms }
    snapshots: 4
    warmup: 1
YML
run_lc -c tree.yml --junit tree.xml
expect_eq "tree: exit code" "$CODE" 0
rss=$(xpath tree.xml "string(//property[@name='memory.rss']/@value)")
tree=$(xpath tree.xml "string(//property[@name='memory.process_tree_rss']/@value)")
expect_eq "tree: samples" "$(wc -w <<<"$tree")" 4
read -r -a a <<<"$rss"
read -r -a b <<<"$tree"
for i in 0 1 2 3; do
  # The child is a whole node process: well over 10 MB more than the parent alone.
  [ "${b[$i]:-0}" -gt $((${a[$i]:-0} + 10 * 1048576)) ] && ok ||
    fail "tree: process tree rss ${b[$i]:-?} not above rss ${a[$i]:-?} + 10 MB"
done
no_leftovers
finish
