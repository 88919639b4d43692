# Ctrl-C during a check: leakcheck stops the program (and what it
# started), removes its temp dir, writes no JUnit file claiming anything,
# and exits 130.
. "$(dirname "$0")/lib.sh"

marker="lc-grandchild-$(basename "$WORK")"
cat > busy.js <<JS
const { spawn } = require('child_process');
// A grandchild that would outlive a careless harness.
spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '$marker'],
      { stdio: 'ignore' });
setInterval(() => {}, 1000);
JS
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: busy
    script: busy.js
    drive: { every: 10s }
    snapshots: 3
YML

timeout 60 "$LEAKCHECK" --junit junit.xml >out.txt 2>err.txt &
pid=$!
# Wait until the program (and its grandchild) run, bounded.
for _ in $(seq 1 100); do
  pgrep -f "$marker" >/dev/null && break
  sleep 0.1
done
expect_eq "grandchild started" "$(pgrep -fc "$marker")" 1
sleep 0.5
kill -INT "$pid"
wait "$pid"
expect_eq "exit code after SIGINT" "$?" 130
expect_contains "message" "$(cat err.txt)" "interrupted by SIGINT"
[ ! -e junit.xml ] && ok || fail "a JUnit file was written after an interrupt"
# The grandchild was in the program's process group: it is gone too.
for _ in $(seq 1 50); do
  pgrep -f "$marker" >/dev/null || break
  sleep 0.1
done
expect_eq "grandchild left behind" "$(pgrep -f "$marker" | head -1)" ""
no_leftovers
finish
