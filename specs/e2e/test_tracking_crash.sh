# A program that dies by a crash signal while allocation tracking is on
# (V8's tracker crashed Node 18-22 during deoptimisations) is run once more
# without tracking: the verdict comes from the second run, its leak has no
# allocation site and says why, and the first run's kept snapshots are
# gone.  A program that crashes in the second run too is reported as
# broken (exit 3), after exactly two starts.
. "$(dirname "$0")/lib.sh"
cp "$SRC"/specs/e2e/crash/* .

run_lc -c leakcheck.yml --check segv-once --junit once.xml --json once.json \
  --keep-snapshots=always --snapshot-dir snaps
expect_eq "a leak, found by the second run" "$CODE" 1
expect_eq "started twice" "$(grep -c start starts-once.txt)" 2
expect_contains "says why it ran again" "$ERR" \
  "'segv-once': node was killed by SIGSEGV with allocation tracking on; running the check again without it"
expect_contains "headline from the second run" "$OUT" "Entry [segv-once.js:"
expect_eq "no allocation site" "$(grep -c 'allocated at' <<<"$OUT")" 0
expect_eq "site note in the JSON" \
  "$(node -e 'const r = require(process.argv[1]); console.log(r.checks[0].assertions[0].leaks[0].site_note)' "$PWD/once.json")" \
  "no allocation sites: node was killed by SIGSEGV with allocation tracking on, so the check ran again without it"
expect_eq "the check says so in the JSON" \
  "$(node -e 'console.log(require(process.argv[1]).checks[0].tracking_crash)' "$PWD/once.json")" SEGV
expect_eq "one run directory: the first run's was removed" \
  "$(find snaps/segv-once -mindepth 1 -maxdepth 1 | wc -l)" 1
expect_eq "it holds the second run's snapshots" \
  "$(find snaps/segv-once -name '*.heapsnapshot' | wc -l)" \
  "$(node -e 'console.log(require(process.argv[1]).checks[0].snapshots)' "$PWD/once.json")"
expect_eq "junit is well-formed" "$(xmllint --noout once.xml 2>&1)" ""

run_lc -c leakcheck.yml --check segv-always --junit always.xml
expect_eq "crashes again: the program broke" "$CODE" 3
expect_eq "started exactly twice" "$(grep -c start starts-always.txt)" 2
expect_contains "the error names the signal" "$OUT" "killed by signal SIGSEGV (11)"
no_leftovers
[ "$failures" = 0 ] || { printf '%s\n%s\n' "$OUT" "$ERR"; exit 1; }
echo "ok: $checks checks"
