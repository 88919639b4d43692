# drive: { call: EXPORT, times: N }: the script is loaded as a module and
# its export is called N times between two snapshots.  A module that keeps
# exactly one object per call grows by exactly N per interval; an export
# that keeps nothing leaves every row flat; CommonJS and ES modules, sync
# and async exports, setup once.  Faults (export missing or not a
# function, a call that throws or rejects, a module that throws while
# loading) end the check with exit 3 and a clear message; nothing is left
# running.
. "$(dirname "$0")/lib.sh"

cp "$SRC/examples/handler.js" .
cat > leaky.js <<'JS'
'use strict';
class LeakyItem { constructor(n) { this.n = n; } }
const kept = [];
let setups = 0;
exports.setup = () => { setups++; };
exports.run = function () { kept.push(new LeakyItem(kept.length)); };
exports.runAsync = async function () {
  await new Promise((resolve) => setImmediate(resolve));
  kept.push(new LeakyItem(kept.length));
};
exports.idle = () => {};
exports.idleAsync = async () => { await null; };
exports.checkSetup = () => { if (setups !== 1) throw new Error('setup ran ' + setups + ' times'); };
exports.throwsAt7 = function () {
  if (kept.push(new LeakyItem(0)) === 7) throw new TypeError('bad input on call 7');
};
exports.rejects = async () => { throw new Error('async handler failed'); };
exports.notAFunction = { run: true };
JS
cat > leaky.mjs <<'JS'
class EsmItem { constructor(n) { this.n = n; } }
const kept = [];
export async function run() { kept.push(new EsmItem(kept.length)); }
JS
cat > broken.js <<'JS'
throw new Error('cannot load: config file missing');
JS
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: cjs-leak
    script: leaky.js
    drive: { call: run, times: 25 }
    snapshots: 4
    assert:
      - constructor: LeakyItem
        max_growth: 0
  - name: cjs-leak-async
    script: leaky.js
    drive: { call: runAsync, times: 30 }
    snapshots: 4
    assert:
      - constructor: LeakyItem
        max_growth: 0
  - name: esm-leak
    script: leaky.mjs
    drive: { call: run, times: 20 }
    snapshots: 4
    assert:
      - constructor: EsmItem
        max_growth: 0
  - name: idle
    script: leaky.js
    drive: { call: idle, times: 100 }
    snapshots: 6
    assert:
      - constructor: "*"
        max_growth: 0
      - constructor: "*"
        max_count: 1000000
      - total: true
        max_growth_bytes: 0
  - name: idle-async
    script: leaky.js
    drive: { call: idleAsync, times: 100 }
    snapshots: 6
    assert:
      - constructor: "*"
        max_growth: 0
      - total: true
        max_growth_bytes: 0
  - name: setup-once
    script: leaky.js
    drive: { call: checkSetup, times: 5 }
    snapshots: 3
  - name: example-handler
    script: handler.js
    drive: { call: handle, times: 50 }
    snapshots: 4
    assert:
      - constructor: ParsedRequest
        max_growth: 0
  - name: example-bounded
    script: handler.js
    drive: { call: handleBounded, times: 50 }
    snapshots: 4
    assert:
      - constructor: ParsedRequest
        max_count: 16
  - name: missing-export
    script: leaky.js
    drive: { call: runn, times: 5 }
  - name: not-a-function
    script: leaky.js
    drive: { call: notAFunction, times: 5 }
  - name: throws
    script: leaky.js
    drive: { call: throwsAt7, times: 10 }
  - name: rejects
    script: leaky.js
    drive: { call: rejects, times: 10 }
  - name: load-fails
    script: broken.js
    drive: { call: run, times: 10 }
YML

# interval_steps JUNIT TESTCASE: the differences between consecutive counts
# of the first finding of the failing testcase, warm-up snapshots included,
# up to the planned last one (confirmation snapshots follow a '|').
interval_steps() {
  local line prev="" out=""
  line=$(xpath "$1" "string(//testcase[@name=\"$2\"]/failure)" | grep 'counts:' | head -1 | sed 's/|.*//')
  for n in $(echo "$line" | sed 's/counts://; s/[()]//g'); do
    [ -n "$prev" ] && out="$out $((n - prev))"
    prev=$n
  done
  echo $out
}

run_lc --check cjs-leak --junit cjs.xml
expect_eq "cjs-leak: exit code" "$CODE" 1
expect_contains "cjs-leak: progress line" "$ERR" \
  "running 'cjs-leak' (4 snapshots, 25 calls of 'run' before each)"
expect_eq "cjs-leak: one LeakyItem per call" \
  "$(interval_steps cjs.xml 'LeakyItem: max_growth 0')" "25 25 25"
expect_contains "cjs-leak: message" \
  "$(xpath cjs.xml 'string(//testcase[1]/failure/@message)')" \
  "LeakyItem grew by +50 objects"

run_lc --check cjs-leak-async --junit async.xml
expect_eq "async export: exit code" "$CODE" 1
expect_eq "async export: each call awaited" \
  "$(interval_steps async.xml 'LeakyItem: max_growth 0')" "30 30 30"

run_lc --check esm-leak --junit esm.xml
expect_eq "esm: exit code" "$CODE" 1
expect_eq "esm: one EsmItem per call" \
  "$(interval_steps esm.xml 'EsmItem: max_growth 0')" "20 20 20"

# The agent keeps nothing per call: every row flat, the total too.
run_lc --check idle --check idle-async --junit idle.xml
expect_eq "idle export: exit code" "$CODE" 0
expect_eq "idle export: no failure" "$(xpath idle.xml 'string(/testsuites/@failures)')" 0
expect_eq "idle export: tests" "$(xpath idle.xml 'string(/testsuites/@tests)')" 5

run_lc --check setup-once --junit setup.xml
expect_eq "setup runs once: exit code" "$CODE" 0

run_lc --check example-handler --check example-bounded --junit example.xml
expect_eq "examples/handler.js: exit code" "$CODE" 1
expect_eq "examples/handler.js: handle leaks one per call" \
  "$(interval_steps example.xml 'ParsedRequest: max_growth 0')" "50 50 50"
expect_eq "examples/handler.js: handleBounded passes" \
  "$(xpath example.xml 'count(//testsuite[@name="example-bounded"]//failure)')" 0

run_lc --check missing-export --junit missing.xml
expect_eq "missing export: exit code" "$CODE" 3
expect_contains "missing export: message" "$OUT" \
  "leakcheck.yml:64:20: 'leaky.js' has no export 'runn'; its exports are: setup, run, runAsync,"
expect_contains "missing export: junit error" \
  "$(xpath missing.xml 'string(//testcase[1]/error/@message)')" "has no export 'runn'"

run_lc --check not-a-function --junit notfn.xml
expect_eq "not a function: exit code" "$CODE" 3
expect_contains "not a function: message" "$OUT" \
  "export 'notAFunction' of 'leaky.js' is an object, not a function"

run_lc --check throws --junit throws.xml
expect_eq "throws: exit code" "$CODE" 3
msg=$(xpath throws.xml 'string(//testcase[1]/error/@message)')
expect_contains "throws: which call, the error" "$msg" \
  "call 7 of 10 to 'throwsAt7' before snapshot 0 threw: TypeError: bad input on call 7"
expect_contains "throws: where" "$msg" "leaky.js:15:"
text=$(xpath throws.xml 'string(//testcase[1]/error)')
expect_contains "throws: the stack in <error>" "$text" "TypeError: bad input on call 7"
expect_contains "throws: the stack's frame in <error>" "$text" "at exports.throwsAt7 ("

run_lc --check rejects --junit rejects.xml
expect_eq "rejects: exit code" "$CODE" 3
expect_contains "rejects: message" "$(xpath rejects.xml 'string(//testcase[1]/error/@message)')" \
  "call 1 of 10 to 'rejects' before snapshot 0 threw: Error: async handler failed"

run_lc --check load-fails --junit load.xml
expect_eq "module throws on load: exit code" "$CODE" 3
expect_contains "module throws on load: message" "$(xpath load.xml 'string(//testcase[1]/error/@message)')" \
  "the module 'broken.js' threw while loading: Error: cannot load: config file missing"

no_leftovers
finish
