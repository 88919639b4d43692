# Reads a JUnit file of a corpus run and classifies every corpus check.
# Sourced by specs/e2e/test_corpus.sh and bench/stress-corpus.sh; needs
# bash and xmllint.
#
# corpus_classify JUNIT CORPUS_DIR
#   prints one tab-separated line per corpus program, leak/*.js first:
#     check  expected  verdict  outcome  rows
#   expected  the constructor from expected.tsv, or "-" for clean programs
#   verdict   fail | pass | error | missing   (what leakcheck said)
#   outcome   ok | WRONG                      (what leakcheck should say:
#             a leak fails naming the expected constructor; a clean
#             program passes without errors)
#   rows      the failing rows of the failure text, "name +N objects (+B)"
#             joined with "; " (or the reason it is WRONG)
# and returns 0.  CORPUS_DIR holds leak/, clean/ and expected.tsv.

# corpus_names_row TEXT NAME: TEXT mentions NAME as a row, i.e. NAME at
# the start of a line or after a blank, followed by ":", " grew", " ["
# (a row key with its location) or " @" (one object followed by id).
corpus_names_row() {
  local line suffix
  while IFS= read -r line; do
    for suffix in ":" " grew" " [" " @"; do
      case "$line" in
        "$2$suffix"* | *" $2$suffix"* | *"	$2$suffix"*) return 0 ;;
      esac
    done
  done <<<"$1"
  return 1
}

# corpus_failure_text JUNIT SUITE: every failure message and text of SUITE.
corpus_failure_text() {
  local n i
  n=$(xmllint --xpath "count(//testsuite[@name='$2']//failure)" "$1" 2>/dev/null)
  for ((i = 1; i <= ${n:-0}; i++)); do
    xmllint --xpath "string((//testsuite[@name='$2']//failure)[$i]/@message)" "$1" 2>/dev/null
    echo
    xmllint --xpath "string((//testsuite[@name='$2']//failure)[$i])" "$1" 2>/dev/null
    echo
  done
}

# corpus_rows TEXT: "name +N objects (+B)" of each row line in a failure text.
corpus_rows() {
  sed -nE 's/^[[:space:]]*([^[:space:]].*[^ ])( \[[0-9,]+\])?: ([+-][0-9]+ objects?( \([^)]*\))?).*/\1 \3/p' <<<"$1" |
    awk '!seen[$0]++' | paste -sd';' - | sed 's/;/; /g'
}

corpus_classify() {
  local junit=$1 dir=$2 f kind base check expected nsuite nfail nerr text verdict outcome rows
  for kind in leak clean; do
    for f in "$dir/$kind"/*.js; do
      [ -e "$f" ] || continue
      base=$(basename "$f" .js)
      check="$kind-$base"
      expected=-
      if [ "$kind" = leak ]; then
        expected=$(awk -F'\t' -v c="$check" '$1 == c { print $2 }' "$dir/expected.tsv")
        [ -n "$expected" ] || expected="(none in expected.tsv)"
      fi
      nsuite=$(xmllint --xpath "count(//testsuite[@name='$check'])" "$junit" 2>/dev/null)
      nfail=$(xmllint --xpath "count(//testsuite[@name='$check']//failure)" "$junit" 2>/dev/null)
      nerr=$(xmllint --xpath "count(//testsuite[@name='$check']//error)" "$junit" 2>/dev/null)
      text=$(corpus_failure_text "$junit" "$check")
      rows=$(corpus_rows "$text")
      if [ "${nsuite:-0}" = 0 ]; then
        verdict=missing
      elif [ "${nerr:-0}" != 0 ]; then
        verdict=error
        rows=$(xmllint --xpath "string((//testsuite[@name='$check']//error)[1]/@message)" "$junit" 2>/dev/null)
      elif [ "${nfail:-0}" != 0 ]; then
        verdict=fail
      else
        verdict=pass
      fi
      outcome=WRONG
      if [ "$kind" = leak ] && [ "$verdict" = fail ]; then
        if corpus_names_row "$text" "$expected"; then
          outcome=ok
        else
          rows="does not name $expected; rows: $rows"
        fi
      elif [ "$kind" = clean ] && [ "$verdict" = pass ]; then
        outcome=ok
      fi
      printf '%s\t%s\t%s\t%s\t%s\n' "$check" "$expected" "$verdict" "$outcome" "${rows:--}"
    done
  done
  return 0
}
