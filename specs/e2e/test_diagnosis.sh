# One leak, one finding (issue 12): six simple leaks (specs/e2e/diag/*.js)
# under the default assertion.  For each, the JUnit failure text starts
# with the leak's headline naming the root class of expected.tsv (the rows
# it holds are folded under it), gives its holder on a "held by:" line of
# its own, and, where the program could be tracked, its allocation
# file:line.  Prints how many of each are right.
. "$(dirname "$0")/lib.sh"
DIAG="$SRC/specs/e2e/diag"
cp "$DIAG"/*.js "$DIAG"/leakcheck.yml .

timeout 280 "$LEAKCHECK" -c leakcheck.yml --junit junit.xml --json report.json \
  >out.txt 2>err.txt
CODE=$?
expect_eq "exit code" "$CODE" 1
expect_eq "junit is well-formed" "$(xmllint --noout junit.xml 2>&1)" ""

right_class=0 right_holder=0 right_site=0 total=0
while IFS=$'\t' read -r check class holder site; do
  [ "$check" = check ] && continue
  total=$((total + 1))
  text=$(xpath junit.xml "string(//testsuite[@name='$check']//failure)")
  # The headline: the first line after the message's blank line.
  head=$(awk 'NF && seen { print; exit } !NF { seen = 1 }' <<<"$text")
  case "$head" in
    "$class ["* | "$class:"* | "$class (really"*)
      right_class=$((right_class + 1)); ok ;;
    *) fail "$check: headline '$head' does not start with '$class'" ;;
  esac
  held=$(grep -m1 '^  held by: ' <<<"$text")
  case "$held" in
    "  held by: $holder "*) right_holder=$((right_holder + 1)); ok ;;
    *) fail "$check: holder line '$held', expected '$holder'" ;;
  esac
  alloc=$(grep -m1 ' allocated at ' <<<"$text")
  case "$alloc" in
    *" allocated at $site:"*) right_site=$((right_site + 1)); ok ;;
    *) fail "$check: allocation line '$alloc', expected $site" ;;
  esac
done <"$DIAG/expected.tsv"
echo "diagnosis: $total leaks; headline class right $right_class, holder right $right_holder, allocation line right $right_site"

# Folded rows stay visible under the finding.
sess=$(xpath junit.xml "string(//testsuite[@name='sessions']//failure)")
expect_contains "sessions headline" "$sess" "each holding a Date, an Array and"
expect_contains "folded rows listed" "$sess" "held with it:"
expect_contains "Date row kept" "$sess" "    Date: +"
expect_contains "location, 1-based" "$sess" "Session [sessions.js:4:28]"
expect_contains "message names the root" \
  "$(xpath junit.xml "string(//testsuite[@name='sessions']//failure/@message)")" \
  "Session grew by +"
expect_contains "timer prefix collapsed" "$sess" ", via a setInterval timer"
# The real class next to DevTools' name (Node 18/20 show EventTarget).
sig=$(xpath junit.xml "string(//testsuite[@name='signals']//failure)")
case "$(node -p 'process.versions.node.split(".")[0]')" in
  18 | 20) expect_contains "AbortSignal named" "$sig" "EventTarget [node:internal/event_target" &&
    expect_contains "real class" "$sig" "(really AbortSignal)" ;;
esac
# JSON: every check, its leaks with folded rows, sites and the full path.
expect_eq "json report" "$(node -e '
  const r = JSON.parse(require("fs").readFileSync("report.json"));
  const c = r.checks.find((c) => c.name === "sessions");
  const a = c.assertions[0], l = a.leaks[0];
  console.log([r.schema, r.version, r.checks.length, c.status,
    a.findings[l.root].class,
    l.folded.filter((i) => !a.findings[i].object_id).map((i) => a.findings[i].class).join("+"),
    l.holder, l.sites[0].file + ":" + l.sites[0].line,
    a.findings[l.root].key.split(",").slice(1).join(","),
    l.path[l.path.length - 1].node].join(" "))')" \
  "leakcheck-report 1 6 failed Session Date+Array+(number) registry sessions.js:7 3,27,Session Session"

# GitHub: besides the annotation at the assertion, one at the allocation
# line of the JavaScript file when it is inside the workspace.
GITHUB_ACTIONS=true GITHUB_WORKSPACE="$WORK" timeout 120 "$LEAKCHECK" \
  -c leakcheck.yml --check sessions --no-junit >gh.txt 2>&1
site_ann=$(grep '^::error file=sessions.js,' gh.txt)
expect_contains "annotation at the allocation line" "$site_ann" \
  "::error file=sessions.js,line=7,col=35,title=sessions%3A leaking objects allocated here::Session [sessions.js:4:28]"
expect_contains "it says who holds them" "$site_ann" "held by: registry"
expect_eq "assertion annotation too" \
  "$(grep -c '^::error file=leakcheck.yml,line=23,col=5,' gh.txt)" 1
# Outside the workspace: no annotation on the JS file.
GITHUB_ACTIONS=true GITHUB_WORKSPACE="$WORK/tmp" timeout 120 "$LEAKCHECK" \
  -c leakcheck.yml --check sessions --no-junit >gh2.txt 2>&1
expect_eq "no JS annotation outside the workspace" \
  "$(grep -c '^::error file=sessions.js' gh2.txt)" 0
# Without allocation tracking: the finding, without a site, never a wrong one.
LEAKCHECK_ALLOCATION_SITES=0 timeout 120 "$LEAKCHECK" -c leakcheck.yml \
  --check sessions --no-junit >nosite.txt 2>&1
expect_contains "still the same headline" "$(cat nosite.txt)" "Session [sessions.js:4:28]: +"
expect_eq "no site line" "$(grep -c 'allocated at' nosite.txt)" 0
no_leftovers
[ "$failures" = 0 ] || { cat out.txt; exit 1; }
echo "ok: $checks checks"
