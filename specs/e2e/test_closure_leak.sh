# The seed's closure-chain leak fails with exit 1; the JUnit <failure>
# names the growing constructor with the counts the terminal shows.
. "$(dirname "$0")/lib.sh"

cp "$SRC/examples/leaks.js" .
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: closure-chain
    script: leaks.js
    drive: { every: 200ms }
    snapshots: 4
    warmup: 1
    assert:
      - constructor: "(closure)"
        max_growth: 0
      - constructor: "{longStr, someMethod}"
        max_growth: 0
      - constructor: Array
        max_growth: 1000
YML

run_lc --junit reports/junit.xml
expect_eq "exit code" "$CODE" 1
[ -f reports/junit.xml ] && ok || fail "JUnit file not written (parent dir is created)"
mv reports/junit.xml junit.xml
expect_eq "junit is well-formed" "$(xmllint --noout junit.xml 2>&1)" ""
expect_eq "testsuites tests" "$(xpath junit.xml 'string(/testsuites/@tests)')" 3
expect_eq "testsuites failures" "$(xpath junit.xml 'string(/testsuites/@failures)')" 2
expect_eq "testsuite name" "$(xpath junit.xml 'string(/testsuites/testsuite/@name)')" closure-chain
expect_eq "failing testcase" \
  "$(xpath junit.xml 'string(//testcase[failure][1]/@name)')" "(closure): max_growth 0"
expect_eq "its line in leakcheck.yml" \
  "$(xpath junit.xml 'string(//testcase[failure][1]/@line)')" 9
expect_eq "passing testcase" \
  "$(xpath junit.xml 'count(//testcase[@name="Array: max_growth 1000"]/failure)')" 0
msg=$(xpath junit.xml 'string(//testcase[failure][1]/failure/@message)')
expect_contains "failure message" "$msg" "Function grew by +"
expect_contains "object shape row" \
  "$(xpath junit.xml 'string(//testcase[failure][2]/failure/@message)')" \
  "{longStr, someMethod} grew by +"
# The counts per snapshot in the JUnit text are the ones the terminal shows.
junit_counts=$(xpath junit.xml 'string(//testcase[failure][1]/failure)' | grep 'counts:' | head -1)
term_counts=$(printf '%s\n' "$OUT" | grep 'counts:' | head -1)
expect_eq "counts line in JUnit = terminal" "$(echo $junit_counts)" "$(echo $term_counts)"
# Growth reported equals last minus first measured count.
# The message's growth is the measured window's: the counts before the
# '|' that starts the confirmation snapshots.
set -- $(echo "$term_counts" | sed 's/|.*//' | tr -d '()')
first=$3 last=${!#}
expect_contains "growth matches counts" "$msg" "+$((last - first)) objects"
no_leftovers
finish
