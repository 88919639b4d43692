# Configuration mistakes: exit 2, a file:line:column message, and never a
# JUnit file that claims success.
. "$(dirname "$0")/lib.sh"

cat > ok.js <<'JS'
setInterval(() => {}, 1000);
JS

cat > missing.yml <<'YML'
version: 1
checks:
  - name: missing
    script: nope.js
    assert:
      - total: true
        max_growth_bytes: 1MB
YML
run_lc -c missing.yml --junit missing.xml
expect_eq "missing script: exit code" "$CODE" 2
expect_contains "missing script: message" "$ERR" "missing.yml:4:13: script 'nope.js' not found"
if [ -f missing.xml ]; then
  expect_eq "missing script: junit reports an error" \
    "$(xpath missing.xml 'string(/testsuites/@errors)')" 1
else
  ok
fi

cat > typo.yml <<'YML'
version: 1
checks:
  - name: typo
    script: ok.js
    snapshot: 3
YML
run_lc -c typo.yml --junit typo.xml
expect_eq "unknown key: exit code" "$CODE" 2
expect_contains "unknown key: message" "$ERR" \
  "typo.yml:5:5: unknown key 'snapshot' in check; did you mean 'snapshots'?"
[ ! -e typo.xml ] && ok || fail "a JUnit file was written for a bad config"

cat > badsize.yml <<'YML'
version: 1
checks:
  - name: badsize
    script: ok.js
    assert:
      - total: true
        max_growth_bytes: 2 parsecs
YML
run_lc -c badsize.yml
expect_eq "bad size: exit code" "$CODE" 2
expect_contains "bad size: position" "$ERR" "badsize.yml:7:27:"

printf 'version: 1\nchecks: [\n' > broken.yml
run_lc -c broken.yml
expect_eq "bad YAML: exit code" "$CODE" 2
expect_contains "bad YAML: message" "$ERR" "broken.yml:3:1: invalid YAML"

run_lc -c absent.yml
expect_eq "no config: exit code" "$CODE" 2
expect_contains "no config: message" "$ERR" "absent.yml: cannot read configuration"

# No arguments: ./leakcheck.yml is used.
cp typo.yml leakcheck.yml
run_lc
expect_eq "default config: exit code" "$CODE" 2
expect_contains "default config: used" "$ERR" "leakcheck.yml:5:5: unknown key 'snapshot'"

run_lc --check nosuch -c missing.yml
expect_eq "unknown --check: exit code" "$CODE" 2
expect_contains "unknown --check: message" "$ERR" "no check named 'nosuch'"

run_lc --bogus
expect_eq "bad option: exit code" "$CODE" 2

run_lc --keep-snapshots=sometimes
expect_eq "bad keep policy: exit code" "$CODE" 2

# A check named '..' would make its keep directory the snapshot dir's
# parent, where --keep-snapshots=failed once deleted the user's own files.
mkdir -p dotdot/snaps
for k in 1 2 3; do echo "mine $k" > "dotdot/$k.heapsnapshot"; done
cat > dotdot/leakcheck.yml <<'YML'
version: 1
checks:
  - name: ..
    script: ok.js
    snapshots: 3
YML
cp ok.js dotdot/
(cd dotdot && timeout 60 "$LEAKCHECK" --keep-snapshots=failed \
   --snapshot-dir snaps >../dd.out 2>../dd.err)
expect_eq "name '..': exit code" "$?" 2
expect_contains "name '..': message" "$(cat dd.err)" \
  "leakcheck.yml:3:11: 'name' must be usable as a directory name"
expect_eq "name '..': the user's files" "$(cat dotdot/*.heapsnapshot)" \
  "mine 1
mine 2
mine 3"

run_lc --version
expect_eq "version: exit code" "$CODE" 0
expect_contains "version" "$OUT" "leakcheck "
no_leftovers
finish
