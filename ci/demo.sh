#!/usr/bin/env bash
# Quick start 1: install what is missing, build leakcheck, and run it on the
# bundled examples (examples/leakcheck.yml): the closure-chain and class
# leaks are caught, the clean program passes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/ci/setup.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null
echo
set +e
"$root/build/leakcheck" -c "$root/examples/leakcheck.yml" --junit "$root/build/examples-junit.xml"
code=$?
set -e
echo
case $code in
  1) echo "demo: leakcheck exited 1: the leaks in examples/ were caught, the clean example passed (JUnit: build/examples-junit.xml)"; exit 0 ;;
  *) echo "demo: leakcheck exited $code; expected 1 (leaks found)" >&2; exit 1 ;;
esac
