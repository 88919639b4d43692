# A program that throws at start, exits early, or outlives the timeout:
# exit 3 and a JUnit <error> carrying its stderr.
. "$(dirname "$0")/lib.sh"

cat > throws.js <<'JS'
function boot() { throw new Error('database unreachable at boot'); }
boot();
JS
cat > early.js <<'JS'
setTimeout(() => process.exit(0), 150);
setInterval(() => {}, 1000);
JS
cat > slow.js <<'JS'
setInterval(() => {}, 1000);
JS
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: throws
    script: throws.js
    drive: { every: 100ms }
    snapshots: 3
    warmup: 0
    assert:
      - constructor: Function
        max_growth: 0
      - total: true
        max_growth_bytes: 1MB
  - name: early
    script: early.js
    drive: { every: 100ms }
    snapshots: 5
    warmup: 1
    assert:
      - total: true
        max_growth_bytes: 1MB
  - name: slow
    script: slow.js
    timeout: 1s
    drive: { every: 5s }
    snapshots: 3
    warmup: 0
    assert:
      - total: true
        max_growth_bytes: 1MB
YML

run_lc --check throws --junit throws.xml
expect_eq "throws: exit code" "$CODE" 3
expect_eq "throws: junit well-formed" "$(xmllint --noout throws.xml 2>&1)" ""
expect_eq "throws: errors" "$(xpath throws.xml 'string(/testsuites/@errors)')" 2
expect_eq "throws: failures" "$(xpath throws.xml 'string(/testsuites/@failures)')" 0
expect_eq "throws: one error per assertion" "$(xpath throws.xml 'count(//testcase/error)')" 2
expect_contains "throws: error carries stderr" \
  "$(xpath throws.xml 'string(//testcase[1]/error)')" "Error: database unreachable at boot"
expect_contains "throws: error message" \
  "$(xpath throws.xml 'string(//testcase[1]/error/@message)')" "exited"
expect_contains "throws: terminal shows stderr" "$OUT" "database unreachable at boot"

run_lc --check early --junit early.xml
expect_eq "early: exit code" "$CODE" 3
expect_contains "early: reason" "$(xpath early.xml 'string(//testcase[1]/error/@message)')" \
  "exited with status 0"

run_lc --check slow --junit slow.xml
expect_eq "slow: exit code" "$CODE" 3
expect_contains "slow: reason" "$(xpath slow.xml 'string(//testcase[1]/error/@message)')" \
  "timed out after 1s"
no_leftovers
finish
