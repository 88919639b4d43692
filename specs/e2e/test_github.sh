# leakcheck on GitHub Actions: with GITHUB_ACTIONS=true each failed
# assertion becomes an ::error annotation at its line and column of
# leakcheck.yml (relative to GITHUB_WORKSPACE), worst first and at most 10;
# the program's output is fenced with ::stop-commands:: so that nothing it
# prints is taken for a workflow command; GITHUB_STEP_SUMMARY gets a
# Markdown report appended.
. "$(dirname "$0")/lib.sh"

# commands_seen LOG: the workflow commands the Actions runner would act on:
# lines whose text (leading blanks trimmed) starts with "::", except those
# between "::stop-commands::TOKEN" and "::TOKEN::".
commands_seen() {
  awk '{
    line = $0; sub(/^[ \t]+/, "", line)
    if (stop != "") { if (line == "::" stop "::") stop = ""; next }
    if (line ~ /^::stop-commands::/) { stop = substr(line, 18); next }
    if (line ~ /^::/) print line
  }' <<<"$1"
}

mkdir -p repo/app repo/bad
cp "$SRC/examples/leaks.js" repo/app/
cat > repo/app/hostile.js <<'JS'
// Output that would be workflow commands if printed as is.
console.log('::error file=app/leakcheck.yml,line=1::pwned from stdout');
console.log('  ::add-mask::not-a-secret');
console.error('::warning::pwned from stderr');
console.error('::endgroup::');
setInterval(() => {}, 1000);
JS
cat > repo/app/throws.js <<'JS'
throw new Error('database unreachable at boot');
JS
cat > repo/app/leakcheck.yml <<'YML'
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
      - total: true
        max_growth_bytes: 64MB
  - name: hostile
    script: hostile.js
    drive: { every: 100ms }
    snapshots: 3
    warmup: 1
    assert:
      - total: true
        max_growth_bytes: 64MB
  - name: many
    script: leaks.js
    drive: { every: 600ms }   # ~2 Functions per 20 ms tick: far more than 11
    snapshots: 3
    warmup: 1
    assert:
      - { constructor: "(closure)", max_growth: 0 }
      - { constructor: "(closure)", max_growth: 1 }
      - { constructor: "(closure)", max_growth: 2 }
      - { constructor: "(closure)", max_growth: 3 }
      - { constructor: "(closure)", max_growth: 4 }
      - { constructor: "(closure)", max_growth: 5 }
      - { constructor: "(closure)", max_growth: 6 }
      - { constructor: "(closure)", max_growth: 7 }
      - { constructor: "(closure)", max_growth: 8 }
      - { constructor: "(closure)", max_growth: 9 }
      - { constructor: "(closure)", max_growth: 10 }
      - { constructor: "(closure)", max_growth: 11 }
  - name: throws
    script: throws.js
    drive: { every: 100ms }
    snapshots: 3
    warmup: 1
YML

# ---- 1. a leak and a noisy clean program, as a runner runs them ----------
summary="$WORK/step_summary.md"
printf '# earlier step\n' > "$summary"
cd repo || exit 1
GITHUB_ACTIONS=true GITHUB_WORKSPACE="$WORK/repo" GITHUB_STEP_SUMMARY="$summary" \
  run_lc -c app/leakcheck.yml --check closure-chain --check hostile \
  --junit "$WORK/junit.xml"
cd "$WORK" || exit 1
expect_eq "exit code" "$CODE" 1
seen=$(commands_seen "$OUT")
# Our group, then our two annotations: nothing else.
expect_eq "commands the runner acts on" "$(printf '%s\n' "$seen" | cut -c1-32)" \
  "::group::hostile: program output
::endgroup::
::error file=app/leakcheck.yml,l
::error file=app/leaks.js,line=2"
case "$seen" in *pwned*|*add-mask*) fail "program output taken for a command: $seen" ;; *) ok ;; esac
# The program's output is in the log, inside its group, fenced.
expect_contains "group title" "$OUT" "::group::hostile: program output"
expect_contains "stdout kept" "$OUT" "::error file=app/leakcheck.yml,line=1::pwned from stdout"
expect_contains "stderr kept" "$OUT" "::warning::pwned from stderr"
# Two annotations: the (closure) assertion at line 9, column 9, and the
# line of leaks.js where the leaking closures are allocated (a workspace
# file), which names the holder.
ann=$(printf '%s\n' "$seen" | grep '^::error ' | grep 'leakcheck\.yml')
site=$(printf '%s\n' "$seen" | grep '^::error file=app/leaks\.js')
expect_eq "one annotation at the assertion" "$(printf '%s\n' "$ann" | wc -l)" 1
expect_contains "one annotation at the allocation line" "$site" \
  "::error file=app/leaks.js,line=22,col=26,title=closure-chain%3A leaking objects allocated here::Function: +"
expect_contains "the allocation annotation names the holder" "$site" "%0Aheld by: theThing"
re='^::error file=app/leakcheck\.yml,line=9,col=9,title=closure-chain%3A \(closure\)%3A max_growth 0::Function grew by \+([0-9]+) objects \(\+[0-9.]+ K?B\) over 3 snapshots; limit max_growth 0%0A%0AFunction: \+([0-9]+) objects \(\+[0-9.]+ K?B\)(; \+[0-9.]+ [KM]?B retained)?%0A  counts: \(([0-9]+)\) ([0-9]+) ([0-9]+) ([0-9]+)( \|( [0-9]+)+)?%0A  sizes:  \([0-9.]+ K?B\) [0-9.]+ K?B [0-9.]+ K?B [0-9.]+ K?B( \|( [0-9.]+ K?B)+)?(%0A%0A.+)?$'
if [[ $ann =~ $re ]]; then
  ok
  g=${BASH_REMATCH[1]}
  expect_eq "growth in the title line = in the table" "${BASH_REMATCH[2]}" "$g"
  expect_eq "growth = last - first measured count" \
    "$((BASH_REMATCH[7] - BASH_REMATCH[5]))" "$g"
  # Confirmation snapshots, when taken, follow a '|'.
  counts="(${BASH_REMATCH[4]}) ${BASH_REMATCH[5]} ${BASH_REMATCH[6]} ${BASH_REMATCH[7]}${BASH_REMATCH[8]}"
else
  fail "annotation line: $ann"
  counts=none g=none
fi
# The step summary: appended, one table per check, failures first.
md=$(cat "$summary")
expect_eq "summary appended" "$(head -1 "$summary")" "# earlier step"
expect_contains "summary heading" "$md" $'## leakcheck: \xe2\x9d\x8c leak found\n\n2 checks: 1 passed, 1 failed, 0 errors.'
expect_contains "failed check section" "$md" $'### \xe2\x9d\x8c FAIL: closure-chain\n\n4 snapshots (warmup 1), '
expect_contains "table header" "$md" $'| constructor | counts per snapshot | growth | verdict |\n| --- | --- | --- | --- |\n| Function | '
expect_contains "failing row with the annotation's counts" "$md" \
  " ${counts//|/\\|} | +$g objects ("
# Before them, a sparkline: one block (U+2581..U+2588) per snapshot,
# confirmation snapshots included.
nsnap=$(grep -oE '[0-9]+' <<<"$counts" | wc -l)
spark=$(grep -oE "^\| Function \| [^ ]+ \(" <<<"$md" | head -1 | sed -E 's/^\| Function \| //; s/ \($//')
expect_eq "sparkline: one block per snapshot" "$(printf '%s' "$spark" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log([...s].filter(c=>c>="\u2581"&&c<="\u2588").length+"/"+[...s].length))')" "$nsnap/$nsnap"
expect_contains "failing row verdict" "$md" $' | \xe2\x9d\x8c fail: (closure): max\\_growth 0 |\n'
expect_contains "held row" "$md" $' | \xe2\x9c\x85 held: total: max\\_growth\\_bytes 64MB |\n'
expect_contains "why it failed" "$md" \
  "**(closure): max\\_growth 0** (app/leakcheck.yml:9:9): Function grew by +$g objects"
expect_contains "passed check section" "$md" $'### \xe2\x9c\x85 PASS: hostile\n'
fail_at=$(grep -n 'FAIL: closure-chain' "$summary" | cut -d: -f1)
pass_at=$(grep -n 'PASS: hostile' "$summary" | cut -d: -f1)
[ "${fail_at:-0}" -lt "${pass_at:-0}" ] && ok || fail "failed check not first"
case "$md" in *pwned*) fail "program output in the summary" ;; *) ok ;; esac
# Each failing row is explained: the leak's headline, then its allocation
# site and holder, fenced.
expect_contains "leak in the summary" "$md" $'Leak: Function: +'
# The diagnosis reads the last snapshot, a confirmation one when they were
# taken: the new objects counted there are at least the window's growth,
# and most of them come from the one line that leaks (a few may have been
# allocated elsewhere while V8 optimised the code).
siteline=$(grep -A1 '^```text$' <<<"$md" | grep ' allocated at ' | head -1)
if [[ $siteline =~ ^([0-9]+)\ of\ ([0-9]+)\ allocated\ at\ leaks\.js:22:26\ replaceThing ]] &&
  [ "$((BASH_REMATCH[1] * 2))" -gt "${BASH_REMATCH[2]}" ] && [ "${BASH_REMATCH[2]}" -ge "$g" ]; then
  ok
else
  fail "allocation site in the summary (growth $g): $siteline"
fi
case "$ann" in *"%0A  sizes:  "*"%0A%0A"?*) ok ;; *) fail "no retainer path in the annotation: $ann" ;; esac
fences=$(grep -c '^```' "$summary")
expect_eq "code fences balanced" "$((fences % 2))" 0
[ "$(stat -c %s "$summary")" -lt 1048576 ] && ok || fail "summary over 1 MiB"
# The JUnit file is the same as ever.
expect_eq "junit failures" "$(xpath junit.xml 'string(/testsuites/@failures)')" 1

# ---- 2. more than 10 failures: the 10 worst, then a notice ---------------
GITHUB_ACTIONS=true GITHUB_WORKSPACE="$WORK/repo" \
  run_lc -c "$WORK/repo/app/leakcheck.yml" --check many --no-junit
expect_eq "exit code (many)" "$CODE" 1
seen=$(commands_seen "$OUT")
# GitHub keeps 10 error annotations per step, the allocation line's
# included (annotated once, however many assertions fail on its leak).
expect_eq "annotations kept" "$(printf '%s\n' "$seen" | grep -c '^::error ')" 10
expect_eq "the allocation line annotated once" \
  "$(printf '%s\n' "$seen" | grep -c '^::error file=app/leaks\.js,line=22,')" 1
# Equal growth: config order, lines 27.. of the flow mappings (column 9).
want=""
for i in 0 1 2 3 4 5 6 7 8; do
  want+="::error file=app/leakcheck.yml,line=$((27 + i)),col=9,title=many%3A (closure)%3A max_growth $i::"$'\n'
done
expect_eq "annotation heads, worst first" \
  "$(printf '%s\n' "$seen" | grep '^::error file=app/leakcheck' | sed 's/::Function grew.*$/::/')" "${want%$'\n'}"
expect_eq "the rest summarized" "$(printf '%s\n' "$seen" | grep '^::notice')" \
  "::notice file=app/leakcheck.yml,title=leakcheck::3 more failures are not annotated (GitHub keeps 10 per step): the step summary and the JUnit report list every one"
[ -f leakcheck-junit.xml ] && fail "--no-junit wrote a file" || ok

# ---- 3. a broken program: annotated at its check ---------------------------
GITHUB_ACTIONS=true GITHUB_WORKSPACE="$WORK/repo" GITHUB_STEP_SUMMARY="$WORK/s3.md" \
  run_lc -c repo/app/leakcheck.yml --check throws --no-junit
expect_eq "exit code (broken)" "$CODE" 3
ann=$(commands_seen "$OUT" | grep '^::error ')
expect_contains "broken annotation" "$ann" \
  "::error file=app/leakcheck.yml,line=39,col=5,title=throws%3A the program broke::"
expect_contains "broken annotation carries stderr" "$ann" "database unreachable at boot"
expect_contains "broken summary" "$(cat "$WORK/s3.md")" $'### \xf0\x9f\x92\xa5 ERROR: throws'

# ---- 4. an invalid leakcheck.yml: annotated at the bad key ---------------
cat > repo/bad/leakcheck.yml <<'YML'
version: 1
checks:
  - name: x
    script: leaks.js
    snapshot: 3
YML
GITHUB_ACTIONS=true GITHUB_WORKSPACE="$WORK/repo/" run_lc -c "$WORK/repo/bad/leakcheck.yml"
expect_eq "exit code (config)" "$CODE" 2
expect_contains "config error annotation" "$OUT" \
  "::error file=bad/leakcheck.yml,line=5,col=5,title=leakcheck::unknown key 'snapshot'"

# ---- 5. outside GitHub Actions: no workflow commands, no summary ---------
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY
run_lc -c repo/app/leakcheck.yml --check hostile --no-junit
expect_eq "exit code (plain)" "$CODE" 0
case "$OUT" in *"::"*) fail "workflow commands outside Actions: $OUT" ;; *) ok ;; esac
# Config outside the workspace: the path as given.
GITHUB_ACTIONS=true GITHUB_WORKSPACE="$WORK/repo/bad" \
  run_lc -c repo/app/leakcheck.yml --check hostile --no-junit
expect_eq "exit code (outside workspace)" "$CODE" 0
expect_eq "no annotation for a pass" "$(commands_seen "$OUT" | grep -c '^::error')" 0

no_leftovers
finish
