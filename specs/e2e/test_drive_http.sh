# drive: { http: PATH, requests: N, ... }: leakcheck starts the server,
# waits until it accepts connections on 127.0.0.1 (port from its output or
# from the config), and sends N requests itself between two snapshots.  A
# server that keeps one object per request grows by exactly N per
# interval, and counts exactly snapshots x N requests itself; a clean
# server passes.  Faults: a server that never listens, one that dies under
# load, answers outside 2xx beyond the budget (exit 3 with the counts), a
# host other than 127.0.0.1 (exit 2).  Nothing is left running.
. "$(dirname "$0")/lib.sh"

cp "$SRC/examples/server.js" .
cat > quiet.js <<'JS'
console.log('warming up, not listening yet');
setInterval(() => {}, 1000);
JS
cat > dies.js <<'JS'
'use strict';
const http = require('http');
let served = 0;
const server = http.createServer((req, res) => {
  if (++served === 60) process.kill(process.pid, 'SIGKILL');
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => console.log('Listening on port ' + server.address().port));
JS
cat > flaky.js <<'JS'
'use strict';
const http = require('http');
let n = 0;
const server = http.createServer((req, res) => {
  n++;
  res.statusCode = n % 10 === 0 ? 503 : n % 7 === 0 ? 404 : 200;
  res.end();
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port + '/'));
JS
cat > bursts.js <<'JS'
'use strict';
// One kept object per request (a leak), and the requests' rhythm: a burst
// starts after 200ms without a request.  The ballast makes each snapshot
// take well over that (the window's gaps, which the confirmation's batches
// keep), even on a fast machine.
const http = require('http');
globalThis.ballast = [];
for (let i = 0; i < 50000; i++) globalThis.ballast.push({ i, s: 'b' + i });
const kept = [];
let served = 0, bursts = 0, last = 0;
const server = http.createServer((req, res) => {
  const now = Date.now();
  if (now - last > 200) bursts++;
  last = now;
  served++;
  kept.push({ at: now, url: req.url });
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => {
  console.log(`served ${served} requests in ${bursts} bursts`);
  process.exit(0);
});
JS
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

cat > leakcheck.yml <<YML
version: 1
checks:
  - name: leak
    script: server.js
    drive: { http: /orders, method: POST, body: '{"qty": 1}', requests: 25, concurrency: 3 }
    snapshots: 4
    assert:
      - constructor: AuditEntry
        max_growth: 0
  - name: leak-fixed-port
    script: server.js
    env: { PORT: "$port" }
    drive: { http: "http://127.0.0.1:$port/orders?src=e2e", method: POST, requests: 10 }
    snapshots: 3
    assert:
      - constructor: AuditEntry
        max_growth: 0
  - name: clean
    script: server.js
    drive: { http: /health, requests: 50, concurrency: 4 }
    snapshots: 5
  - name: paced
    script: bursts.js
    drive: { http: /, requests: 20, concurrency: 2 }
    snapshots: 4
  - name: never-listens
    script: quiet.js
    drive: { http: /, requests: 5, ready_timeout: 1500ms }
  - name: wrong-port
    script: quiet.js
    drive: { http: /, requests: 5, ready_timeout: 1s, port: $port }
  - name: dies
    script: dies.js
    drive: { http: /, requests: 25, concurrency: 2 }
  - name: errors-over-budget
    script: flaky.js
    drive: { http: /, requests: 30, max_failed_requests: 2 }
  - name: errors-in-budget
    script: flaky.js
    drive: { http: /, requests: 30, max_failed_requests: 100 }
    snapshots: 3
    assert:
      - total: true
        max_growth_bytes: 1MB
YML

interval_steps() {
  local line prev="" out=""
  # The planned snapshots: confirmation ones follow a '|'.
  line=$(xpath "$1" "string(//testcase[@name=\"$2\"]/failure)" | grep 'counts:' | head -1 | sed 's/|.*//')
  for n in $(echo "$line" | sed 's/counts://; s/[()]//g'); do
    [ -n "$prev" ] && out="$out $((n - prev))"
    prev=$n
  done
  echo $out
}

run_lc --check leak --junit leak.xml
expect_eq "leak: exit code" "$CODE" 1
expect_contains "leak: progress line" "$ERR" \
  "running 'leak' (4 snapshots, 25 requests to POST /orders before each)"
expect_eq "leak: one AuditEntry per request" \
  "$(interval_steps leak.xml 'AuditEntry: max_growth 0')" "25 25 25"
# 4 snapshots, then confirmation snapshots until the leak rose over a
# repeated length or the budget (20 s of the server's run time) ends: 4
# batches of 25, then 2, 4, 8 and 16 times as many (lc_confirm_scale), a
# length repeated when a longer one and its repeat would not fit, paced
# with idle gaps as long as the window's, so on a loaded machine 2 to 4.
extra=$(xpath leak.xml 'string(//property[@name="confirmation_snapshots"]/@value)')
scales=$(xpath leak.xml 'string(//property[@name="confirmation_intervals"]/@value)')
confirm_scales_ok "$scales" && [ "$(wc -w <<<"$scales")" = "$extra" ] && [ "$extra" -ge 2 ] && ok ||
  fail "leak: confirmation of $extra snapshots, intervals '$scales'"
sent=100
for s in $scales; do sent=$((sent + 25 * s)); done
expect_contains "leak: leakcheck's count" "$ERR" "'leak': $sent requests sent to 127.0.0.1:"
expect_contains "leak: all answered" "$ERR" "all answered 2xx"
expect_contains "leak: the server's own count" \
  "$(xpath leak.xml 'string(//testsuite/system-out)')" "served $sent requests"

run_lc --check leak-fixed-port --junit fixed.xml
expect_eq "fixed port: exit code" "$CODE" 1
expect_eq "fixed port: one per request" \
  "$(interval_steps fixed.xml 'AuditEntry: max_growth 0')" "10 10"
# 3 snapshots of 10 requests, then confirmation snapshots of 20, 40, …
sent=30
for s in $(xpath fixed.xml 'string(//property[@name="confirmation_intervals"]/@value)'); do
  sent=$((sent + 10 * s))
done
expect_contains "fixed port: the port" "$ERR" "$sent requests sent to 127.0.0.1:$port"
expect_contains "fixed port: the server's count" \
  "$(xpath fixed.xml 'string(//testsuite/system-out)')" "served $sent requests"

# A confirmation interval of s drive intervals sends s batches in the
# window's rhythm: each after an idle gap as long as the window's (a
# snapshot of the ballast and its reading, well over 200ms), so the server
# sees one burst per batch, not one per interval.
run_lc --check paced --junit paced.xml
expect_eq "paced: exit code" "$CODE" 1
batches=4
for s in $(xpath paced.xml 'string(//property[@name="confirmation_intervals"]/@value)'); do
  batches=$((batches + s))
done
expect_eq "paced: more than one batch in the confirmation" "$((batches > 6))" 1
expect_contains "paced: one burst per batch" \
  "$(xpath paced.xml 'string(//testsuite/system-out)')" \
  "served $((20 * batches)) requests in $batches bursts"

# The default assertion: no constructor rises steadily (V8's own code,
# optimised as the load goes on, has its budget).
run_lc --check clean --junit clean.xml
expect_eq "clean: exit code" "$CODE" 0
expect_eq "clean: no failures" "$(xpath clean.xml 'string(/testsuites/@failures)')" 0
# A suspect in the window (the resident size, which V8's allocation
# tracker grows by itself) gets confirmation snapshots: 2, 4, 8, then 16
# batches of 50 requests while a count or an object is unsettled (or the
# last length again), 1 when only memory rows are; the JUnit says which,
# and the server counts them.
extra=$(xpath clean.xml 'string(//property[@name="confirmation_snapshots"]/@value)')
scales=$(xpath clean.xml 'string(//property[@name="confirmation_intervals"]/@value)')
confirm_scales_ok "$scales" && ok || fail "clean: confirmation intervals '$scales'"
served=250
c=0
for s in $scales; do
  c=$((c + 1))
  served=$((served + 50 * s))
done
expect_eq "clean: one interval length per confirmation snapshot" "$c" "${extra:-0}"
expect_contains "clean: the server's count" \
  "$(xpath clean.xml 'string(//testsuite/system-out)')" "served $served requests"

started=$(date +%s)
run_lc --check never-listens --junit never.xml
expect_eq "never listens: exit code" "$CODE" 3
expect_contains "never listens: message" "$(xpath never.xml 'string(//testcase[1]/error/@message)')" \
  "the server printed no port within 1500ms (ready_timeout)"
expect_eq "never listens: bounded wait" "$(( $(date +%s) - started < 10 ))" 1

run_lc --check wrong-port --junit wrong.xml
expect_eq "nothing on the port: exit code" "$CODE" 3
expect_contains "nothing on the port: message" "$OUT" \
  "the server did not accept connections on 127.0.0.1:$port within 1s (ready_timeout)"

run_lc --check dies --junit dies.xml
expect_eq "dies under load: exit code" "$CODE" 3
expect_contains "dies under load: message" "$(xpath dies.xml 'string(//testcase[1]/error/@message)')" \
  "the server was killed by signal SIGKILL (9) after 2 of 5 snapshots, while leakcheck was sending requests ("

run_lc --check errors-over-budget --junit over.xml
expect_eq "non-2xx over budget: exit code" "$CODE" 3
expect_contains "non-2xx over budget: counts" "$(xpath over.xml 'string(//testcase[1]/error/@message)')" \
  "3 of 14 requests (GET /) failed, more than max_failed_requests 2: 2 x HTTP 404, 1 x HTTP 503"

run_lc --check errors-in-budget --junit in.xml
expect_eq "non-2xx within budget: exit code" "$CODE" 0
expect_contains "non-2xx within budget: counted and reported" "$ERR" \
  "90 requests sent to 127.0.0.1:"
expect_contains "non-2xx within budget: by status" "$ERR" \
  "20 failed: 11 x HTTP 404, 9 x HTTP 503"

# Loopback only: any other host is a configuration error.
cat > remote.yml <<'YML'
version: 1
checks:
  - name: remote
    script: server.js
    drive: { http: "http://10.0.0.1:80/", requests: 5 }
YML
run_lc -c remote.yml --junit remote.xml
expect_eq "other host: exit code" "$CODE" 2
expect_contains "other host: message" "$ERR" \
  "remote.yml:5:20: 'http' must be on 127.0.0.1 (leakcheck sends requests over loopback only); got host '10.0.0.1'"

no_leftovers
finish
