# --shard I/N: each check runs in exactly one shard, the one FNV-1a-32 of
# its name picks (computed here independently); the shards' JUnit files
# merge into the full run's; an empty shard writes one skipped testcase and
# exits 0; bad values exit 2.  Also --junit-profile=jenkins: the attributes
# the Jenkins xUnit plugin's junit-10.xsd allows, and nothing else.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

# fnv1a NAME: the 32-bit FNV-1a hash, in decimal.
fnv1a() {
  local s=$1 h=2166136261 i c
  for ((i = 0; i < ${#s}; i++)); do
    printf -v c '%d' "'${s:i:1}"
    h=$((((h ^ c) * 16777619) & 0xFFFFFFFF))
  done
  echo "$h"
}
shard_of() { echo $(($(fnv1a "$1") % $2 + 1)); }

# triples FILE: "suite|classname|name" of every testcase, sorted.
triples() {
  local n i
  n=$(xpath "$1" 'count(//testcase)')
  for ((i = 1; i <= n; i++)); do
    xpath "$1" "concat((//testcase)[$i]/../@name, '|', (//testcase)[$i]/@classname, '|', (//testcase)[$i]/@name)"
    echo
  done | sort
}

# attr_names FILE ELEMENT: the attribute names used on ELEMENT, sorted.
attr_names() {
  local n i
  n=$(xpath "$1" "count(//$2/@*)")
  for ((i = 1; i <= n; i++)); do
    xpath "$1" "name((//$2/@*)[$i])"
    echo
  done | grep -v '^$' | sort -u | tr '\n' ' '
}

# suite_names FILE: the testsuite names, space-separated.
suite_names() {
  local n i
  n=$(xpath "$1" 'count(//testsuite)')
  for ((i = 1; i <= n; i++)); do
    printf '%s ' "$(xpath "$1" "string((//testsuite)[$i]/@name)")"
  done
}

cat > idle.js <<'JS'
setInterval(() => {}, 1000);
JS
cp "$SRC/examples/leaks.js" .
names=(alpha beta gamma delta epsilon zeta)
{
  echo "version: 1"
  echo "checks:"
  for n in "${names[@]}"; do
    script=idle.js
    [ "$n" = zeta ] && script=leaks.js
    cat <<YML
  - name: $n
    script: $script
    drive: { every: 100ms }
    snapshots: 3
    warmup: 1
    assert:
      - constructor: Function
        max_growth: 0
      - total: true
        max_growth_bytes: 64MB
YML
  done
} > leakcheck.yml

# ---- the full run, then 3 shards ------------------------------------------
run_lc --junit full.xml
expect_eq "full run exit" "$CODE" 1
expect_eq "full run suites" "$(xpath full.xml 'count(//testsuite)')" 6

placeholders=0
sum_failures=0
: > shards.txt
for i in 1 2 3; do
  run_lc --shard "$i/3" --junit "s$i.xml"
  want=""
  for n in "${names[@]}"; do
    [ "$(shard_of "$n" 3)" = "$i" ] && want+="$n "
  done
  got=$(suite_names "s$i.xml")
  if [ -z "$want" ]; then
    expect_eq "shard $i/3 is a placeholder" "$got" "shard $i/3 "
    placeholders=$((placeholders + 1))
    expect_eq "empty shard $i exit" "$CODE" 0
  else
    expect_eq "checks of shard $i/3 (FNV-1a mod 3)" "$got" "$want"
    case " $want " in
      *" zeta "*) expect_eq "shard $i exit" "$CODE" 1 ;;
      *) expect_eq "shard $i exit" "$CODE" 0 ;;
    esac
  fi
  expect_eq "shard $i well-formed" "$(xmllint --noout "s$i.xml" 2>&1)" ""
  sum_failures=$((sum_failures + $(xpath "s$i.xml" 'string(/testsuites/@failures)')))
  triples "s$i.xml" | grep -v '^shard ' >> shards.txt
done
expect_eq "shards cover the full run exactly once" \
  "$(sort shards.txt)" "$(triples full.xml)"
expect_eq "failures add up" "$sum_failures" "$(xpath full.xml 'string(/testsuites/@failures)')"

# Merged the way junit-report-merger and the GitHub reporters read them.
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<testsuites name="leakcheck">'
  for i in 1 2 3; do xmllint --xpath '/testsuites/testsuite' "s$i.xml"; echo; done
  echo '</testsuites>'
} > merged.xml
expect_eq "merged file well-formed" "$(xmllint --noout merged.xml 2>&1)" ""
expect_eq "merged testcases" "$(xpath merged.xml 'count(//testcase)')" \
  "$(($(xpath full.xml 'count(//testcase)') + placeholders))"
expect_eq "merged (suite, classname, name) unique" \
  "$(triples merged.xml | uniq -d)" ""

# ---- an empty shard ----------------------------------------------------------
empty=""
for ((i = 1; i <= 50 && !${#empty}; i++)); do
  hit=0
  for n in "${names[@]}"; do [ "$(shard_of "$n" 50)" = "$i" ] && hit=1; done
  [ $hit = 0 ] && empty=$i
done
run_lc --shard "$empty/50" --junit empty.xml
expect_eq "empty shard exit" "$CODE" 0
expect_contains "empty shard said so" "$ERR" "leakcheck: shard $empty/50 has no checks"
expect_eq "empty shard well-formed" "$(xmllint --noout empty.xml 2>&1)" ""
expect_eq "empty shard root counts" \
  "$(xpath empty.xml 'concat(/testsuites/@tests, /testsuites/@failures, /testsuites/@errors, /testsuites/@skipped)')" "1001"
expect_eq "empty shard suite" "$(xpath empty.xml 'string(//testsuite/@name)')" "shard $empty/50"
expect_eq "empty shard testcase skipped" \
  "$(xpath empty.xml 'string(//testcase/skipped/@message)')" "no checks in this shard"
# --check and --shard together: the intersection.
a=$(shard_of alpha 3)
run_lc --check alpha --shard "$a/3" --junit both.xml
expect_eq "--check in its shard" "$(suite_names both.xml)" "alpha "
run_lc --check alpha --shard "$((a % 3 + 1))/3" --junit other.xml
expect_eq "--check outside the shard exit" "$CODE" 0
expect_eq "--check outside the shard" "$(xpath other.xml 'string(//testsuite/@name)')" "shard $((a % 3 + 1))/3"

# ---- bad values ----------------------------------------------------------------
for bad in 0/3 4/3 3 a/b 1/3x "" " 1/3" -1/3 1/0; do
  run_lc --shard "$bad" --junit bad.xml
  expect_eq "--shard '$bad' exit" "$CODE" 2
  expect_contains "--shard '$bad' message" "$ERR" "--shard expects I/N, whole numbers with 1 <= I <= N; got '$bad'"
done
run_lc --junit-profile=xunit
expect_eq "bad profile exit" "$CODE" 2
expect_contains "bad profile message" "$ERR" "--junit-profile expects default or jenkins; got 'xunit'"
[ -f bad.xml ] && fail "a usage error wrote JUnit" || ok

# ---- --junit-profile=jenkins ----------------------------------------------------
z=$(shard_of zeta 3)
run_lc --shard "$z/3" --junit-profile=jenkins --junit jenkins.xml
expect_eq "jenkins exit" "$CODE" 1
expect_eq "jenkins well-formed" "$(xmllint --noout jenkins.xml 2>&1)" ""
# junit-10.xsd: testcase name time classname group; testsuites name time
# tests failures errors; testsuite adds skipped timestamp hostname (and
# more); time: digits with at most 3 decimals.
# only_allowed ELEMENT NAMES...: every attribute used on ELEMENT is listed.
only_allowed() {
  local element=$1 used
  shift
  for used in $(attr_names jenkins.xml "$element"); do
    case " $* " in
      *" $used "*) ok ;;
      *) fail "jenkins $element has @$used" ;;
    esac
  done
}
only_allowed testcase name time classname group
only_allowed testsuites name time tests failures errors
only_allowed testsuite name tests failures errors group time skipped \
  timestamp hostname id package file log url
bad_times=$(xpath jenkins.xml '//@time' | tr ' ' '\n' | grep -v '^$' | grep -Ev '^time="[0-9]+(\.[0-9]{1,3})?"$')
expect_eq "jenkins times" "$bad_times" ""
expect_contains "jenkins failure keeps where" \
  "$(xpath jenkins.xml 'string(//failure)')" "at leakcheck.yml:"
# The default profile keeps file and line.
expect_eq "default keeps file" "$(attr_names "s$z.xml" testcase)" "classname file line name time "
expect_eq "default keeps skipped" "$(xpath "s$z.xml" 'count(/testsuites/@skipped)')" 1
run_lc --shard "$empty/50" --junit-profile=jenkins --junit jempty.xml
expect_eq "jenkins empty shard still has a testcase" \
  "$(xpath jempty.xml 'count(//testcase/skipped)')" 1
expect_eq "jenkins empty shard root" "$(attr_names jempty.xml testsuites)" "errors failures name tests time "

no_leftovers
finish
