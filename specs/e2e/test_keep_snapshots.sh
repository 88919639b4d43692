# --keep-snapshots: never leaves nothing, always keeps every check's files,
# failed keeps only the failing check's files (what CI uploads).
. "$(dirname "$0")/lib.sh"

cp "$SRC/examples/leaks.js" "$SRC/examples/clean.js" .
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: leaky
    script: leaks.js
    drive: { every: 200ms }
    snapshots: 3
    warmup: 1
    assert:
      - constructor: Function
        max_growth: 0
  - name: clean
    script: clean.js
    drive: { every: 200ms }
    snapshots: 3
    warmup: 1
    assert:
      - total: true
        max_growth_bytes: 1MB
YML

run_lc --no-junit --snapshot-dir never
expect_eq "never: exit code" "$CODE" 1
[ ! -e never ] && ok || fail "--keep-snapshots=never left $(ls -R never)"

run_lc --no-junit --keep-snapshots=always --snapshot-dir always
expect_eq "always: exit code" "$CODE" 1
expect_eq "always: files" "$(cd always && ls */ | tr '\n' ' ')" \
  "clean/: 1.heapsnapshot 2.heapsnapshot 3.heapsnapshot  leaky/: 1.heapsnapshot 2.heapsnapshot 3.heapsnapshot "

run_lc --no-junit --keep-snapshots=failed --snapshot-dir failed
expect_eq "failed: exit code" "$CODE" 1
expect_eq "failed: only the failing check" "$(cd failed && ls)" "leaky"
expect_eq "failed: its files" "$(ls failed/leaky | tr '\n' ' ')" \
  "1.heapsnapshot 2.heapsnapshot 3.heapsnapshot "
# A kept file is a complete snapshot leakcheck can read again.
run_lc summary --top 1 failed/leaky/3.heapsnapshot
expect_eq "kept file readable" "$CODE" 0
no_leftovers
finish
