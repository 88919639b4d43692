# Adoption in a repository that already has growth: `init` then a run,
# `run SCRIPT` without a configuration, an allowance that holds and then
# expires (--today), the baseline ratchet (--update-baseline, --baseline:
# a new leak fails naming only itself, a fixed one is reported), stable
# identities (the same program run twice gives identical baselines), and
# bad baselines and allowances (exit 2 with file:line:col or byte offset).
. "$(dirname "$0")/lib.sh"

git init -q repo && cd repo || exit 1

# --- init, then a real run ---
cat > server.js <<'JS'
'use strict';
// Busy and clean: allocates on a timer, keeps nothing.
setInterval(() => { const a = []; for (let i = 0; i < 100; i++) a.push({ i }); }, 20);
JS
cat > package.json <<'JSON'
{ "name": "svc", "version": "1.0.0", "scripts": { "start": "NODE_ENV=production node --trace-warnings server.js --port 3000" } }
JSON
run_lc init
expect_eq "init from package.json start: exit" "$CODE" 0
expect_contains "init names the script" "$(cat leakcheck.yml)" 'script: "server.js"'
run_lc init server.js
expect_eq "init never overwrites: exit" "$CODE" 2
expect_contains "init says why" "$ERR" "leakcheck.yml exists already; not overwriting it"
run_lc --no-junit
expect_eq "init then run: exit" "$CODE" 0
expect_contains "init then run: the check passed" "$OUT" "PASS   server"
rm leakcheck.yml
printf '{"main": "lib/index.js"}' > package.json
mkdir lib && cp server.js lib/index.js
run_lc init
expect_eq "init from main: exit" "$CODE" 0
expect_contains "init from main" "$(cat leakcheck.yml)" 'script: "lib/index.js"'
rm -f leakcheck.yml package.json
run_lc init
expect_eq "init without package.json: exit" "$CODE" 2
expect_contains "init without package.json: why" "$ERR" "no package.json"

# --- run SCRIPT without a configuration ---
run_lc run server.js --no-junit
expect_eq "run SCRIPT: exit" "$CODE" 0
expect_contains "run SCRIPT prints the yml" "$OUT" 'script: "server.js"'
[ ! -e leakcheck.yml ] && ok || fail "run SCRIPT must not write leakcheck.yml"

# --- the service: Session leaks (known), Order leaks when LEAK_ORDERS=1 ---
cat > svc.js <<'JS'
'use strict';
class Session { constructor(i) { this.i = i; } }
class Order { constructor(i) { this.i = i; } }
const sessions = [], orders = [];
exports.handle = function () {
  if (!process.env.FIX_SESSIONS) sessions.push(new Session(sessions.length));
  if (process.env.LEAK_ORDERS) orders.push(new Order(orders.length));
};
JS
write_cfg() {
  cat > leakcheck.yml <<YML
version: 1
checks:
  - name: api
    script: svc.js
    drive: { call: handle, times: 50 }
    assert:
      - constructor: "*"
        max_growth: 0
$1
YML
}

# --- allowances ---
write_cfg '    allow:
      - constructor: Session
        reason: "sessions expire only at logout, see #123"
        until: 2027-03-01'
run_lc --today 2027-03-01 --junit a.xml
expect_eq "allowance holds: exit" "$CODE" 0
expect_contains "allowed growth is reported with its reason" "$OUT" \
  "ALLOW Session (svc.js:2:28) grew by +150 objects (+4.7 KB): allowed: sessions expire only at logout, see #123 (until 2027-03-01)"
expect_eq "JUnit: a property" "$(xpath a.xml 'string(//property[@name="allowed"]/@value)')" \
  "Session (svc.js:2:28) grew by +150 objects (+4.7 KB): allowed: sessions expire only at logout, see #123 (until 2027-03-01)"
expect_eq "JUnit: skipped with the reason" "$(xpath a.xml 'string(//testcase/skipped/@message)')" \
  "allowed: sessions expire only at logout, see #123"
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$PWD/summary.md run_lc --today 2027-03-01 --no-junit
expect_contains "GitHub: a notice" "$OUT" "::notice file=leakcheck.yml,line=10,col=9,title=api%3A allowed::Session (svc.js:2:28) grew by +150 objects"
expect_contains "step summary lists it" "$(cat summary.md)" "**allowed** (api)"
LEAKCHECK_TODAY=2027-03-02 run_lc --no-junit
expect_eq "expired allowance: exit" "$CODE" 1
expect_contains "expired allowance: message" "$OUT" \
  "allowance for Session expired on 2027-03-01 (leakcheck.yml:10:9)"
write_cfg '    allow:
      - constructor: Session
        reason: "known"
      - constructor: Nothing
        reason: "stale"'
run_lc --no-junit
expect_eq "unused allowance warns: exit" "$CODE" 0
expect_contains "unused allowance warns" "$OUT" "WARN  allowance for Nothing matched nothing (leakcheck.yml:12:9)"
run_lc --no-junit --strict
expect_eq "unused allowance with --strict: exit" "$CODE" 1
write_cfg '    allow:
      - constructor: Session
        until: 2027-02-30
        reason: x'
run_lc --no-junit
expect_eq "bad date: exit" "$CODE" 2
expect_contains "bad date: where" "$ERR" "leakcheck.yml:11:16: 'until' must be a date YYYY-MM-DD; got '2027-02-30'"
write_cfg '    allow:
      - constructor: Session'
run_lc --no-junit
expect_eq "missing reason: exit" "$CODE" 2
expect_contains "missing reason: where" "$ERR" "leakcheck.yml:10:9: allowance is missing 'reason'"
run_lc --no-junit --today 2027-13-01
expect_eq "bad --today: exit" "$CODE" 2

# --- the baseline ---
write_cfg ''
run_lc --no-junit
expect_eq "without a baseline the known leak fails" "$CODE" 1
run_lc --no-junit --update-baseline leakcheck-baseline.json
expect_eq "--update-baseline: exit" "$CODE" 0
cp leakcheck-baseline.json first.json
run_lc --no-junit --update-baseline second.json
expect_eq "stable identities: the same program gives the same baseline" \
  "$(cat second.json)" "$(cat first.json)"
expect_eq "baseline content" "$(cat first.json)" '{
  "version": 1,
  "checks": {
    "api": [
      {"id": "Session (svc.js:2:28)", "growth_per_interval": 50, "bytes_per_interval": 1600}
    ]
  }
}'
run_lc --no-junit --baseline leakcheck-baseline.json
expect_eq "--baseline: known growth passes" "$CODE" 0
expect_contains "--baseline: reported as known" "$OUT" "KNOWN Session (svc.js:2:28): +50 objects (+1.6 KB) per interval, within the baseline's +50 (+1.6 KB)"
LEAK_ORDERS=1 run_lc --no-junit --baseline leakcheck-baseline.json
expect_eq "a new leak: exit" "$CODE" 1
expect_contains "a new leak is named" "$OUT" "FAIL  *: max_growth 0  (Order grew by +150 objects (+4.7 KB) over 4 snapshots; limit max_growth 0)"
case "$OUT" in *"and 1 more constructor"*) fail "the known leak must not be counted";; *) ok;; esac
FIX_SESSIONS=1 run_lc --no-junit --baseline leakcheck-baseline.json
expect_eq "a fixed leak: exit" "$CODE" 0
expect_contains "a fixed leak is reported" "$OUT" "fixed since the baseline: Session (svc.js:2:28) in check api; run --update-baseline to lock it in"
# baseline: in leakcheck.yml
printf 'baseline: leakcheck-baseline.json\n' > extra
write_cfg ''
cat extra leakcheck.yml > l2.yml && mv l2.yml leakcheck.yml
run_lc --no-junit
expect_eq "baseline: key: exit" "$CODE" 0
# bad baselines
printf '{"version": 1, "checks": {"api": [{"id": "x", "growth_per_interval": "many"}]}}' > bad.json
run_lc --no-junit --baseline bad.json
expect_eq "bad baseline: exit" "$CODE" 2
expect_contains "bad baseline: offset" "$ERR" "bad.json: byte 70: 'growth_per_interval' must be a whole number"
printf '{"version": 1, "checks": {' > cut.json
run_lc --no-junit --baseline cut.json
expect_eq "truncated baseline: exit" "$CODE" 2
expect_contains "truncated baseline: offset" "$ERR" "cut.json: byte"

# --- diff of snapshots from two processes: matched by identity ---
mkdir xp && cd xp || exit 1
echo 'exports.x = function () { return 1; };' > extra.js
cat > leak.js <<'JS'
class Widget { constructor(i) { this.i = i; } }
const kept = [];
exports.add = (n) => { for (let i = 0; i < n; i++) kept.push(new Widget(i)); };
JS
cat > prog.js <<'JS'
const v8 = require('v8');
if (process.env.EXTRA) require('./extra.js').x(); // shifts the script ids
require('./leak.js').add(Number(process.env.N));
v8.writeHeapSnapshot(process.env.OUT);
JS
N=10 OUT=a.heapsnapshot node prog.js && EXTRA=1 N=25 OUT=b.heapsnapshot node prog.js
run_lc diff --json a.heapsnapshot b.heapsnapshot
expect_eq "cross-process diff: exit" "$CODE" 0
expect_contains "cross-process diff: matched by identity" "$OUT" '"matched_by": "identity"'
expect_contains "cross-process diff: the class by script path" "$OUT" \
  '{"id": "Widget (leak.js:1:27)", "name": "Widget", "base_count": 10, "count": 25, "delta": 15, "base_size": 320, "size": 800, "size_delta": 480}'
run_lc diff a.heapsnapshot b.heapsnapshot
expect_contains "cross-process diff: text says so" "$OUT" "different processes (their script ids disagree)"
N=10 OUT=c.heapsnapshot node prog.js
run_lc diff --json a.heapsnapshot c.heapsnapshot
case "$OUT" in *matched_by*) fail "same script ids: the DevTools Comparison stays";; *) ok;; esac
cd .. || exit 1

no_leftovers
finish
