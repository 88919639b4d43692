# A clean program passes with exit 0 and a JUnit file without failures.
. "$(dirname "$0")/lib.sh"

cp "$SRC/examples/clean.js" .
cat > leakcheck.yml <<'YML'
version: 1
junit: results/leakcheck.xml
checks:
  - name: clean-worker
    script: clean.js
    drive: { every: 200ms }
    snapshots: 4
    warmup: 1
    assert:
      - constructor: Request
        max_growth: 0
      - constructor: Summary
        max_count: 50
      - total: true
        max_growth_bytes: 256KB
YML

run_lc
expect_eq "exit code" "$CODE" 0
expect_eq "junit path from leakcheck.yml" "$(ls results)" leakcheck.xml
expect_eq "junit is well-formed" "$(xmllint --noout results/leakcheck.xml 2>&1)" ""
expect_eq "tests" "$(xpath results/leakcheck.xml 'string(/testsuites/@tests)')" 3
expect_eq "failures" "$(xpath results/leakcheck.xml 'string(/testsuites/@failures)')" 0
expect_eq "errors" "$(xpath results/leakcheck.xml 'string(/testsuites/@errors)')" 0
expect_eq "no failure elements" "$(xpath results/leakcheck.xml 'count(//failure|//error)')" 0
expect_contains "terminal verdict" "$OUT" "1 check: 1 passed, 0 failed, 0 errors"
# The program's own output never reaches leakcheck's report.
cat > chatty.js <<'JS'
console.log('PROGRAM-STDOUT-LINE');
console.error('PROGRAM-STDERR-LINE');
setInterval(() => {}, 1000);
JS
cat > chatty.yml <<'YML'
version: 1
checks:
  - name: chatty
    script: chatty.js
    drive: { every: 100ms }
    snapshots: 3
    warmup: 0
    assert:
      - total: true
        max_growth_bytes: 64KB
YML
run_lc -c chatty.yml --junit chatty.xml
expect_eq "exit code (idle program)" "$CODE" 0
case "$OUT$ERR" in
  *PROGRAM-STD*) fail "program output leaked into leakcheck's output" ;;
  *) ok ;;
esac
no_leftovers
finish
