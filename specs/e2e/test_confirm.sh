# Confirmation: a suspect window gets more snapshots before the verdict.
# A cache that fills during the window and then stays at its bound passes
# with a note; a leak goes on and fails; `confirm: false` judges the window
# alone; a clean window takes no extra snapshot.  A program that dies
# because a snapshot paused it is reported with the longest pause.
. "$(dirname "$0")/lib.sh"

cat > cache.js <<'JS'
'use strict';
// A bounded cache: 100 entries at most, one per call; it fills during the
// measured window (20 calls per interval) and then replaces its oldest.
class Entry { constructor(i) { this.i = i; this.body = 'v' + i; } }
const cache = new Map();
let n = 0;
exports.handle = () => {
  n++;
  cache.set(n, new Entry(n));
  if (cache.size > 100) cache.delete(cache.keys().next().value);
};
// The same without a bound: a leak.
const kept = [];
exports.leak = () => { kept.push(new Entry(++n)); };
exports.idle = () => {};
JS
cat > watchdog.js <<'JS'
'use strict';
// A heap large enough that writing a snapshot takes a while, and a watchdog
// that gives up when the event loop stood still for more than 50ms, as a
// client with a socket timeout would.
const keep = [];
for (let i = 0; i < 300000; i++) keep.push({ i, s: 'x' + i });
let last = Date.now();
setInterval(() => {
  const now = Date.now();
  if (now - last > 50) {
    console.error('watchdog: event loop blocked for ' + (now - last) + 'ms');
    process.exit(7);
  }
  last = now;
}, 5);
JS
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: bounded-cache
    script: cache.js
    drive: { call: handle, times: 20 }
    snapshots: 5
  - name: bounded-cache-unconfirmed
    script: cache.js
    drive: { call: handle, times: 20 }
    snapshots: 5
    confirm: false
  - name: leak
    script: cache.js
    drive: { call: leak, times: 20 }
    snapshots: 5
    confirm: { snapshots: 5, timeout: 30s }
  - name: clean
    script: cache.js
    drive: { call: idle, times: 20 }
    snapshots: 5
  - name: watchdog
    script: watchdog.js
    drive: { every: 100ms }
YML

prop() { xpath "$1" "string(//property[@name=\"confirmation_snapshots\"]/@value)"; }

# Entry counts 20 40 60 80 100 in the window, then 100: the entries of
# the window were evicted by the end, so Entry is no suspect.  The cache's
# Map grows its table in steps: while filling, then once more after it is
# full (deleted entries count until a rehash), then never again; it stays
# a suspect until flat for 3 units in both measures of the program's time
# (the confirmation intervals run 40, 80, 160, 320 calls, but the calls
# are quick: in run time they are little longer than the window's), so it
# settles after 2 to 6 confirmation snapshots, the budget (5 on a loaded
# machine).
run_lc --check bounded-cache --junit cache.xml
expect_eq "cache: passes" "$CODE" 0
extra=$(prop cache.xml)
case "$extra" in
2 | 3 | 4 | 5 | 6) ok ;;
*) fail "cache: settled after '$extra' confirmation snapshots, not 2 to 6" ;;
esac
expect_contains "cache: progress" "$OUT" "(5 snapshots + $extra to confirm, warmup 1,"
expect_contains "cache: note in the terminal" "$OUT" "        note: Map @"
expect_contains "cache: what the note says" "$OUT" \
  ": grew +1.8 KB, then +3.5 KB over $extra more snapshots"
expect_contains "cache: message" "$OUT" "1 suspect stopped growing in the confirmation"
expect_contains "cache: note in the JUnit testcase" \
  "$(xpath cache.xml 'string(//testcase[1]/system-out)')" ": grew +1.8 KB, then +3.5 KB over $extra more snapshots"
expect_eq "cache: no failure" "$(xpath cache.xml 'count(//failure)')" 0

# Without confirmation the window alone says steady growth.
run_lc --check bounded-cache-unconfirmed --junit unconfirmed.xml
expect_eq "unconfirmed: fails" "$CODE" 1
expect_eq "unconfirmed: no confirmation" "$(prop unconfirmed.xml)" ""
expect_contains "unconfirmed: Entry rising" \
  "$(xpath unconfirmed.xml 'string(//testcase[1]/failure/@message)')" "Entry grew by +60 objects"

# The leak rises in each of 5 confirmation intervals (of 40, 80, 160, 320
# and, the last snapshot of the budget, a repeat of 320 calls): it grew
# as much again over the repeated length, so it is a leak.
run_lc --check leak --junit leak.xml
expect_eq "leak: fails" "$CODE" 1
expect_eq "leak: 5 confirmation snapshots" "$(prop leak.xml)" 5
expect_eq "leak: the last length repeated" \
  "$(xpath leak.xml 'string(//property[@name="confirmation_intervals"]/@value)')" "2 4 8 16 16"
expect_contains "leak: the finding says it" \
  "$(xpath leak.xml 'string(//testcase[1]/failure)')" "still growing over 5 confirmation snapshots"
expect_contains "leak: counts with the confirmation" \
  "$(xpath leak.xml 'string(//testcase[1]/failure)')" "counts: (20) 40 60 80 100 | 140 220 380 700 1020"
expect_eq "leak: progress lines, planned then confirmation" \
  "$(grep -oE '^(snapshot|confirmation) [0-9]+/[0-9]+' <<<"$ERR" | tr '\n' ' ')" \
  "snapshot 1/5 snapshot 2/5 snapshot 3/5 snapshot 4/5 snapshot 5/5 confirmation 1/5 confirmation 2/5 confirmation 3/5 confirmation 4/5 confirmation 5/5 "

# A clean window costs nothing.
run_lc --check clean --junit clean.xml
expect_eq "clean: passes" "$CODE" 0
expect_eq "clean: no confirmation" "$(prop clean.xml)" ""
expect_contains "clean: 5 snapshots" "$OUT" "(5 snapshots, warmup 1,"

# The pause is named as a possible cause.
run_lc --check watchdog --junit watchdog.xml
expect_eq "watchdog: broke" "$CODE" 3
msg=$(xpath watchdog.xml 'string(//testcase[1]/error/@message)')
expect_contains "watchdog: exit status" "$msg" "the program exited with status 7 after"
expect_contains "watchdog: the pause" "$msg" "each snapshot pauses the program (the longest pause was "
expect_contains "watchdog: the cause" "$msg" "which may be the cause"
expect_contains "watchdog: its stderr" "$(xpath watchdog.xml 'string(//testcase[1]/error)')" "watchdog: event loop blocked"

no_leftovers
finish
