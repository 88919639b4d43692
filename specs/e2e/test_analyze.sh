# leakcheck analyze --check NAME FILE_OR_DIR...: a check's warmup and
# assertions applied to snapshot files that exist, ordered by when they
# were taken (the names' timestamps or sequence numbers, else the highest
# node id), with the reports and exit codes of a run.
. "$(dirname "$0")/lib.sh"

# Four real dumps with node's own names, Heap.YYYYMMDD.HHMMSS.PID.TID.SEQ:
# ten more Items in each.
mkdir heap
cat > heap/gen.js <<'JS'
'use strict';
const v8 = require('v8');
class Item { constructor(n) { this.n = n; } }
const kept = [];
for (let s = 0; s < 4; s++) {
  for (let i = 0; i < 10; i++) kept.push(new Item(kept.length));
  v8.writeHeapSnapshot();
}
JS
(cd heap && node gen.js) || fail "could not write the dumps"
rm heap/gen.js
expect_eq "node wrote four Heap.* files" "$(ls heap | grep -c '^Heap\.[0-9]\{8\}\.[0-9]\{6\}\.[0-9]*\.0\.00[1-4]\.heapsnapshot$')" 4

cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: items
    script: heap/gen.js
    warmup: 1
    assert:
      - constructor: Item
        max_growth: 0
  - name: items-counted
    script: heap/gen.js
    warmup: 1
    assert:
      - constructor: Item
        max_count: 100
  - name: handler
    script: handler.js
    drive: { call: run, times: 15 }
    snapshots: 4
    assert:
      - constructor: Piece
        max_growth: 0
  - name: handler-clean
    script: handler.js
    drive: { call: idle, times: 15 }
    snapshots: 4
    assert:
      - constructor: "*"
        max_growth: 0
YML
cat > handler.js <<'JS'
'use strict';
class Piece { constructor(n) { this.n = n; } }
const kept = [];
exports.run = () => { kept.push(new Piece(kept.length)); };
exports.idle = () => {};
JS

counts_line() {
  xpath "$1" 'string(//testcase[1]/failure)' | grep 'counts:' | head -1 | sed 's/^ *//'
}

run_lc analyze --check items heap --junit heap.xml
expect_eq "Heap.* names: exit code" "$CODE" 1
expect_contains "Heap.* names: order" "$ERR" \
  "analyzing 'items' (4 files, ordered by the timestamps in their names)"
expect_eq "Heap.* names: counts in order" "$(counts_line heap.xml)" "counts: (10) 20 30 40"
expect_eq "Heap.* names: junit well-formed" "$(xmllint --noout heap.xml 2>&1)" ""
expect_eq "Heap.* names: the files are left alone" "$(ls heap | wc -l)" 4

run_lc analyze --check items-counted heap/*.heapsnapshot --junit counted.xml
expect_eq "files named one by one: exit code" "$CODE" 0
expect_eq "files named one by one: passes" "$(xpath counted.xml 'string(/testsuites/@failures)')" 0

# heapdump-A.B (A = ms of a monotonic clock): numeric order, which is not
# the order of the names as text.
mkdir hd
i=0
for f in heap/*.heapsnapshot; do
  case $i in 0) n=heapdump-998.999000 ;; 1) n=heapdump-999.5 ;; 2) n=heapdump-999.40 ;; 3) n=heapdump-1000.1 ;; esac
  cp "$f" "hd/$n.heapsnapshot"
  i=$((i + 1))
done
run_lc analyze --check items hd --junit hd.xml
expect_eq "heapdump names: exit code" "$CODE" 1
expect_contains "heapdump names: order" "$ERR" "ordered by the clock readings in their names"
expect_eq "heapdump names: counts in order" "$(counts_line hd.xml)" "counts: (10) 20 30 40"

# Other names: by the highest node id in each file.
mkdir named
i=0
for f in heap/*.heapsnapshot; do
  case $i in 0) n=zebra ;; 1) n=apple ;; 2) n=mango ;; 3) n=banana ;; esac
  cp "$f" "named/$n.heapsnapshot"
  i=$((i + 1))
done
run_lc analyze --check items named --junit named.xml
expect_eq "other names: exit code" "$CODE" 1
expect_contains "other names: order" "$ERR" "ordered by their highest node ids"
expect_eq "other names: counts in order" "$(counts_line named.xml)" "counts: (10) 20 30 40"

# What `run --keep-snapshots` keeps (<check>/<run-id>/1.heapsnapshot ...)
# gives the same
# verdict and the same counts as the run.
run_lc --check handler --keep-snapshots=always --snapshot-dir kept --junit run.xml
expect_eq "run: exit code" "$CODE" 1
run_lc analyze --check handler kept/handler/* --junit again.xml
expect_eq "kept snapshots: exit code" "$CODE" 1
expect_contains "kept snapshots: order" "$ERR" "ordered by the numbers in their names"
# The run confirmed the leak over its whole budget of 6 more snapshots
# (of 30, 60, 120, 240, 240 and 240 calls: lc_confirm_scale, the last
# length repeated), kept as 5-10; analyze has no program to ask and
# judges all 10 files as one window.
expect_eq "run: counts, then the confirmation" "$(counts_line run.xml)" "counts: (15) 30 45 60 | 90 150 270 510 750 990"
expect_eq "kept snapshots: counts as in the run" "$(counts_line again.xml)" "$(counts_line run.xml | tr -d '|' | tr -s ' ')"
expect_eq "kept snapshots: 15 per call" "$(counts_line again.xml)" "counts: (15) 30 45 60 90 150 270 510 750 990"
run_lc --check handler-clean --keep-snapshots=always --snapshot-dir kept --junit run2.xml
run_lc analyze -c leakcheck.yml --check handler-clean kept/handler-clean/* --junit clean.xml
expect_eq "clean snapshots: exit code" "$CODE" 0

# Mistakes: exit 2, nothing analysed.
run_lc analyze heap
expect_eq "no --check: exit code" "$CODE" 2
expect_contains "no --check: message" "$ERR" "'analyze' expects one --check NAME and snapshot files or directories"
run_lc analyze --check items
expect_eq "no files: exit code" "$CODE" 2
run_lc analyze --check nosuch heap
expect_eq "unknown check: exit code" "$CODE" 2
expect_contains "unknown check: message" "$ERR" "no check named 'nosuch'"
run_lc analyze --check items heap/nothere.heapsnapshot
expect_eq "missing file: exit code" "$CODE" 2
expect_contains "missing file: message" "$ERR" "heap/nothere.heapsnapshot: cannot read snapshot: No such file or directory"
mkdir empty
run_lc analyze --check items empty
expect_eq "empty directory: exit code" "$CODE" 2
expect_contains "empty directory: message" "$ERR" "empty: no *.heapsnapshot files in this directory"
run_lc analyze --check items "$(ls -d heap/*.heapsnapshot | head -1)"
expect_eq "too few files: exit code" "$CODE" 2
expect_contains "too few files: message" "$ERR" \
  "check 'items' needs at least 3 snapshot files (warmup 1, then 2 measured); got 1"

no_leftovers
finish
