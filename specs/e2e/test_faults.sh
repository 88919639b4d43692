# Write failures (issue 13): ENOSPC, EIO, EACCES on the JUnit file, the
# step summary, the kept snapshots and the temp dir, injected by the shim
# specs/e2e/faults/shim.c (LD_PRELOAD, LC_FAULT=OP:PATH-PART:ERRNO).  Each
# gives a clear message and exit code and leaves nothing half-written that
# looks complete.
. "$(dirname "$0")/lib.sh"

SHIM=${LC_FAULT_SHIM:-$(dirname "$LEAKCHECK")/specs/liblc_fault_shim.so}
if [ ! -f "$SHIM" ]; then
  fail "the fault shim is not built ($SHIM)"
  finish
fi
# The shim is loaded before the sanitizer runtime; allow that.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

cp "$SRC/examples/clean.js" "$SRC/examples/leaks.js" .
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: clean
    script: clean.js
    drive: { every: 150ms }
    snapshots: 3
    warmup: 1
YML

# faulty SPEC ARGS...: leakcheck with the fault SPEC injected.
faulty() {
  local spec=$1
  shift
  LD_PRELOAD=$SHIM LC_FAULT=$spec run_lc "$@"
}

# The shim is live: a fault nobody would hit changes nothing.
faulty "write:/nonexistent-path/:EIO" --junit j.xml
expect_eq "shim loaded, no fault: exit code" "$CODE" 0

# JUnit: the write fails (disk full, I/O error): exit 2, the message names
# the file, no temp file stays, and the previous run's report is removed.
for e in ENOSPC EIO; do
  echo '<testsuites tests="1" failures="0"/>' > junit.xml
  faulty "write:/junit.xml.tmp.:$e" --junit junit.xml
  expect_eq "junit $e: exit code" "$CODE" 2
  case $e in
    ENOSPC) msg="No space left on device" ;;
    EIO) msg="Input/output error" ;;
  esac
  expect_contains "junit $e: message" "$ERR" \
    "junit.xml: cannot write temporary file 'junit.xml.tmp."
  expect_contains "junit $e: errno" "$ERR" "$msg"
  expect_contains "junit $e: stale report removed" "$ERR" \
    "removed the earlier 'junit.xml'"
  [ ! -e junit.xml ] && ok || fail "junit $e: the earlier junit.xml stayed"
  expect_eq "junit $e: temp files" "$(ls | grep -c 'junit.xml.tmp')" 0
  expect_eq "junit $e: lock file" "$(ls | grep -c 'junit.xml.lock')" 0
done
# EACCES creating the temp file, and a failing rename into place.
echo old > junit.xml
faulty "open:/junit.xml.tmp.:EACCES" --junit junit.xml
expect_eq "junit EACCES: exit code" "$CODE" 2
expect_contains "junit EACCES: message" "$ERR" \
  "junit.xml: cannot create temporary file 'junit.xml.tmp."
[ ! -e junit.xml ] && ok || fail "junit EACCES: the earlier junit.xml stayed"
echo old > junit.xml
faulty "rename:/junit.xml:EIO" --junit junit.xml
expect_eq "junit rename EIO: exit code" "$CODE" 2
expect_contains "junit rename EIO: message" "$ERR" "cannot rename temporary file"
[ ! -e junit.xml ] && ok || fail "junit rename: the earlier junit.xml stayed"
expect_eq "junit rename: temp files" "$(ls | grep -c 'junit.xml.tmp')" 0
# A directory in the way: reported, and left alone.
mkdir -p dirjunit.xml/inside
faulty "write:/nonexistent-path/:EIO" --junit dirjunit.xml
expect_eq "junit is a directory: exit code" "$CODE" 2
expect_contains "junit is a directory: message" "$ERR" "dirjunit.xml: cannot rename"
[ -d dirjunit.xml/inside ] && ok || fail "the directory in the way was touched"

# The step summary (GitHub Actions): the failure is reported; it does not
# change the exit code (as the runner's own summary limit does not), the
# JUnit file is still written, and nothing partial is appended.
echo "earlier step" > summary.md
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$WORK/summary.md \
  faulty "write:/summary.md:ENOSPC" --junit s.xml
expect_eq "summary ENOSPC: exit code" "$CODE" 0
expect_contains "summary ENOSPC: message" "$ERR" \
  "summary.md: cannot append the step summary: No space left on device"
expect_eq "summary ENOSPC: nothing appended" "$(cat summary.md)" "earlier step"
expect_eq "summary ENOSPC: JUnit written" \
  "$(xpath s.xml 'string(/testsuites/@tests)')" 1
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$WORK/summary.md \
  faulty "open:/summary.md:EACCES" --junit s.xml
expect_contains "summary EACCES: message" "$ERR" \
  "summary.md: cannot append the step summary: Permission denied"

# Kept snapshots: the move into the run's directory fails (rename path),
# or the copy does (TMPDIR on another file system).  Exit 2, the error
# names the kept file, no ".part" file and no temp dir is left.
faulty "rename:/kept/clean/:EIO" --keep-snapshots=always --snapshot-dir kept \
  --junit k.xml
expect_eq "kept rename EIO: exit code" "$CODE" 2
expect_contains "kept rename EIO: message" "$ERR" \
  "/1.heapsnapshot: cannot move"
expect_contains "kept rename EIO: errno" "$ERR" "Input/output error"
expect_eq "kept rename EIO: files kept" "$(find kept -type f | wc -l)" 0
expect_eq "kept rename EIO: JUnit records the error" \
  "$(xpath k.xml 'string(/testsuites/@errors)')" 1
faulty "mkdir:/kept2/:EACCES" --keep-snapshots=always --snapshot-dir kept2 \
  --junit k.xml
expect_eq "kept mkdir EACCES: exit code" "$CODE" 2
expect_contains "kept mkdir EACCES: message" "$ERR" \
  "kept2/clean: cannot create directory: Permission denied"
if [ -w /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ] &&
   [ "$(stat -f -c %T .)" != tmpfs ]; then
  shm=$(mktemp -d /dev/shm/lc-e2e.XXXXXX)
  TMPDIR=$shm faulty "write:/kept3/clean/:ENOSPC" --keep-snapshots=always \
    --snapshot-dir kept3 --junit k.xml
  expect_eq "kept copy ENOSPC: exit code" "$CODE" 2
  expect_contains "kept copy ENOSPC: message" "$ERR" \
    "/1.heapsnapshot: cannot copy"
  expect_contains "kept copy ENOSPC: errno" "$ERR" "No space left on device"
  expect_eq "kept copy ENOSPC: no partial file" \
    "$(find kept3 -type f | wc -l)" 0
  expect_eq "kept copy ENOSPC: temp dirs" "$(ls "$shm")" ""
  rm -rf "$shm"
else
  echo "skip: no separate tmpfs at /dev/shm for the copy path"
fi

# The temp dir cannot be made: exit 2 with the directory named.
faulty "mkdir:/leakcheck-:EACCES" --junit t.xml
expect_eq "temp dir EACCES: exit code" "$CODE" 2
expect_contains "temp dir EACCES: message" "$ERR" \
  "cannot create a temporary directory in '$TMPDIR': Permission denied"
# The agent cannot be written into it (disk full).
faulty "write:/agent.cjs:ENOSPC" --junit t.xml
expect_eq "agent ENOSPC: exit code" "$CODE" 2
expect_contains "agent ENOSPC: message" "$ERR" \
  "agent.cjs: cannot write the agent: No space left on device"
no_leftovers
finish
