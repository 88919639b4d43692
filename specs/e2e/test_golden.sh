# Golden files (specs/golden/): the exact output of the real binary on
# committed inputs, compared byte for byte.
#   summary/diff --json of three real Node 20 snapshots (snapshots/*.xz,
#     written by golden/app.js through golden/make-snapshots.sh);
#   the JUnit XML of `leakcheck analyze` on them (default and jenkins
#     profiles), with time, timestamp and hostname normalised;
#   every bad configuration (golden/config/*.yml and the fuzz seeds
#     fuzz/corpus_config/bad-*.yml): its exact stderr and exit code.
# LEAKCHECK_UPDATE_GOLDEN=1 rewrites the expected files instead of
# comparing; review the change with git diff before committing it.
. "$(dirname "$0")/lib.sh"

GOLDEN=$SRC/specs/golden
update=${LEAKCHECK_UPDATE_GOLDEN:-0}

# golden NAME FILE: FILE's content must equal $GOLDEN/NAME.
golden() {
  local want=$GOLDEN/$1
  if [ "$update" = 1 ]; then
    if ! cmp -s "$2" "$want" 2>/dev/null; then
      cp "$2" "$want"
      echo "updated $1"
    fi
    ok
  elif [ ! -f "$want" ]; then
    fail "$1: no golden file (run with LEAKCHECK_UPDATE_GOLDEN=1)"
  elif diff -u "$want" "$2" >"$WORK/diff.txt"; then
    ok
  else
    fail "$1 differs from the golden file:"
    head -40 "$WORK/diff.txt" >&2
  fi
}

# ---- snapshots: summary, diff, analyze ---------------------------------------
mkdir snaps
for k in 1 2 3; do
  if ! xz -dc "$GOLDEN/snapshots/$k.heapsnapshot.xz" >"snaps/$k.heapsnapshot"; then
    fail "cannot decompress snapshots/$k.heapsnapshot.xz (is xz installed?)"
    finish
  fi
done
cp "$GOLDEN/leakcheck.yml" "$GOLDEN/app.js" snaps/
cd snaps || exit 1

: >status.txt
# out NAME ARGS...: leakcheck's stdout to NAME, its status to status.txt.
out() {
  local name=$1
  shift
  timeout 120 "$LEAKCHECK" "$@" >"$name" 2>stderr.txt
  echo "$name $?" >>status.txt
}
out summary-1.json summary --top 20 --json 1.heapsnapshot
out summary-3.json summary --top 20 --json 3.heapsnapshot
out diff-1-3.json diff --top 20 --json 1.heapsnapshot 3.heapsnapshot
out diff-2-3.json diff --top 20 --json 2.heapsnapshot 3.heapsnapshot
for f in summary-1.json summary-3.json diff-1-3.json diff-2-3.json; do
  golden "$f" "$f"
done

normalise() {
  sed -E -e 's/ time="[0-9.]+"/ time="T"/g' \
    -e 's/ timestamp="[^"]*"/ timestamp="TIMESTAMP"/g' \
    -e 's/ hostname="[^"]*"/ hostname="HOST"/g' "$1"
}
for profile in default jenkins; do
  out analyze-$profile.txt analyze --check widgets --junit raw.xml \
    --junit-profile=$profile 1.heapsnapshot 2.heapsnapshot 3.heapsnapshot
  if [ -f raw.xml ]; then
    normalise raw.xml >analyze-$profile.xml
    golden analyze-$profile.xml analyze-$profile.xml
    rm -f raw.xml
  else
    fail "analyze ($profile): no JUnit file written"
  fi
done
# The files are the user's: analyze left them alone.
for k in 1 2 3; do
  if xz -dc "$GOLDEN/snapshots/$k.heapsnapshot.xz" | cmp -s - "$k.heapsnapshot"; then
    ok
  else
    fail "analyze changed $k.heapsnapshot"
  fi
done
golden status.txt status.txt
cd "$WORK" || exit 1

# ---- bad configurations --------------------------------------------------------
# Each is run from a directory that holds it and ok.js, by its bare name, so
# the messages are the same on every machine (a resolved path starts
# with "<WORK>/" in the expected files).  ok.js exits at once: a config
# that were wrongly accepted would end as "program broke" (exit 3), fast.
mkdir cfg
printf 'process.exit(0);\n' >cfg/ok.js
# run_config YML GOLDEN_NAME
run_config() {
  local yml=$1 name=$2 base
  base=$(basename "$yml")
  cp "$yml" "cfg/$base"
  (cd cfg && timeout 60 "$LEAKCHECK" -c "$base" --no-junit >stdout.txt 2>stderr.txt
    echo "exit $?" >result.txt
    sed "s#$WORK/#<WORK>/#g" stderr.txt >>result.txt)
  rm -f "cfg/$base"
  case "$(head -1 cfg/result.txt)" in
    "exit 2") ok ;;
    *) fail "$base: $(head -1 cfg/result.txt), expected exit 2" ;;
  esac
  golden "config/$name" cfg/result.txt
}
n=0
for yml in "$GOLDEN"/config/*.yml; do
  run_config "$yml" "$(basename "$yml" .yml).expected"
  n=$((n + 1))
done
for yml in "$SRC"/specs/fuzz/corpus_config/bad-*.yml; do
  run_config "$yml" "fuzz-$(basename "$yml" .yml).expected"
  n=$((n + 1))
done
# An expected file whose configuration is gone is stale.
for exp in "$GOLDEN"/config/*.expected; do
  base=$(basename "$exp" .expected)
  case "$base" in
    fuzz-*) src=$SRC/specs/fuzz/corpus_config/${base#fuzz-}.yml ;;
    *) src=$GOLDEN/config/$base.yml ;;
  esac
  [ -f "$src" ] && ok || fail "config/$base.expected has no configuration"
done
[ "$n" -ge 25 ] && ok || fail "only $n bad configurations"

no_leftovers
finish
