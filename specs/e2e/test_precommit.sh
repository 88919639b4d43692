# The pre-commit hooks, run for real on temporary git repositories:
# .pre-commit-hooks.yaml through the pre-commit framework (try-repo, then
# an installed hook refusing and accepting commits), and ci/pre-commit-hook.sh
# as a plain git hook.  A leaking check refuses the commit with a short
# verdict; a clean one, or `--check` of the clean one only, lets it through.
# pre-commit and git must be installed (ci/setup.sh --tests): missing tools
# fail this test.
. "$(dirname "$0")/lib.sh"

for tool in git pre-commit; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    fail "'$tool' not found: run ci/setup.sh --tests (Debian package '$tool')"
    finish
  fi
done

# A private, predictable environment for git and pre-commit.
export HOME="$WORK/home" PRE_COMMIT_HOME="$WORK/pre-commit-home"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
mkdir -p "$HOME" "$WORK/bin"
git config --global init.defaultBranch main
git config --global advice.detachedHead false
# `language: system` runs the leakcheck on PATH: the one under test.
ln -s "$LEAKCHECK" "$WORK/bin/leakcheck"
export PATH="$WORK/bin:$PATH"

# run_in DIR CMD...: like run_lc, for any command, in DIR.
run_in() {
  local dir=$1 o="$WORK/out.$$" e="$WORK/err.$$"
  shift
  (cd "$dir" && timeout 300 "$@") >"$o" 2>"$e"
  CODE=$?
  OUT=$(cat "$o")
  ERR=$(cat "$e")
  rm -f "$o" "$e"
}

# The hook repository: leakcheck's .pre-commit-hooks.yaml, committed.
git init -q hooks
cp "$SRC/.pre-commit-hooks.yaml" hooks/
git -C hooks add .pre-commit-hooks.yaml
git -C hooks commit -q -m hooks
rev=$(git -C hooks rev-parse HEAD)

# make_project DIR: a repository with a leaking and a clean check.
make_project() {
  git init -q "$1"
  cp "$SRC/examples/leaks.js" "$1/leaky.js"
  cat > "$1/clean.js" <<'JS'
setInterval(() => {}, 1000);
JS
  cat > "$1/leakcheck.yml" <<'YML'
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
  - name: clean
    script: clean.js
    drive: { every: 100ms }
    snapshots: 3
    warmup: 1
    assert:
      - constructor: Function
        max_growth: 0
YML
  echo "leakcheck-snapshots/" > "$1/.gitignore"
}

# ---- pre-commit try-repo ---------------------------------------------------------
make_project proj
git -C proj add .
run_in proj pre-commit try-repo "$WORK/hooks" leakcheck --verbose
expect_eq "try-repo exit on a leak" "$CODE" 1
expect_contains "try-repo verdict" "$OUT" "FAIL   leaky: Function: max_growth 0 (leakcheck.yml:9:9)"
expect_contains "try-repo verdict message" "$OUT" "       Function grew by +"
expect_contains "try-repo clean check" "$OUT" "PASS   clean"
expect_contains "try-repo totals" "$OUT" "2 checks: 1 passed, 1 failed, 0 errors"
expect_contains "try-repo hook failed" "$OUT" "- exit code: 1"
[ -e proj/leakcheck-junit.xml ] && fail "the hook wrote a JUnit file" || ok

# ---- installed with the framework: refused, then accepted ------------------------
cat > proj/.pre-commit-config.yaml <<YML
repos:
  - repo: $WORK/hooks
    rev: $rev
    hooks:
      - id: leakcheck
        verbose: true
YML
git -C proj add .pre-commit-config.yaml
run_in proj pre-commit install
expect_eq "pre-commit install" "$CODE" 0
run_in proj git commit -m "add a leak"
expect_eq "leaking commit refused" "$CODE" 1
expect_contains "refusal shows the verdict" "$OUT$ERR" "FAIL   leaky: Function: max_growth 0"
git -C proj rev-parse -q --verify HEAD >/dev/null && fail "a commit was made" || ok
# Fix the leak: the same commit is accepted.
cp proj/clean.js proj/leaky.js
git -C proj add leaky.js
run_in proj git commit -m "no leak"
expect_eq "clean commit accepted" "$CODE" 0
expect_contains "accepted verdict" "$OUT$ERR" "2 checks: 2 passed, 0 failed, 0 errors"
expect_eq "commit made" "$(git -C proj log --format=%s -1 2>/dev/null)" "no leak"
# A commit that touches no checked file: the hook is skipped.
echo "# notes" > proj/README.md
git -C proj add README.md
run_in proj git commit -m "readme"
expect_eq "unrelated commit accepted" "$CODE" 0
expect_contains "hook skipped" "$OUT$ERR" "(no files to check)Skipped"
# Only the affected checks, when asked: the leak is back, but --check clean.
cp "$SRC/examples/leaks.js" proj/leaky.js
cat > proj/.pre-commit-config.yaml <<YML
repos:
  - repo: $WORK/hooks
    rev: $rev
    hooks:
      - id: leakcheck
        verbose: true
        args: [--check, clean]
YML
git -C proj add .
run_in proj git commit -m "leak, but only clean is checked"
expect_eq "--check clean accepted" "$CODE" 0
expect_contains "--check ran one check" "$OUT$ERR" "1 check: 1 passed, 0 failed, 0 errors"
case "$OUT$ERR" in *"running 'leaky'"*) fail "--check clean ran leaky" ;; *) ok ;; esac

# ---- the plain git hook ------------------------------------------------------------
make_project plain
cp "$SRC/ci/pre-commit-hook.sh" plain/.git/hooks/pre-commit
chmod +x plain/.git/hooks/pre-commit
git -C plain add .
run_in plain git commit -m "add a leak"
expect_eq "plain hook: leak refused" "$CODE" 1
expect_contains "plain hook verdict" "$OUT$ERR" "FAIL   leaky: Function: max_growth 0 (leakcheck.yml:9:9)"
expect_contains "plain hook says why" "$ERR" "leakcheck hook: commit refused: a leak was found"
git -C plain rev-parse -q --verify HEAD >/dev/null && fail "plain: a commit was made" || ok
git -C plain config leakcheck.check clean
run_in plain git commit -m "only clean"
expect_eq "plain hook: --check clean accepted" "$CODE" 0
expect_contains "plain hook ran one check" "$OUT$ERR" "1 check: 1 passed, 0 failed, 0 errors"
git -C plain config --unset leakcheck.check
cp plain/clean.js plain/leaky.js
git -C plain add leaky.js
run_in plain git commit -m "fixed"
expect_eq "plain hook: clean accepted" "$CODE" 0
expect_contains "plain hook: both checks ran" "$OUT$ERR" "2 checks: 2 passed, 0 failed, 0 errors"
echo notes > plain/NOTES.txt
git -C plain add NOTES.txt
run_in plain git commit -m "notes"
expect_eq "plain hook: unrelated commit" "$CODE" 0
case "$OUT$ERR" in *leakcheck*) fail "plain hook ran for an unrelated commit" ;; *) ok ;; esac
git -C plain config leakcheck.bin "$WORK/nope/leakcheck"
echo "// x" >> plain/clean.js
git -C plain add clean.js
run_in plain git commit -m "no binary"
expect_eq "plain hook: missing leakcheck refuses" "$CODE" 1
expect_contains "plain hook: missing leakcheck says so" "$ERR" "leakcheck hook: '$WORK/nope/leakcheck' not found"

no_leftovers
finish
