#!/usr/bin/env bash
# leakcheck as a plain git pre-commit hook (no framework needed).
#
# Install, from the root of the repository that has leakcheck.yml:
#   cp PATH/TO/leakcheck/ci/pre-commit-hook.sh .git/hooks/pre-commit
#   chmod +x .git/hooks/pre-commit
# (or put it where `git config core.hooksPath` points).  Settings, all
# optional, with git config:
#   git config leakcheck.check NAME      run only this check (--add for more)
#   git config leakcheck.config FILE     default leakcheck.yml
#   git config leakcheck.bin PATH        default: leakcheck on PATH
# The hook runs only when the commit touches leakcheck.yml or a .js, .mjs,
# .cjs or .ts file, prints a short verdict and refuses the commit on a leak
# (exit 1), a broken program (3) or a bad configuration (2).  It checks the
# working tree as it is, unstaged edits included.  Skip it once with
# `git commit --no-verify`.
set -uo pipefail

if ! git diff --cached --name-only --diff-filter=ACMR |
  grep -Eq '(^|/)leakcheck\.ya?ml$|\.(js|mjs|cjs|ts)$'; then
  exit 0
fi

bin=$(git config --get leakcheck.bin || echo leakcheck)
config=$(git config --get leakcheck.config || echo leakcheck.yml)
args=(run --brief --no-junit -c "$config")
while IFS= read -r name; do
  [ -n "$name" ] && args+=(--check "$name")
done < <(git config --get-all leakcheck.check)

if ! command -v "$bin" >/dev/null 2>&1; then
  echo "leakcheck hook: '$bin' not found; build leakcheck or set" \
    "'git config leakcheck.bin PATH'" >&2
  exit 1
fi
"$bin" "${args[@]}"
code=$?
case $code in
  0) ;;
  1) echo "leakcheck hook: commit refused: a leak was found" \
    "(git commit --no-verify skips the hook)" >&2 ;;
  3) echo "leakcheck hook: commit refused: a program under test broke" >&2 ;;
  *) echo "leakcheck hook: commit refused: leakcheck could not run" \
    "(exit $code)" >&2 ;;
esac
exit "$code"
