#!/usr/bin/env bash
# Quick start 2: install what is missing, build leakcheck with AddressSanitizer
# and UndefinedBehaviorSanitizer, and run the whole test suite (Check unit
# suites and end-to-end runs of real Node programs) through CTest.  Then a
# second, optimised build with clang and -Werror (build-clang/), whose
# unit and fuzz-seed tests run too: two compilers' warnings, and the code
# tested without sanitizers at -O2.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/ci/setup.sh" --tests
# The sources follow the committed .clang-format.
(cd "$root" && clang-format --dry-run --Werror runner/*/*.c runner/*/*.h include/leakcheck/*.h)
build="$root/build-test"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
  -DLEAKCHECK_ASAN=ON -DLEAKCHECK_UBSAN=ON -DLEAKCHECK_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j2 --timeout 600

# clang, RelWithDebInfo, warnings as errors; the slow end-to-end tests ran
# above already.
clang_build="$root/build-clang"
CC=clang cmake -S "$root" -B "$clang_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLEAKCHECK_WERROR=ON >/dev/null
cmake --build "$clang_build" -j"$(nproc)"
ctest --test-dir "$clang_build" --output-on-failure -j2 --timeout 600 \
  -R '^(unit|fuzz|lint)\.'
