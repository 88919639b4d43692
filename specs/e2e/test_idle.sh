# An idle program shows zero growth in every row over 10 snapshots with
# the default settings: the harness leaves nothing behind in the measured
# heap (the agent warms its own code paths before the first snapshot).
. "$(dirname "$0")/lib.sh"

echo 'setInterval(() => {}, 1000);' > idle.js
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: idle
    script: idle.js
    snapshots: 10
YML
run_lc --keep-snapshots=always --snapshot-dir kept
expect_eq "exit code" "$CODE" 0
expect_contains "default assertion held with zero growth" "$OUT" \
  "held: worst growth +0 objects (+0 B)"
expect_contains "V8 internals flat" "$OUT" "V8 internals +0 B (budget 1 MB)"
# Every measured snapshot (2..10) against the first measured one: no row
# gains or loses a single object (even-id native wrappers may churn, +1/-1).
for k in 3 4 5 6 7 8 9 10; do
  run_lc diff --json kept/idle/*/2.heapsnapshot kept/idle/*/$k.heapsnapshot
  nonzero=$(printf '%s\n' "$OUT" | grep -o '"delta": -\?[0-9]*' | grep -cv '"delta": 0$')
  expect_eq "rows with a non-zero delta, snapshot 2 -> $k" "$nonzero" 0
done
no_leftovers
finish
