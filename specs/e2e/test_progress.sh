# Progress while snapshots are taken, on stderr.  On a terminal (a real
# pseudo-terminal made by script(1)) one live line per check, redrawn with
# CR and erase-line: snapshot k/N, the phase, the bytes so far, the time.
# In a log (not a terminal, or CI=true / GITHUB_ACTIONS=true, or
# TERM=dumb) one line per snapshot and no control sequence at all.
# NO_COLOR and --no-color drop the colour; --brief drops the progress.
. "$(dirname "$0")/lib.sh"

cat > tick.js <<'JS'
'use strict';
class Tick { constructor(n) { this.n = n; } }
const kept = [];
setInterval(() => kept.push(new Tick(kept.length)), 20);
JS
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: tick
    script: tick.js
    drive: { every: 200ms }
    snapshots: 4
    confirm: false
YML

LINE_RE='^snapshot [1-4]/4: [0-9.]+ (B|KB|MB) written in [0-9]+\.[0-9] s, read in [0-9]+\.[0-9] s$'

# ---- a log: stderr is a file -------------------------------------------
for mode in plain CI GITHUB_ACTIONS; do
  case $mode in
    plain) env -u CI -u GITHUB_ACTIONS "$LEAKCHECK" run --no-junit >out.txt 2>err.txt ;;
    CI) CI=true "$LEAKCHECK" run --no-junit >out.txt 2>err.txt ;;
    GITHUB_ACTIONS) GITHUB_ACTIONS=true "$LEAKCHECK" run --no-junit >out.txt 2>err.txt ;;
  esac
  expect_eq "$mode: exit code" "$?" 1
  expect_eq "$mode: one line per snapshot" "$(grep -cE "$LINE_RE" err.txt)" 4
  expect_eq "$mode: in order" "$(grep -oE '^snapshot [0-9]/4' err.txt | tr '\n' ' ')" \
    "snapshot 1/4 snapshot 2/4 snapshot 3/4 snapshot 4/4 "
  expect_eq "$mode: no control sequence on stderr" "$(grep -c $'[\x1b\r]' err.txt)" 0
done

# analyze reads files nobody writes: "snapshot 2/3: 4.1 MB read in 0.3 s".
mkdir heap
(cd heap && node -e '
const v8 = require("v8"); const kept = [];
for (let s = 0; s < 3; s++) { for (let i = 0; i < 5; i++) kept.push({ s }); v8.writeHeapSnapshot(); }')
CI=true "$LEAKCHECK" analyze --check tick --no-junit heap >out.txt 2>err.txt
expect_eq "analyze: lines" "$(grep -cE '^snapshot [1-3]/3: [0-9.]+ (B|KB|MB) read in [0-9]+\.[0-9] s$' err.txt)" 3

# ---- a terminal ---------------------------------------------------------
# pty ENV...: runs leakcheck under script(1) with stdout to out.txt; the
# terminal's bytes (stderr) are left in pty.txt.
pty() {
  env -u CI -u GITHUB_ACTIONS -u NO_COLOR TERM=xterm "$@" \
    script -q -e -c "$LEAKCHECK run --no-junit $PTY_ARGS >out.txt" /dev/null >pty.txt 2>&1
}

PTY_ARGS="" pty
expect_eq "tty: exit code" "$?" 1
tty=$(cat -v pty.txt)
expect_contains "tty: redrawn in place" "$tty" '^M^[[K  tick  snapshot 1/4  '
expect_contains "tty: program working" "$tty" "program working"
expect_contains "tty: V8 writing" "$tty" "V8 writing"
expect_contains "tty: leakcheck reading, with its size" "$tty" "leakcheck reading^[[0m  "
expect_contains "tty: phase dimmed" "$tty" '^[[2mV8 writing^[[0m'
expect_eq "tty: last line kept, ended" \
  "$(tr '\r' '\n' <pty.txt | grep -cE $'^\x1b\\[K  tick  4/4 snapshots taken  [0-9.]+ (KB|MB)  [0-9]+\\.[0-9] s$')" 1
expect_eq "tty: no per-snapshot log line" "$(tr '\r' '\n' <pty.txt | grep -c '^snapshot ')" 0

PTY_ARGS="" pty NO_COLOR=1
tty=$(cat -v pty.txt)
expect_contains "NO_COLOR: still redrawn" "$tty" '^M^[[K  tick  snapshot'
case "$tty" in *'^[[2m'*) fail "NO_COLOR: colour used" ;; *) ok ;; esac

PTY_ARGS="--no-color" pty
tty=$(cat -v pty.txt)
expect_contains "--no-color: still redrawn" "$tty" '^M^[[K  tick  snapshot'
case "$tty" in *'^[[2m'*) fail "--no-color: colour used" ;; *) ok ;; esac

PTY_ARGS="" pty TERM=dumb
expect_eq "TERM=dumb: no escape sequence" "$(grep -c $'\x1b' pty.txt)" 0
expect_eq "TERM=dumb: one line per snapshot" "$(tr -d '\r' <pty.txt | grep -cE "$LINE_RE")" 4
expect_eq "TERM=dumb: report without colour" "$(grep -c $'\x1b' out.txt)" 0

PTY_ARGS="" pty CI=true
expect_eq "CI=true on a terminal: no escape sequence" "$(grep -c $'\x1b' pty.txt)" 0
expect_eq "CI=true on a terminal: lines" "$(tr -d '\r' <pty.txt | grep -cE "$LINE_RE")" 4

PTY_ARGS="--brief" pty
expect_eq "--brief: no progress" "$(grep -c -e 'snapshot [0-9]' -e $'\x1b' pty.txt)" 0

no_leftovers
finish
