# --keep-snapshots: never leaves nothing, always keeps every check's files,
# failed keeps only the failing check's files (what CI uploads).
. "$(dirname "$0")/lib.sh"

cp "$SRC/examples/leaks.js" "$SRC/examples/clean.js" .
cat > leakcheck.yml <<'YML'
version: 1
checks:
  - name: leaky
    script: leaks.js
    drive: { every: 200ms }
    snapshots: 3
    warmup: 1
    # Exactly 3 confirmation snapshots: a window of one interval is too
    # short to stop early on every loaded machine, and the files counted
    # below are what this test is about.
    confirm: { snapshots: 3 }
    assert:
      - constructor: Function
        max_growth: 0
  - name: clean
    script: clean.js
    drive: { every: 200ms }
    snapshots: 3
    warmup: 1
    assert:
      - total: true
        max_growth_bytes: 1MB
YML

run_lc --no-junit --snapshot-dir never
expect_eq "never: exit code" "$CODE" 1
[ ! -e never ] && ok || fail "--keep-snapshots=never left $(ls -R never)"
# The explanation reads the last snapshot again after the run, from the
# descriptor leakcheck kept: its file is unlinked by then.
expect_contains "never: the leak explained" "$OUT" "  held by: "
expect_contains "never: its allocation line" "$OUT" " allocated at leaks.js:"

# Layout: <snapshot-dir>/<check>/<run-id>/K.heapsnapshot, one directory
# per run (two runs never mix or remove each other's files).
run_lc --no-junit --keep-snapshots=always --snapshot-dir always
expect_eq "always: exit code" "$CODE" 1
# The leaky check's 3 confirmation snapshots are kept too (4-6).
expect_eq "always: files" "$(cd always && ls */*/ | sed 's/[0-9TZ]*-[0-9]*/RUN/' | tr '\n' ' ')" \
  "clean/RUN/: 1.heapsnapshot 2.heapsnapshot 3.heapsnapshot  leaky/RUN/: 1.heapsnapshot 2.heapsnapshot 3.heapsnapshot 4.heapsnapshot 5.heapsnapshot 6.heapsnapshot "
expect_eq "always: one run directory per check" "$(ls always/leaky | wc -l)" 1
expect_contains "always: where they are said to be" "$ERR" \
  "'leaky': snapshots kept in always/leaky/$(ls always/leaky)"

run_lc --no-junit --keep-snapshots=failed --snapshot-dir failed
expect_eq "failed: exit code" "$CODE" 1
expect_eq "failed: only the failing check" "$(cd failed && ls)" "leaky"
run=$(ls failed/leaky)
expect_eq "failed: its files" "$(ls "failed/leaky/$run" | tr '\n' ' ')" \
  "1.heapsnapshot 2.heapsnapshot 3.heapsnapshot 4.heapsnapshot 5.heapsnapshot 6.heapsnapshot "
# Heaps hold secrets: 0600 files in 0700 directories (rename path).
expect_eq "failed: modes" \
  "$(stat -c %a failed failed/leaky "failed/leaky/$run" "failed/leaky/$run/"* | tr '\n' ' ')" \
  "700 700 700 600 600 600 600 600 600 "
# A kept file is a complete snapshot leakcheck can read again.
run_lc summary --top 1 "failed/leaky/$run/3.heapsnapshot"
expect_eq "kept file readable" "$CODE" 0

# A passing check's clean-up removes only what this run wrote: files
# someone else put in its check directory stay.
mkdir -p mine/clean/other-run
echo "keep me" > mine/clean/1.heapsnapshot
echo "keep me too" > mine/clean/other-run/1.heapsnapshot
run_lc --no-junit --keep-snapshots=failed --snapshot-dir mine --check clean
expect_eq "clean-up: exit code" "$CODE" 0
expect_eq "clean-up: others' files stay" \
  "$(cd mine/clean && find . -type f | sort | tr '\n' ' ')" \
  "./1.heapsnapshot ./other-run/1.heapsnapshot "
expect_eq "clean-up: no run directory left" "$(ls mine/clean | tr '\n' ' ')" \
  "1.heapsnapshot other-run "

# Across file systems (TMPDIR on a tmpfs, the snapshot dir here) the files
# are copied: a symbolic link planted where a file will go is never
# followed, the copy has the same modes, and the target is untouched.
shm=""
if [ -w /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ] &&
   [ "$(stat -f -c %T .)" != tmpfs ]; then
  shm=$(mktemp -d /dev/shm/lc-e2e.XXXXXX)
fi
if [ -n "$shm" ]; then
  echo "precious" > precious.txt
  mkdir -p xdev
  # The run directory is new, so plant at every place a name could be
  # guessed: the check directory itself is a link.
  ln -s "$WORK/elsewhere" xdev/leaky
  mkdir elsewhere
  TMPDIR=$shm run_lc --no-junit --keep-snapshots=always --snapshot-dir xdev \
    --check leaky
  expect_eq "xdev, check dir is a link: exit code" "$CODE" 2
  expect_contains "xdev, check dir is a link: message" "$ERR" \
    "xdev/leaky: is not a directory (a symbolic link or a file)"
  expect_eq "xdev: nothing written through the link" "$(ls elsewhere)" ""
  rm xdev/leaky
  TMPDIR=$shm run_lc --no-junit --keep-snapshots=always --snapshot-dir xdev \
    --check leaky
  expect_eq "xdev: exit code" "$CODE" 1
  run=$(ls xdev/leaky)
  expect_eq "xdev: files and modes" \
    "$(cd xdev/leaky && stat -c '%a %n' . "$run" "$run"/* | tr '\n' ' ')" \
    "700 . 700 $run 600 $run/1.heapsnapshot 600 $run/2.heapsnapshot 600 $run/3.heapsnapshot 600 $run/4.heapsnapshot 600 $run/5.heapsnapshot 600 $run/6.heapsnapshot "
  run_lc summary --top 1 "xdev/leaky/$run/3.heapsnapshot"
  expect_eq "xdev: copied file readable" "$CODE" 0
  expect_eq "xdev: temp dirs left" "$(ls "$shm")" ""
  rm -rf "$shm"
else
  echo "skip: no tmpfs at /dev/shm apart from this directory's file system;" \
    "the copy path is unit-tested (check_fsutil)"
fi
no_leftovers
finish
