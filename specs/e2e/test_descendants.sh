# Processes that leave the program's process group (a detached spawn, a
# `setsid cmd &` from a shell) do not outlive the check: leakcheck is a
# child subreaper and sweeps every descendant at the end, whether the check
# passes, fails, times out or is interrupted (issue 13, C1).
. "$(dirname "$0")/lib.sh"

# Unique numbers: this test's sleeps are found by `pgrep -f 'sleep N'`.
base=$(( (RANDOM % 9000 + 1000) * 100 + 31100000 ))

# escapees.js N1 N2: a detached sleep in its own group and session, and a
# shell that puts a second one in a new session with setsid, then exits.
cat > escapees.js <<'JS'
const { spawn, exec } = require('child_process');
const [a, b, mode] = process.argv.slice(2);
spawn('sleep', [a], { detached: true, stdio: 'ignore' }).unref();
exec(`setsid sleep ${b} </dev/null >/dev/null 2>&1 &`);
const keep = [];
setInterval(() => { if (mode === 'leak') keep.push(new Array(64).fill(0)); },
            20);
JS

alive() { pgrep -f "sleep $1\$" >/dev/null; }

# variant NAME SNAPSHOTS EVERY TIMEOUT MODE EXPECTED_EXIT [int]
variant() {
  local name=$1 n1=$((base + $7)) n2=$((base + $7 + 1)) pid code i
  cat > "$name.yml" <<YML
version: 1
checks:
  - name: $name
    script: escapees.js
    args: ["$n1", "$n2", "$5"]
    timeout: $4
    drive: { every: $3 }
    snapshots: $2
    warmup: 1
    assert:
      - constructor: Array
        max_growth: 0
YML
  timeout 120 "$LEAKCHECK" -c "$name.yml" --junit "$name.xml" \
    >"$name.out" 2>"$name.err" &
  pid=$!
  if [ "${8:-}" = int ]; then
    for i in $(seq 1 100); do
      alive "$n1" && alive "$n2" && break
      sleep 0.1
    done
    kill -INT "$pid"
  fi
  wait "$pid"
  code=$?
  expect_eq "$name: exit code" "$code" "$6"
  # leakcheck has exited: nothing it started may still run.
  alive "$n1" && fail "$name: detached 'sleep $n1' survived" || ok
  alive "$n2" && fail "$name: setsid 'sleep $n2' survived" || ok
  pkill -f "sleep $n1\$"; pkill -f "sleep $n2\$"
}

# The sleeps are running while the program runs (the test tests something).
variant pass 3 300ms 60s idle 0 0
expect_contains "pass: report" "$(cat pass.out)" "pass"
variant fail 4 300ms 60s leak 1 10
variant timeout 10 5s 1500ms idle 3 20
expect_contains "timeout: message" "$(cat timeout.err)$(cat timeout.out)" \
  "timed out"
variant interrupt 3 10s 60s idle 130 30 int
expect_contains "interrupt: message" "$(cat interrupt.err)" \
  "interrupted by SIGINT"
no_leftovers
finish
