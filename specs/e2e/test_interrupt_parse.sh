# Ctrl-C while leakcheck parses the last snapshot (no program left to
# wait for): exit 130, no report, no JUnit, for `run` and for `analyze`
# (issue 13, F1).  LEAKCHECK_TRACE=1 prints "snapshot K: parse begun" just
# before the parse of snapshot K; the signal is sent when that line shows.
. "$(dirname "$0")/lib.sh"

cat > big.js <<'JS'
// About 20 MB of snapshot: the parse takes a while under the sanitizers.
globalThis.keep = [];
for (let i = 0; i < 60000; i++) keep.push({ i, s: 'x' + i, a: [i] });
setInterval(() => {}, 1000);
JS
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: big
    script: big.js
    drive: { every: 100ms }
    snapshots: 3
    warmup: 1
YML

# interrupt_at MARKER NAME ARGS...: runs leakcheck with ARGS, sends SIGINT
# as soon as MARKER shows on its stderr; sets CODE.
interrupt_at() {
  local marker=$1 name=$2 pid i
  shift 2
  rm -f "$name.err"
  LEAKCHECK_TRACE=1 timeout 120 "$LEAKCHECK" "$@" >"$name.out" \
    2>"$name.err" &
  pid=$!
  for i in $(seq 1 1200); do
    grep -q "$marker" "$name.err" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -INT "$pid" 2>/dev/null
  wait "$pid"
  CODE=$?
}

# Snapshots to analyze later, kept by a plain run.
run_lc --no-junit --keep-snapshots=always --snapshot-dir kept
expect_eq "kept run: exit code" "$CODE" 0
files=$(ls kept/big/*/*.heapsnapshot | sort -V | tr '\n' ' ')

interrupt_at "snapshot 3: parse begun" run run --junit run.xml
expect_eq "run: exit code" "$CODE" 130
expect_contains "run: message" "$(cat run.err)" "interrupted by SIGINT"
expect_eq "run: no report" "$(grep -c 'PASS\|FAIL' run.out)" 0
[ ! -e run.xml ] && ok || fail "run: a JUnit file was written after SIGINT"

# shellcheck disable=SC2086
interrupt_at "snapshot 3: parse begun" analyze analyze --check big \
  --junit analyze.xml $files
expect_eq "analyze: exit code" "$CODE" 130
expect_contains "analyze: message" "$(cat analyze.err)" \
  "leakcheck: interrupted by SIGINT"
[ ! -e analyze.xml ] && ok || fail "analyze: a JUnit file was written"

# The first snapshot's parse too (the program still runs then).
interrupt_at "snapshot 1: parse begun" first run --junit first.xml
expect_eq "first parse: exit code" "$CODE" 130
[ ! -e first.xml ] && ok || fail "first parse: a JUnit file was written"
no_leftovers
finish
