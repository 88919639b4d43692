#!/usr/bin/env bash
# The run step of the composite action (ci/action.yml), runnable by hand
# with the variables a runner sets.  Reads its inputs from the environment
# (INPUT_CONFIG, INPUT_CHECKS one name per line, INPUT_SHARD, INPUT_JUNIT,
# INPUT_HTML, INPUT_JUNIT_PROFILE, INPUT_KEEP_SNAPSHOTS, INPUT_ARTIFACT_NAME,
# INPUT_UPLOAD_ARTIFACTS, INPUT_BASELINE) and LEAKCHECK_BIN; runs leakcheck
# in the current directory (with GITHUB_ACTIONS=true it annotates and, with
# GITHUB_STEP_SUMMARY, appends the summary itself, naming the HTML
# artifact); writes exit-code=, junit=, html=, snapshot-dir= and artifact=
# to $GITHUB_OUTPUT; exits with leakcheck's status.
set -uo pipefail
bin=${LEAKCHECK_BIN:-leakcheck}
out=${GITHUB_OUTPUT:-/dev/stdout}
temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
artifact=${INPUT_ARTIFACT_NAME:-leakcheck}
junit=${INPUT_JUNIT:-}
html=${INPUT_HTML:-}
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
    [ -n "$html" ] || html="leakcheck-report-$suffix.html"
  fi
fi
[ -n "$junit" ] || junit=leakcheck-junit.xml
[ -n "$html" ] || html=leakcheck-report.html
[ "$html" != false ] || html=""
snapdir="$temp/leakcheck-snapshots/$artifact"
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
args+=(--junit "$junit" --junit-profile "${INPUT_JUNIT_PROFILE:-default}"
  --keep-snapshots "${INPUT_KEEP_SNAPSHOTS:-failed}" --snapshot-dir "$snapdir")

if [ -n "$html" ]; then
  args+=(--html "$html")
  # The step summary names the artifact the action uploads.
  [ "${INPUT_UPLOAD_ARTIFACTS:-true}" != true ] || export LEAKCHECK_HTML_ARTIFACT="$artifact-html"
fi

echo "leakcheck: $bin ${args[*]}" >&2
"$bin" "${args[@]}"
code=$?

case $junit in
  /*) ;;
  *) junit="$PWD/$junit" ;;
esac
case $html in
  /* | "") ;;
  *) html="$PWD/$html" ;;
esac
{
  echo "exit-code=$code"
  if [ -f "$junit" ]; then echo "junit=$junit"; else echo "junit="; fi
  if [ -n "$html" ] && [ -f "$html" ]; then echo "html=$html"; else echo "html="; fi
  if [ -d "$snapdir" ]; then echo "snapshot-dir=$snapdir"; else echo "snapshot-dir="; fi
  echo "artifact=$artifact"
} >>"$out"
exit "$code"
