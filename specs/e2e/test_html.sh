# The HTML report (--html FILE, `html:` in leakcheck.yml) opened in real
# headless Chromium (Debian's chromium package; ci/setup.sh --tests
# installs it): it loads with no console error and no network request
# (its Content-Security-Policy allows none), each chart has one polyline
# with one point per snapshot, hostile class names and program output show
# as text, and the table of rows sorts.  The screenshot of the failing
# check is kept in the build directory (test-artifacts/) and is the one
# in docs/report-screenshot.png.
. "$(dirname "$0")/lib.sh"

CHROMIUM=${LEAKCHECK_CHROMIUM:-$(command -v chromium || true)}
if [ -z "$CHROMIUM" ]; then
  if [ "${CI:-}" = true ]; then
    fail "chromium is missing (run ci/setup.sh --tests)"
    finish
  fi
  echo "SKIP: chromium is not installed (ci/setup.sh --tests installs it)"
  exit 0
fi
ARTIFACTS="$(cd "$(dirname "$LEAKCHECK")" && pwd)/test-artifacts"
mkdir -p "$ARTIFACTS"
CDP="$SRC/specs/e2e/gen/cdp-check.js"

# browse FILE SHOT: CDP probe of FILE into $PROBE (one line of JSON).
browse() {
  local profile
  profile=$(mktemp -d "$WORK/profile.XXXXXX")
  PROBE=$(timeout 90 node "$CDP" "$CHROMIUM" "$1" "$profile" "$2")
  [ -n "$PROBE" ] || fail "no answer from Chromium for $1"
  rm -rf "$profile"
}

# q EXPR: evaluates a JavaScript expression on the probe `p`.
q() {
  node -e 'const p = JSON.parse(process.argv[1]); console.log(eval(process.argv[2]))' \
    "$PROBE" "$1"
}

# ---- 1. crafted snapshots through `leakcheck analyze` -------------------
# Five real snapshots whose class names are then made hostile in the
# files' string tables.  DevTools (and so leakcheck) shows a name that
# starts with '<' only up to its first space, "<img>"; the second one has
# no space and is shown whole.
mkdir heap
cat > heap/gen.js <<'JS'
'use strict';
const v8 = require('v8');
class LcEvilImg { constructor(n) { this.n = n; } }
class LcEvilSvg { constructor(n) { this.n = n; } }
const kept = [];
for (let s = 0; s < 5; s++) {
  for (let i = 0; i < 10; i++) kept.push(new LcEvilImg(i));
  for (let i = 0; i < 3; i++) kept.push(new LcEvilSvg(i));
  v8.writeHeapSnapshot();
}
JS
(cd heap && node gen.js) || fail "could not write the snapshots"
for f in heap/*.heapsnapshot; do
  sed -i -e 's|"LcEvilImg"|"<img src=x onerror=alert(1)>"|' \
    -e 's|"LcEvilSvg"|"<svg/onload=alert(2)>"|' "$f"
done
expect_eq "crafted names in 5 files" "$(grep -l 'onerror=alert(1)' heap/*.heapsnapshot | wc -l)" 5

cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: crafted
    script: heap/gen.js
    warmup: 1
YML
run_lc analyze --check crafted --no-junit --html out/crafted.html heap
expect_eq "analyze exit code (leak)" "$CODE" 1
expect_contains "stderr names the report" "$ERR" "HTML report written to out/crafted.html"
expect_eq "no temporary file beside the report" "$(ls out)" "crafted.html"

browse out/crafted.html "$ARTIFACTS/html-crafted.png"
expect_eq "console errors" "$(q 'p.consoleErrors.length + " " + p.consoleErrors.join(" | ")')" "0 "
expect_eq "network requests" "$(q 'p.requests.length + " " + p.requests.join(" ")')" "0 "
expect_eq "dialogs (alert)" "$(q 'p.dialogs.length')" 0
expect_eq "no <img> element" "$(q 'p.imgs')" 0
expect_eq "one <script> element (the page's own)" "$(q 'p.scripts')" 1
expect_eq "charts drawn" "$(q 'p.charts.length > 0')" true
expect_eq "each chart: one polyline" "$(q 'p.charts.every((c) => c.polylines === 1)')" true
expect_eq "each chart: one point per snapshot" "$(q 'p.charts.map((c) => c.points).join(",")' | tr ',' '\n' | sort -u)" 5
expect_eq "each chart: the warm-up snapshot marked" "$(q 'p.charts.every((c) => c.warm === 1)')" true
expect_eq "charts of count and shallow size" "$(q 'p.charts.slice(0, 2).map((c) => c.metric).join(" ")')" "count size"
expect_contains "hostile name shown as text" "$(q 'p.fnames.join("\n")')" "<img> ["
expect_contains "hostile name without a space shown whole" "$(q 'p.fnames.join("\n")')" "<svg/onload=alert(2)> ["
expect_eq "holder highlighted in each path" "$(q 'p.holders.length >= 2 && p.holders.every((h) => h.endsWith("(holder)"))')" true
expect_eq "sorted ascending" "$(q 'p.sortedAsc.every((v, i, a) => i === 0 || a[i - 1] <= v) && p.sortedAsc.length > 10')" true
expect_eq "sorted descending" "$(q 'p.sortedDesc.every((v, i, a) => i === 0 || a[i - 1] >= v)')" true
expect_contains "CSP forbids fetching" "$(q 'p.csp')" "default-src 'none'; img-src data:"

# The same page through Chromium's command line: --dump-dom serialises
# the DOM after scripts ran; markup from the heap stays escaped text.
profile=$(mktemp -d "$WORK/profile.XXXXXX")
dom=$(timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
  --disable-background-networking --disable-component-update --disable-sync \
  --no-first-run --user-data-dir="$profile" --dump-dom \
  "file://$WORK/out/crafted.html" 2>/dev/null)
rm -rf "$profile"
expect_contains "dumped DOM holds the escaped name" "$dom" "&lt;svg/onload=alert(2)&gt;"
expect_eq "dumped DOM: no <img or <svg/onload tag" "$(grep -c -e '<img' -e '<svg/onload' <<<"$dom")" 0

# The CSP's hashes are those of the page's style and script.
hashes=$(node -e '
const h = require("fs").readFileSync(process.argv[1], "utf8");
const sha = (s) => "sha256-" + require("crypto").createHash("sha256").update(s).digest("base64");
const style = h.match(/<style>([^]*?)<\/style>/)[1], script = h.match(/<script>([^]*?)<\/script>/)[1];
console.log(h.includes("style-src \x27" + sha(style) + "\x27") && h.includes("script-src \x27" + sha(script) + "\x27"));
' out/crafted.html)
expect_eq "CSP hashes match the style and the script" "$hashes" true

# ---- 2. a failing and a passing check from `leakcheck run` --------------
cat > leaky.js <<'JS'
'use strict';
// Sessions that are never dropped: one more per tick.
class Session {
  constructor(id) {
    this.id = id; this.user = null; this.started = id; this.seen = id;
    this.token = null; this.roles = null; this.cart = null; this.ip = null;
  }
}
const sessions = [];
setInterval(() => { sessions.push(new Session(sessions.length)); }, 10);
console.log('<img src=x onerror=alert(1)> from stdout');
console.error('\x1b[31m<script>alert(3)</script>\x1b[0m from stderr');
JS
cat > clean.js <<'JS'
'use strict';
setInterval(() => { const a = []; for (let i = 0; i < 100; i++) a.push({ i }); }, 10);
JS
cat > run.yml <<'YML'
version: 1
html: reports/run.html
checks:
  - name: clean
    script: clean.js
    drive: { every: 200ms }
    snapshots: 4
    assert:
      - total: true
        max_growth_bytes: 2MB
  - name: session-cache
    script: leaky.js
    drive: { every: 200ms }
    snapshots: 4
YML
run_lc run -c run.yml --no-junit
expect_eq "run exit code (leak)" "$CODE" 1
expect_contains "html: from leakcheck.yml" "$ERR" "HTML report written to ./reports/run.html"
html=reports/run.html
order=$(grep -o 'class="check s-[a-z]*"' "$html" | tr '\n' ' ')
expect_eq "failed checks first" "$order" 'class="check s-failed" class="check s-passed" '
expect_eq "stdout markup escaped in the file" "$(grep -c '&lt;img src=x onerror=alert(1)&gt; from stdout' "$html")" 1

browse "$html" "$ARTIFACTS/html-run.png"
expect_eq "run: console errors" "$(q 'p.consoleErrors.length + " " + p.consoleErrors.join(" | ")')" "0 "
expect_eq "run: network requests" "$(q 'p.requests.length + " " + p.requests.join(" ")')" "0 "
expect_eq "run: dialogs" "$(q 'p.dialogs.length')" 0
expect_eq "run: no <img> element" "$(q 'p.imgs')" 0
expect_eq "run: one <script> element" "$(q 'p.scripts')" 1
expect_eq "run: check order" "$(q 'p.checkNames.join(",")')" "FAILsession-cache,PASSclean"
# The leak's suspect window got confirmation snapshots (the terminal says
# how many): its charts have a point for each, marked as such.
nconfirm=$(grep -oE '4 snapshots \+ [0-9]+ to confirm' <<<"$OUT" | grep -oE '[0-9]+ to' | grep -oE '[0-9]+')
if [ -n "$nconfirm" ]; then
  points=$(printf '4\n%s' "$((4 + nconfirm))")
  expect_eq "run: confirmation points marked" \
    "$(grep -o '<circle class="confirm"' "$html" | wc -l | awk -v n="$nconfirm" '{print ($1 > 0 && $1 % n == 0)}')" 1
else
  points=4
fi
expect_eq "run: one point per snapshot" "$(q 'p.charts.map((c) => c.points).join(",")' | tr ',' '\n' | sort -un)" "$points"
expect_contains "run: Session finding" "$(q 'p.fnames.join("\n")')" "Session ["
expect_contains "run: stdout tail as text" "$(q 'p.tails.join("\n")')" "<img src=x onerror=alert(1)> from stdout"
expect_contains "run: stderr tail as text, colour codes dropped" "$(q 'p.tails.join("\n")')" "<script>alert(3)</script> from stderr"
[ -s "$ARTIFACTS/html-run.png" ] && ok || fail "no screenshot"
# --screenshot of Chromium's command line, as a person would take it.
profile=$(mktemp -d "$WORK/profile.XXXXXX")
timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
  --disable-background-networking --disable-component-update --disable-sync \
  --no-first-run --user-data-dir="$profile" --window-size=1100,1400 \
  --screenshot="$ARTIFACTS/html-run-cli.png" "file://$WORK/$html" >/dev/null 2>&1
rm -rf "$profile"
[ -s "$ARTIFACTS/html-run-cli.png" ] && ok || fail "chromium --screenshot wrote nothing"
echo "screenshots: $ARTIFACTS/html-run.png $ARTIFACTS/html-crafted.png"

no_leftovers
left=$(pgrep -f "$WORK/profile" | head -3)
expect_eq "no Chromium process left" "$left" ""
finish
