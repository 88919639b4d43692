# Two runs in one directory at once (issue 13, G1): each keeps its
# snapshots in a directory of its own, a passing run's clean-up never
# touches a failing run's evidence, and a second run that would write the
# same JUnit file while the first holds it is refused (exit 2) and leaves
# the first's work alone.
. "$(dirname "$0")/lib.sh"

cp "$SRC/examples/leaks.js" "$SRC/examples/clean.js" .
# One check name, two programs: one leaks, one does not.
for which in leaks clean; do
  cat > "$which.yml" <<YML
version: 1
checks:
  - name: twin
    script: $which.js
    drive: { every: 300ms }
    snapshots: 4
    warmup: 1
    confirm: false
    assert:
      - constructor: Function
        max_growth: 0
YML
done

timeout 120 "$LEAKCHECK" -c leaks.yml --junit leaks.xml \
  --keep-snapshots=failed --snapshot-dir snaps >leaks.out 2>leaks.err &
a=$!
timeout 120 "$LEAKCHECK" -c clean.yml --junit clean.xml \
  --keep-snapshots=failed --snapshot-dir snaps >clean.out 2>clean.err &
b=$!
wait "$a"; ca=$?
wait "$b"; cb=$?
expect_eq "failing run: exit code" "$ca" 1
expect_eq "passing run: exit code" "$cb" 0
expect_eq "one run directory left (the failing run's)" \
  "$(ls snaps/twin | wc -l)" 1
run=$(ls snaps/twin)
expect_contains "it is the failing run's" "$(cat leaks.err)" \
  "snapshots kept in snaps/twin/$run"
expect_eq "the failing run's evidence is whole" \
  "$(ls "snaps/twin/$run" | tr '\n' ' ')" \
  "1.heapsnapshot 2.heapsnapshot 3.heapsnapshot 4.heapsnapshot "
expect_eq "failing JUnit" "$(xpath leaks.xml 'string(/testsuites/@failures)')" 1
expect_eq "passing JUnit" "$(xpath clean.xml 'string(/testsuites/@failures)')" 0

# The same JUnit path: the second run is refused while the first runs.
cat > slow.yml <<'YML'
version: 1
checks:
  - name: slow
    script: clean.js
    drive: { every: 1s }
    snapshots: 4
    warmup: 1
YML
timeout 120 "$LEAKCHECK" -c slow.yml --junit out/same.xml >slow.out \
  2>slow.err &
a=$!
for _ in $(seq 1 100); do
  [ -e out/same.xml.lock ] && break
  sleep 0.05
done
holder=$(cat out/same.xml.lock)
expect_eq "lock file names the first run" "$(ps -o comm= -p "$holder")" \
  leakcheck
run_lc -c clean.yml --junit out/same.xml
expect_eq "second run: exit code" "$CODE" 2
expect_contains "second run: message" "$ERR" \
  "leakcheck: out/same.xml: another leakcheck run (pid $holder) is writing this file (it holds 'out/same.xml.lock')"
expect_eq "second run: ran nothing" "$OUT" ""
wait "$a"
expect_eq "first run: exit code" "$?" 0
expect_eq "first run's JUnit" \
  "$(xpath out/same.xml 'string(/testsuites/testsuite/@name)')" slow
[ ! -e out/same.xml.lock ] && ok || fail "the lock file was left behind"
# Unheld, the lock is taken again (also when a crash left the file).
echo 99999 > out/same.xml.lock
run_lc -c clean.yml --junit out/same.xml
expect_eq "stale lock file: exit code" "$CODE" 0
[ ! -e out/same.xml.lock ] && ok || fail "the stale lock file was left"
no_leftovers
finish
