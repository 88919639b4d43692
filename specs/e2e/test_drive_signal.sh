# drive: { signal: SIGUSR2, every: DURATION }: programs that take their own
# heap dumps.  leakcheck sends the signal, recognises the new file by name
# (Heap.*.heapsnapshot from node --heapsnapshot-signal, in the diagnostic
# dir; heapdump-*.heapsnapshot from the heapdump module, in the cwd), takes
# it once it is closed after writing (inotify), and measures it; nothing
# is left behind in the cwd.  Faults: a dump that never comes (exit 3
# within the check's timeout), a program without a handler (exit 3 with a
# hint), a signal that differs from node_args (exit 2).
#
# heapdump.js uses the real heapdump module (0.3.15, built for Node 20 by
# ci/setup.sh --tests), which on SIGUSR2 writes heapdump-<A>.<B>
# .heapsnapshot into its cwd: the classic `kill -USR2` workflow.  Without
# that build (outside CI) a stand-in writes the same file the same way
# with v8.writeHeapSnapshot.
. "$(dirname "$0")/lib.sh"

cp "$SRC/examples/dumps.js" .
cat > clean.js <<'JS'
'use strict';
const { EventEmitter } = require('events');
class Subscription { constructor(id) { this.id = id; } }
const bus = new EventEmitter();
let next = 0;
setInterval(() => {
  const sub = new Subscription(next++);
  const fn = () => sub.id;
  bus.on('message', fn);
  bus.emit('message');
  bus.off('message', fn);
}, 10);
JS
if heapdump_setup; then
  real_heapdump=1
  cat > heapdump.js <<JS
'use strict';
const heapdump = require('$HEAPDUMP');
require('fs').writeFileSync('module-loaded',
                            process.version + ' ' + typeof heapdump.writeSnapshot);
JS
  heapdump_node="    node: $HEAPDUMP_NODE"
else
  real_heapdump=0
  cat > heapdump.js <<'JS'
'use strict';
const v8 = require('v8');
process.on('SIGUSR2', () => {
  const t = process.hrtime.bigint();
  v8.writeHeapSnapshot(`heapdump-${t / 1000000n}.${t % 1000000n}.heapsnapshot`);
});
JS
  heapdump_node=""
fi
cat >> heapdump.js <<'JS'
class Entry { constructor(n) { this.n = n; } }
const entries = [];
setInterval(() => entries.push(new Entry(entries.length)), 10);
JS
cat > deaf.js <<'JS'
process.on('SIGUSR2', () => {});
setInterval(() => {}, 1000);
JS
cat > plain.js <<'JS'
setInterval(() => {}, 1000);
JS
mkdir dumps-here

cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: node-signal-leak
    script: dumps.js
    node_args: ["--heapsnapshot-signal=SIGUSR2"]
    drive: { signal: SIGUSR2, every: 200ms }
    snapshots: 4
    assert:
      - constructor: Subscription
        max_growth: 0
  - name: node-signal-clean
    script: clean.js
    node_args: ["--heapsnapshot-signal=SIGUSR2"]
    drive: { signal: SIGUSR2, every: 200ms }
    snapshots: 5
  - name: own-diagnostic-dir
    script: dumps.js
    node_args: ["--heapsnapshot-signal=SIGUSR2", "--diagnostic-dir=dumps-here"]
    drive: { signal: SIGUSR2, every: 200ms }
    snapshots: 3
    assert:
      - constructor: Subscription
        max_growth: 0
  - name: heapdump-module
    script: heapdump.js
HEAPDUMP_NODE_LINE
    drive: { signal: SIGUSR2, every: 200ms }
    snapshots: 4
    assert:
      - constructor: Entry
        max_growth: 0
  - name: never-dumps
    script: deaf.js
    timeout: 2s
    drive: { signal: SIGUSR2, every: 100ms }
  - name: no-handler
    script: plain.js
    drive: { signal: SIGUSR2, every: 100ms }
YML
# The real module is built for one Node: that one runs it.
if [ -n "$heapdump_node" ]; then
  sed -i "s|^HEAPDUMP_NODE_LINE\$|$heapdump_node|" leakcheck.yml
else
  sed -i '/^HEAPDUMP_NODE_LINE$/d' leakcheck.yml
fi

dumps_left() {
  find "$WORK" -name '*.heapsnapshot' | head -5
}

run_lc --check node-signal-leak --junit leak.xml
expect_eq "node signal: exit code" "$CODE" 1
expect_contains "node signal: progress line" "$ERR" \
  "running 'node-signal-leak' (4 snapshots by SIGUSR2, every 200ms)"
expect_contains "node signal: the leak" \
  "$(xpath leak.xml 'string(//testcase[1]/failure/@message)')" "Subscription grew by +"
expect_eq "node signal: 4 snapshots measured" \
  "$(xpath leak.xml 'string(//testcase[1]/failure)' | grep -c 'counts: ([0-9]*) [0-9]* [0-9]* [0-9]*\( |.*\)\?$')" 1
expect_eq "node signal: no dump left behind" "$(dumps_left)" ""

run_lc --check node-signal-clean --junit clean.xml
expect_eq "clean: exit code" "$CODE" 0
expect_eq "clean: no dump left behind" "$(dumps_left)" ""

run_lc --check own-diagnostic-dir --junit own.xml
expect_eq "--diagnostic-dir: exit code" "$CODE" 1
expect_eq "--diagnostic-dir: dumps taken from there" "$(ls dumps-here)" ""

run_lc --check heapdump-module --junit heapdump.xml
expect_eq "heapdump: exit code" "$CODE" 1
expect_contains "heapdump: the leak" \
  "$(xpath heapdump.xml 'string(//testcase[1]/failure/@message)')" "Entry grew by +"
expect_eq "heapdump: dumps moved out of the cwd" "$(ls heapdump-* 2>/dev/null)" ""
if [ "$real_heapdump" = 1 ]; then
  expect_eq "heapdump: the real module ran, in its Node" \
    "$(cat module-loaded 2>/dev/null)" "$("$HEAPDUMP_NODE" --version) function"
fi

started=$(date +%s)
run_lc --check never-dumps --junit never.xml
expect_eq "never dumps: exit code" "$CODE" 3
msg=$(xpath never.xml 'string(//testcase[1]/error/@message)')
expect_contains "never dumps: message" "$msg" \
  "timed out after 2s with 0 of 5 snapshots taken; no dump appeared after SIGUSR2 (snapshot 0): watched '$WORK' for Heap.*.heapsnapshot and heapdump-*.heapsnapshot"
expect_eq "never dumps: within the timeout" "$(( $(date +%s) - started < 8 ))" 1

run_lc --check no-handler --junit nohandler.xml
expect_eq "no handler: exit code" "$CODE" 3
expect_contains "no handler: hint" "$(xpath nohandler.xml 'string(//testcase[1]/error/@message)')" \
  "the program was killed by signal SIGUSR2 (12) after 0 of 5 snapshots; it does not handle SIGUSR2: run node with --heapsnapshot-signal=SIGUSR2 (node_args), or use the heapdump module"

cat > mismatch.yml <<'YML'
version: 1
checks:
  - name: mismatch
    script: dumps.js
    node_args: ["--heapsnapshot-signal=SIGUSR1"]
    drive: { signal: SIGUSR2 }
YML
run_lc -c mismatch.yml
expect_eq "signal differs from node_args: exit code" "$CODE" 2
expect_contains "signal differs from node_args: message" "$ERR" \
  "mismatch.yml:6:22: drive 'signal' is SIGUSR2 but node_args has '--heapsnapshot-signal=SIGUSR1'; expected the same signal"

no_leftovers
finish
