# The GitHub Actions composite action: ci/action.yml and the example
# workflow pass a real validator (@action-validator/cli, installed by
# ci/setup.sh --tests; a missing validator fails this test), inputs reach
# the scripts only through env:, and the action's shell steps
# (ci/action-build.sh, ci/action-run.sh) run here with the variables a
# runner sets: the build is made once and then reused, the run annotates,
# writes the step summary and its outputs, and keeps the snapshots of the
# failing check only.
. "$(dirname "$0")/lib.sh"

validator=""
for v in "${LEAKCHECK_TOOLS:-$SRC/build-test/tools}/node_modules/.bin/action-validator" \
  "$(command -v action-validator 2>/dev/null)"; do
  if [ -n "$v" ] && [ -x "$v" ]; then validator=$v; break; fi
done
if [ -z "$validator" ]; then
  fail "action-validator not found: run ci/setup.sh --tests (npm @action-validator/cli)"
  finish
fi

# ---- the metadata ------------------------------------------------------------------
for f in ci/action.yml ci/github-workflow.yml; do
  msg=$("$validator" "$SRC/$f" 2>&1)
  expect_eq "$f validates" "$?:$msg" "0:"
done
# The validator does reject a broken action (a run step without shell:).
mkdir -p broken
grep -v 'shell: bash' "$SRC/ci/action.yml" > broken/action.yml
"$validator" broken/action.yml >/dev/null 2>&1 && fail "validator accepted a run step without shell" || ok

action=$(cat "$SRC/ci/action.yml")
expect_eq "no \${{ }} inside run:" "$(grep -E '^\s+run:' <<<"$action" | grep -c '\${{')" 0
expect_eq "every run: has a shell" "$(grep -cE '^\s+run:' <<<"$action")" \
  "$(grep -cE '^\s+shell: bash$' <<<"$action")"
expect_eq "scripts come from the action's path" \
  "$(grep -E '^\s+run:' <<<"$action" | grep -vc 'GITHUB_ACTION_PATH')" 0
inputs=$(awk '/^inputs:/ {on = 1; next} /^[^ ]/ {on = 0} on && /^  [a-z-]+:$/ {sub(/:$/, ""); print $1}' <<<"$action")
expect_eq "inputs declared" "${inputs//$'\n'/ }" \
  "config checks shard junit html junit-profile baseline keep-snapshots working-directory artifact-name upload-artifacts"
for i in $inputs; do
  n=$(grep -cE "inputs\.$i([^a-z-]|$)" <<<"$action")
  [ "$n" -ge 1 ] && ok || fail "input '$i' is never used"
done

# ---- the build steps -----------------------------------------------------------------
export GITHUB_ACTIONS=true RUNNER_TEMP="$WORK/runner-temp" RUNNER_OS=Linux
export GITHUB_ACTION_PATH="$SRC/ci" GITHUB_WORKSPACE="$WORK/ws"
export GITHUB_OUTPUT="$WORK/github_output" GITHUB_STEP_SUMMARY="$WORK/step_summary.md"
mkdir -p "$RUNNER_TEMP" "$GITHUB_WORKSPACE"
: > "$GITHUB_OUTPUT"
: > "$GITHUB_STEP_SUMMARY"

# output NAME: the last value a step wrote for NAME.
output() { sed -n "s/^$1=//p" "$GITHUB_OUTPUT" | tail -1; }

bash "$GITHUB_ACTION_PATH/action-build.sh" key
expect_eq "key step exit" "$?" 0
key=$(output key)
dir=$(output dir)
[[ $key =~ ^leakcheck-[a-z0-9._-]+-[0-9a-f]{16}$ ]] && ok || fail "cache key '$key'"
expect_eq "build dir under RUNNER_TEMP" "${dir%/*}" "$RUNNER_TEMP"
bash "$GITHUB_ACTION_PATH/action-build.sh" key
expect_eq "key is stable" "$(output key)" "$key"

build_log=$(LEAKCHECK_PREFIX="$dir" bash "$GITHUB_ACTION_PATH/action-build.sh" build 2>&1)
expect_eq "build step exit" "$?" 0
bin=$(output bin)
expect_eq "bin output" "$bin" "$dir/bin/leakcheck"
expect_contains "built" "$build_log" "leakcheck: built leakcheck "
"$bin" --version >/dev/null && ok || fail "the built leakcheck does not run"
# A cache hit restores $dir: the next build step only checks it.
build_log=$(LEAKCHECK_PREFIX="$dir" bash "$GITHUB_ACTION_PATH/action-build.sh" build 2>&1)
expect_contains "cached build reused" "$build_log" "leakcheck: using the cached build"

# ---- the run step ----------------------------------------------------------------------
cp "$SRC/examples/leaks.js" "$GITHUB_WORKSPACE/leaky.js"
cat > "$GITHUB_WORKSPACE/clean.js" <<'JS'
setInterval(() => {}, 1000);
JS
cat > "$GITHUB_WORKSPACE/leakcheck.yml" <<'YML'
version: 1
checks:
  - name: leaky
    script: leaky.js
    drive: { every: 150ms }
    snapshots: 3
    warmup: 1
    assert:
      - constructor: Function
        max_growth: 0
    confirm: false      # exactly the 3 planned snapshots are kept
  - name: clean
    script: clean.js
    drive: { every: 100ms }
    snapshots: 3
    warmup: 1
    assert:
      - constructor: Function
        max_growth: 0
YML

# run_step ENV...: the run step as action.yml runs it (inputs at their
# defaults unless given), in the workspace; leaves OUT ERR CODE.
run_step() {
  local o="$WORK/out.$$" e="$WORK/err.$$"
  (cd "$GITHUB_WORKSPACE" && env LEAKCHECK_BIN="$bin" INPUT_CONFIG=leakcheck.yml \
    INPUT_CHECKS= INPUT_SHARD= INPUT_JUNIT= INPUT_JUNIT_PROFILE=default \
    INPUT_KEEP_SNAPSHOTS=failed INPUT_ARTIFACT_NAME=leakcheck "$@" \
    timeout 120 bash "$GITHUB_ACTION_PATH/action-run.sh") >"$o" 2>"$e"
  CODE=$?
  OUT=$(cat "$o")
  ERR=$(cat "$e")
  rm -f "$o" "$e"
}

run_step
expect_eq "run step exit on a leak" "$CODE" 1
expect_eq "exit-code output" "$(output exit-code)" 1
expect_eq "junit output" "$(output junit)" "$GITHUB_WORKSPACE/leakcheck-junit.xml"
expect_eq "junit written" "$(xpath "$GITHUB_WORKSPACE/leakcheck-junit.xml" 'string(/testsuites/@failures)')" 1
snapdir="$RUNNER_TEMP/leakcheck-snapshots/leakcheck"
expect_eq "snapshot-dir output" "$(output snapshot-dir)" "$snapdir"
expect_eq "artifact output" "$(output artifact)" leakcheck
expect_eq "snapshots of the failing check kept" \
  "$(cd "$snapdir" && find . -type f | sort | sed 's|/[0-9TZ]*-[0-9]*/|/RUN/|' | tr '\n' ' ')" \
  "./leaky/RUN/1.heapsnapshot ./leaky/RUN/2.heapsnapshot ./leaky/RUN/3.heapsnapshot "
expect_contains "annotation" "$OUT" \
  "::error file=leakcheck.yml,line=9,col=9,title=leaky%3A Function%3A max_growth 0::Function grew by +"
expect_contains "step summary" "$(cat "$GITHUB_STEP_SUMMARY")" $'### \xe2\x9d\x8c FAIL: leaky'
expect_eq "html output" "$(output html)" "$GITHUB_WORKSPACE/leakcheck-report.html"
expect_eq "html written" "$(grep -c '<section class="check s-failed"' "$GITHUB_WORKSPACE/leakcheck-report.html")" 1
expect_contains "step summary names the HTML artifact" "$(cat "$GITHUB_STEP_SUMMARY")" \
  "The HTML report with charts is in the artifact **leakcheck-html** (leakcheck-report.html)."
expect_contains "step summary: a sparkline of the failing row" "$(cat "$GITHUB_STEP_SUMMARY")" $'| \xe2\x96'

# Selected checks, a shard: exit 0, per-shard names.
: > "$GITHUB_STEP_SUMMARY"
run_step INPUT_CHECKS=$'  clean \n\n' INPUT_SHARD=1/1
expect_eq "run step exit, clean only" "$CODE" 0
expect_eq "exit-code output 0" "$(output exit-code)" 0
expect_eq "artifact per shard" "$(output artifact)" leakcheck-shard-1-of-1
expect_eq "junit per shard" "$(output junit)" "$GITHUB_WORKSPACE/leakcheck-junit-shard-1-of-1.xml"
expect_eq "html per shard" "$(output html)" "$GITHUB_WORKSPACE/leakcheck-report-shard-1-of-1.html"
expect_eq "only clean ran" \
  "$(xpath "$GITHUB_WORKSPACE/leakcheck-junit-shard-1-of-1.xml" 'string(//testsuite/@name)')" clean
expect_contains "summary of the pass" "$(cat "$GITHUB_STEP_SUMMARY")" $'## leakcheck: \xe2\x9c\x85 no leak'

# html: false writes none.
run_step INPUT_CHECKS=clean INPUT_HTML=false INPUT_JUNIT=nohtml.xml
expect_eq "html false: exit" "$CODE" 0
expect_eq "html false: no html output" "$(output html)" ""
case "$ERR" in *"HTML report"*) fail "html false: a report was written" ;; *) ok ;; esac

# A bad input: exit 2 and no JUnit output.
run_step INPUT_KEEP_SNAPSHOTS=sometimes INPUT_JUNIT=none.xml
expect_eq "run step exit on a bad input" "$CODE" 2
expect_eq "exit-code output 2" "$(output exit-code)" 2
expect_eq "no junit output" "$(output junit)" ""
expect_contains "bad input said" "$ERR" "--keep-snapshots expects never, failed or always; got 'sometimes'"

# The baseline input reaches leakcheck: a missing file is exit 2 naming
# it; an empty baseline changes nothing for a clean check.
run_step INPUT_BASELINE=missing-baseline.json INPUT_CHECKS=clean
expect_eq "baseline input: missing file exit" "$CODE" 2
expect_contains "baseline input: missing file said" "$ERR" "missing-baseline.json"
printf '{"version": 1, "checks": {}}\n' > "$GITHUB_WORKSPACE/base.json"
run_step INPUT_BASELINE=base.json INPUT_CHECKS=clean
expect_eq "baseline input: clean check exit" "$CODE" 0
expect_contains "baseline input: passed on" "$ERR" "--baseline base.json"

no_leftovers
finish
