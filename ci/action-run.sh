#!/usr/bin/env bash
# The run step of the composite action (ci/action.yml), runnable by hand
# with the variables a runner sets.  Reads its inputs from the environment
# (INPUT_CONFIG, INPUT_CHECKS one name per line, INPUT_SHARD, INPUT_JUNIT,
# INPUT_JUNIT_PROFILE, INPUT_KEEP_SNAPSHOTS, INPUT_ARTIFACT_NAME,
# INPUT_BASELINE) and
# LEAKCHECK_BIN; runs leakcheck in the current directory (with
# GITHUB_ACTIONS=true it annotates and, with GITHUB_STEP_SUMMARY, appends
# the summary itself); writes exit-code=, junit=, snapshot-dir= and
# artifact= to $GITHUB_OUTPUT; exits with leakcheck's status.
set -uo pipefail
bin=${LEAKCHECK_BIN:-leakcheck}
out=${GITHUB_OUTPUT:-/dev/stdout}
temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
artifact=${INPUT_ARTIFACT_NAME:-leakcheck}
junit=${INPUT_JUNIT:-}
shard=${INPUT_SHARD:-}

args=(run -c "${INPUT_CONFIG:-leakcheck.yml}")
while IFS= read -r name; do
  name=${name#"${name%%[![:space:]]*}"}
  name=${name%"${name##*[![:space:]]}"}
  [ -n "$name" ] && args+=(--check "$name")
done <<<"${INPUT_CHECKS:-}"
if [ -n "$shard" ]; then
  args+=(--shard "$shard")
  # Each shard's artifacts and JUnit file need their own names; a malformed
  # value is left to leakcheck to refuse.
  if [[ $shard =~ ^([0-9]+)/([0-9]+)$ ]]; then
    suffix="shard-${BASH_REMATCH[1]}-of-${BASH_REMATCH[2]}"
    artifact="$artifact-$suffix"
    [ -n "$junit" ] || junit="leakcheck-junit-$suffix.xml"
  fi
fi
[ -n "$junit" ] || junit=leakcheck-junit.xml
snapdir="$temp/leakcheck-snapshots/$artifact"
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
args+=(--junit "$junit" --junit-profile "${INPUT_JUNIT_PROFILE:-default}"
  --keep-snapshots "${INPUT_KEEP_SNAPSHOTS:-failed}" --snapshot-dir "$snapdir")

echo "leakcheck: $bin ${args[*]}" >&2
"$bin" "${args[@]}"
code=$?

case $junit in
  /*) ;;
  *) junit="$PWD/$junit" ;;
esac
{
  echo "exit-code=$code"
  if [ -f "$junit" ]; then echo "junit=$junit"; else echo "junit="; fi
  if [ -d "$snapdir" ]; then echo "snapshot-dir=$snapdir"; else echo "snapshot-dir="; fi
  echo "artifact=$artifact"
} >>"$out"
exit "$code"
