# Hostile and careless input (issue 13, A1-A3, B1-B5, D2, D3, B2, C2):
# every one ends in a clear error and its exit code, promptly; nothing
# blocks, crashes or prints what drives a terminal.
. "$(dirname "$0")/lib.sh"

GEN="$SRC/specs/e2e/gen/crafted-heap.js"
crafted() { node "$GEN" "$@" || fail "could not write $1"; }

cat > ok.js <<'JS'
setInterval(() => {}, 1000);
JS
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: c
    script: ok.js
    snapshots: 3
    warmup: 0
  - name: any
    script: ok.js
    snapshots: 3
    warmup: 0
    assert:
      - constructor: "*"
        max_growth: 0
YML

# ---- A1: a FIFO (or any non-regular file) as the config -----------------
mkfifo fifo.yml
run_lc run -c fifo.yml
expect_eq "A1 FIFO config: exit code" "$CODE" 2
expect_contains "A1 FIFO config: message" "$ERR" \
  "fifo.yml: configuration is a FIFO; expected a regular file"
run_lc run -c .
expect_contains "A1 directory config" "$ERR" "configuration is a directory"
# A symbolic link the user names is followed (documented).
ln -s leakcheck.yml link.yml
run_lc run -c link.yml --check nosuch
expect_contains "A1 symlinked config is read" "$ERR" "no check named 'nosuch'"

# ---- A2: a size limit of 1 MiB, checked before and while reading --------
run_lc run -c /dev/zero
expect_eq "A2 /dev/zero: exit code" "$CODE" 2
expect_contains "A2 /dev/zero: message" "$ERR" "configuration is a character device"
run_lc run -c /dev/urandom
expect_eq "A2 /dev/urandom: exit code" "$CODE" 2
{ echo 'version: 1'; head -c 1048576 /dev/zero | tr '\0' '#'; } > big.yml
run_lc run -c big.yml
expect_eq "A2 1 MiB + 11 bytes: exit code" "$CODE" 2
expect_contains "A2 big: message" "$ERR" \
  "big.yml: configuration is 1048587 bytes; expected at most 1048576 (1 MiB)"
# Just within the limit: read, and judged as YAML.
{ echo 'version: 1'; head -c 1000000 /dev/zero | tr '\0' '#'; } > edge.yml
run_lc run -c edge.yml
expect_eq "A2 1 MB config of comments: exit code" "$CODE" 2
expect_contains "A2 1 MB config: read" "$ERR" "edge.yml:1:1: missing 'checks'"

# ---- A3: quoted values are cut -------------------------------------------
{ printf 'version: 1\nchecks:\n  - name: long\n    script: '; head -c 900000 /dev/zero | tr '\0' 'x'; printf '.js\n'; } > long.yml
run_lc run -c long.yml
expect_eq "A3 900 KB script value: exit code" "$CODE" 2
expect_contains "A3 cut with an ellipsis" "$ERR" "script 'xxxxxxxxxx"
expect_contains "A3 ellipsis" "$ERR" "...'"
[ "${#ERR}" -lt 600 ] && ok || fail "A3: the message is ${#ERR} bytes long"

# ---- B1: a FIFO snapshot hangs nothing -----------------------------------
mkfifo fifo.heapsnapshot
crafted good.heapsnapshot '{"objects":[["Good",2,10]]}'
run_lc summary fifo.heapsnapshot
expect_eq "B1 summary FIFO: exit code" "$CODE" 2
expect_contains "B1 summary FIFO: message" "$ERR" "fifo.heapsnapshot: not a regular file"
run_lc diff good.heapsnapshot fifo.heapsnapshot
expect_eq "B1 diff FIFO: exit code" "$CODE" 2
run_lc analyze --check c good.heapsnapshot fifo.heapsnapshot good.heapsnapshot
expect_eq "B1 analyze FIFO: exit code" "$CODE" 2
expect_contains "B1 analyze FIFO: message" "$ERR" "fifo.heapsnapshot: not a regular file"

# ---- B3: counts checked against the file before allocating ---------------
head_of() {
  printf '{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","detachedness"],"node_types":[["hidden","object","synthetic"],"string","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["element","property"],"string_or_number","node"]},"node_count":%s,"edge_count":%s},\n"nodes":[' "$1" "$2"
}
head_of 4294967290 0 > sparse1.heapsnapshot
truncate -s 50000000000 sparse1.heapsnapshot
start=$SECONDS
run_lc summary sparse1.heapsnapshot
expect_eq "B3 4294967290 nodes in 50 GB: exit code" "$CODE" 2
expect_contains "B3 4294967290 nodes: message" "$ERR" \
  "sparse1.heapsnapshot: byte 50000000000: the header promises 4294967290 nodes and 0 edges, which need at least 51539607821 bytes, but the file has 50000000000"
rm -f sparse1.heapsnapshot
head_of 4294967290 0 > sparse2.heapsnapshot
truncate -s 60G sparse2.heapsnapshot
run_lc summary sparse2.heapsnapshot
expect_eq "B3 4294967290 nodes in 60 GiB: exit code" "$CODE" 2
expect_contains "B3 60 GiB: message" "$ERR" "sparse2.heapsnapshot: byte "
rm -f sparse2.heapsnapshot
head_of 1000000000 0 > sparse3.heapsnapshot
truncate -s 60G sparse3.heapsnapshot
run_lc summary sparse3.heapsnapshot
expect_eq "B3 1e9 nodes in 60 GiB: exit code" "$CODE" 2
expect_contains "B3 1e9 nodes: message" "$ERR" \
  "sparse3.heapsnapshot: byte 64424509439: the file does not end with '}'"
rm -f sparse3.heapsnapshot
[ $((SECONDS - start)) -lt 20 ] && ok || fail "B3: took $((SECONDS - start)) s"

# ---- B4: analyze with snapshots of 0, 1 and 2 nodes ----------------------
crafted n0.heapsnapshot '{"objects":[],"empty":true}'
crafted n1.heapsnapshot '{"objects":[]}'
crafted n2.heapsnapshot '{"objects":[["A",1,8]]}'
run_lc analyze --check c n0.heapsnapshot n1.heapsnapshot n2.heapsnapshot
case "$CODE" in 0 | 1) ok ;; *) fail "B4 0/1/2 nodes: exit code $CODE: $ERR" ;; esac
expect_eq "B4: no sanitizer report" "$(printf '%s' "$ERR" | grep -c 'runtime error')" 0
# In this order (by the numbers in the names) the first snapshot has a big
# object that the later, empty ones are searched for: the UBSan report.
mkdir ord
crafted ord/1.heapsnapshot '{"objects":[["Big",1,200000]]}'
cp n0.heapsnapshot ord/2.heapsnapshot
cp n1.heapsnapshot ord/3.heapsnapshot
run_lc analyze --check c ord
expect_eq "B4 big, 0, 1 nodes: exit code" "$CODE" 0
expect_contains "B4 big, 0, 1 nodes: order" "$ERR" "ordered by the numbers in their names"
expect_eq "B4 big, 0, 1 nodes: no sanitizer report" "$(printf '%s' "$ERR" | grep -c 'runtime error')" 0

# ---- B5: self sizes are bounded ------------------------------------------
crafted huge.heapsnapshot '{"objects":[["Huge",1,9223372036854775808]]}'
run_lc summary huge.heapsnapshot
expect_eq "B5 self_size 2^63: exit code" "$CODE" 2
expect_contains "B5 self_size 2^63: message" "$ERR" \
  "makes the heap larger than 2^53 bytes"
crafted sum.heapsnapshot '{"objects":[["Half",3,4503599627370496]]}'
run_lc summary sum.heapsnapshot
expect_eq "B5 sizes adding up past 2^53: exit code" "$CODE" 2

# ---- D2: summary and diff clean class names ------------------------------
bad='["Bad\u001b]0;pwned\u0007\r\nX\u001b[2J",1,20]'
c1='["C1\u009b2J\u009d0;t",1,5]'
inv='["Inv\\xff\\xc3(",1,7]'
crafted d1.heapsnapshot "{\"objects\":[[\"Good\",2,10],$bad,$c1,$inv]}"
crafted d2.heapsnapshot "{\"objects\":[[\"Good\",2,10],$bad,$bad,$c1,$inv]}"
"$LEAKCHECK" summary d1.heapsnapshot > d2.out 2>&1
expect_eq "D2 summary: exit code" "$?" 0
"$LEAKCHECK" diff d1.heapsnapshot d2.heapsnapshot > d2d.out 2>&1
expect_eq "D2 diff: exit code" "$?" 0
for f in d2.out d2d.out; do
  expect_eq "D2 $f: no ESC, BEL or CR" "$(tr -d -c '\033\007\r' < $f | wc -c)" 0
  expect_eq "D2 $f: no C1 control" "$(grep -c $'\xc2[\x80-\x9f]' $f)" 0
  iconv -f UTF-8 -t UTF-8 $f >/dev/null 2>&1 && ok || fail "D2 $f: not valid UTF-8"
done
expect_contains "D2 summary: the row" "$(cat d2.out)" "Bad?]0;pwned???X"
expect_contains "D2 summary: C1 shown as ?" "$(cat d2.out)" "C1?2J?0;t"
expect_contains "D2 summary: U+FFFD" "$(cat d2.out)" $'Inv\xef\xbf\xbd\xef\xbf\xbd('
expect_eq "D2 summary: one line per row" "$(wc -l < d2.out)" 7
expect_contains "D2 diff: the row" "$(cat d2d.out)" "Bad?]0;pwned???X"

# ---- D3: the run report, annotations and step summary --------------------
crafted g1.heapsnapshot "{\"objects\":[$c1,$inv]}"
crafted g2.heapsnapshot "{\"objects\":[[\"C1\u009b2J\u009d0;t\",5,5],[\"Inv\\\\xff\\\\xc3(\",5,7]]}"
crafted g3.heapsnapshot "{\"objects\":[[\"C1\u009b2J\u009d0;t\",9,5],[\"Inv\\\\xff\\\\xc3(\",9,7]]}"
mkdir -p repo
GITHUB_ACTIONS=true GITHUB_WORKSPACE="$WORK/repo" GITHUB_STEP_SUMMARY="$WORK/step.md" \
  timeout 120 "$LEAKCHECK" analyze --check any g1.heapsnapshot g2.heapsnapshot \
  g3.heapsnapshot --junit d3.xml > d3.out 2> d3.err
expect_eq "D3 analyze: exit code (a leak)" "$?" 1
for f in d3.out d3.err step.md; do
  expect_eq "D3 $f: no C1 control" "$(grep -c $'\xc2[\x80-\x9f]' $f)" 0
  iconv -f UTF-8 -t UTF-8 $f >/dev/null 2>&1 && ok || fail "D3 $f: not valid UTF-8"
done
expect_contains "D3 report names the class" "$(cat d3.out)" "C1?2J?0;t"
expect_contains "D3 step summary names the class" "$(cat step.md)" "C1?2J?0;t"
expect_contains "D3 ill-formed UTF-8 replaced" "$(cat d3.out)" $'Inv\xef\xbf\xbd\xef\xbf\xbd('
expect_eq "D3 junit well-formed" "$(xmllint --noout d3.xml 2>&1)" ""

# ---- B2: a snapshot cut while `summary` reads it -------------------------
cat > big.js <<'JS'
'use strict';
const kept = [];
for (let i = 0; i < 400000; i++) kept.push({ i, s: 'k' + i });
require('v8').writeHeapSnapshot(process.argv[2]);
JS
node big.js big.heapsnapshot || fail "could not write big.heapsnapshot"
seen=0
# The cut races the read: on a fast machine the read may be over first
# (exit 0, a whole summary).  Whatever the timing, never a signal; the cut
# comes earlier at each attempt until one lands during the read.  (The
# unit test check_snapshot cut_while_mapped cuts at fixed points.)
for delay in 0.3 0.15 0.08 0.04 0.02 0.01 0.005; do
  attempt=$delay
  cp big.heapsnapshot cut.heapsnapshot
  timeout 120 "$LEAKCHECK" summary cut.heapsnapshot > cut.out 2> cut.err &
  pid=$!
  sleep "$delay"
  truncate -s 1000000 cut.heapsnapshot
  wait $pid
  code=$?
  case "$code" in
    0 | 2) ok ;;
    *) fail "B2 cut after ${delay}s: exit code $code (expected 2, or 0 when the read ended first)" ;;
  esac
  if grep -q "cut.heapsnapshot: byte [0-9]*: snapshot changed while being read" cut.err; then
    seen=1
    break
  fi
done
expect_eq "B2: 'snapshot changed while being read' seen" "$seen" 1

# ---- C2: the program cuts its own snapshot while leakcheck reads it ------
cat > cutter.js <<'JS'
'use strict';
// Wraps v8.writeHeapSnapshot (which leakcheck's agent calls) and cuts each
// file 30 ms after it is written, from a child process.
const v8 = require('v8');
const { spawn } = require('child_process');
const kept = [];
for (let i = 0; i < 400000; i++) kept.push({ i, s: 'k' + i });
const write = v8.writeHeapSnapshot;
v8.writeHeapSnapshot = function (file) {
  const r = write.apply(this, arguments);
  spawn('sh', ['-c', 'sleep 0.03; truncate -s 1000000 "$1"', 'sh', file],
        { stdio: 'ignore' });
  return r;
};
setInterval(() => {}, 1000);
JS
cat > cutter.yml <<'YML'
version: 1
checks:
  - name: cutter
    script: cutter.js
    snapshots: 3
YML
seen=0
for attempt in 1 2 3; do
  run_lc run -c cutter.yml --junit cutter.xml
  expect_eq "C2 attempt $attempt: exit code 3" "$CODE" 3
  expect_eq "C2 attempt $attempt: junit <error>" \
    "$(xpath cutter.xml 'count(//testcase/error)')" 1
  case "$OUT$ERR" in *"snapshot changed while being read"*) seen=1; break ;; esac
done
expect_eq "C2: 'snapshot changed while being read' seen" "$seen" 1
sleep 0.2
no_leftovers
finish
