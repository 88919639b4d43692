# Retainer paths are capped (issue 13 D1, issue 12 item 4): a leak at the
# end of a 300k-node singly linked list (specs/e2e/diag/long/chain.js,
# reached only through the list) is explained in one short line with the
# run of hops folded ("next → Item ×300001"); the JUnit file stays small
# and passes `xmllint --noout` without --huge; the JSON report keeps the
# whole path as runs.
. "$(dirname "$0")/lib.sh"
cp "$SRC/specs/e2e/diag/long/chain.js" .
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: chain
    script: chain.js
    drive: { call: grow, times: 1 }
    snapshots: 3
    warmup: 1
    assert:
      - constructor: Item
        max_growth: 0
YML
# Allocation tracking is off here: this test is about the path, and
# tracking 450k allocations costs more than the check's time limit under
# ASan on a loaded machine (README, "Allocation site").
PER=150000 LEAKCHECK_ALLOCATION_SITES=0 run_lc --junit junit.xml --json report.json
expect_eq "exit code" "$CODE" 1
expect_eq "junit passes xmllint without --huge" "$(xmllint --noout junit.xml 2>&1)" ""
size=$(stat -c %s junit.xml)
[ "$size" -lt 20000 ] && ok || fail "junit is $size bytes"
held=$(grep -m1 'held by: ' <<<"$OUT")
expect_contains "holder first" "$held" "held by: list (variable captured by grow chain.js:"
expect_contains "run folded" "$held" "→ head → Item → next → Item ×300001"
[ "${#held}" -lt 400 ] && ok || fail "held-by line is ${#held} characters"
expect_contains "junit has the line" \
  "$(xpath junit.xml 'string(//failure)')" "next → Item ×300001"
# The JSON report has the whole path, runs folded.
expect_eq "json path run" \
  "$(node -e 'const r=JSON.parse(require("fs").readFileSync("report.json"));
    const p=r.checks[0].assertions[0].leaks[0].path;
    const h=p.find(h=>h.edge==="next"); console.log(h.node+" x"+h.repeat)')" "Item x300001"
no_leftovers
[ "$failures" = 0 ] || { echo "$OUT"; exit 1; }
echo "ok: $checks checks"
