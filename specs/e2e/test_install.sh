# `cmake --install` of the tested build into a temporary prefix puts every
# file where the README says, and a program outside this tree builds
# against the installed heap library, both through pkg-config and through
# find_package(leakcheck), and reads a real snapshot with it.
. "$(dirname "$0")/lib.sh"

BUILD=$(dirname "$LEAKCHECK")
PREFIX=$WORK/prefix
if ! cmake --install "$BUILD" --prefix "$PREFIX" >install.log 2>&1; then
  cat install.log >&2
  fail "cmake --install failed"
  finish
fi
for f in bin/leakcheck share/man/man1/leakcheck.1 lib/libleakcheck-heap.a \
  include/leakcheck/heap.h include/leakcheck/buf.h include/leakcheck/err.h \
  include/leakcheck/version.h lib/pkgconfig/leakcheck-heap.pc \
  lib/cmake/leakcheck/leakcheckConfig.cmake \
  lib/cmake/leakcheck/leakcheckConfigVersion.cmake \
  lib/cmake/leakcheck/leakcheckTargets.cmake; do
  [ -f "$PREFIX/$f" ] && ok || fail "not installed: $f"
done
[ -x "$PREFIX/bin/leakcheck" ] && ok || fail "bin/leakcheck is not executable"
version=$("$PREFIX/bin/leakcheck" --version)
expect_contains "installed binary runs" "$version" "leakcheck"
# Nothing of the internals leaks into the public include directory.
expect_eq "public headers" "$(cd "$PREFIX/include/leakcheck" && ls | tr '\n' ' ')" \
  "buf.h err.h heap.h version.h "

# A real snapshot; V8 writes its node count into the header, which is what
# the programs below must print.
xz -dc "$SRC/specs/golden/snapshots/1.heapsnapshot.xz" >snap.heapsnapshot
want=$(head -c 4096 snap.heapsnapshot | grep -o '"node_count":[0-9]*' | cut -d: -f2)
expect_eq "node_count in the snapshot header" "$(echo "$want" | grep -c '^[0-9][0-9]*$')" 1

cat >count.c <<'C'
/* Reads a snapshot with the installed heap library; prints its nodes. */
#include <stdio.h>

#include <leakcheck/err.h>
#include <leakcheck/heap.h>
#include <leakcheck/version.h>

int
main(int argc, char **argv)
{
  struct lc_snapshot s = LC_SNAPSHOT_INIT;
  struct lc_err err = LC_ERR_INIT;
  char *msg;
  if (argc != 2)
    return 2;
  if (lc_snapshot_read(&s, argv[1], &err) < 0) {
    msg = lc_err_format(&err);
    fprintf(stderr, "%s\n", msg);
    return 1;
  }
  printf("%s %u\n", LEAKCHECK_VERSION, (unsigned)s.node_count);
  lc_snapshot_release(&s);
  return 0;
}
C
project_version=$(sed -n 's/^project(leakcheck VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")

# A sanitized build installs a sanitized library: the program must then be
# linked with the same runtime.
san=()
nm "$PREFIX/lib/libleakcheck-heap.a" 2>/dev/null | grep -q ' U __asan_' && san+=(-fsanitize=address)
nm "$PREFIX/lib/libleakcheck-heap.a" 2>/dev/null | grep -q ' U __ubsan_' && san+=(-fsanitize=undefined)
sanflags="${san[*]}"

# --- pkg-config ---
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
cflags=$(pkg-config --cflags leakcheck-heap)
libs=$(pkg-config --static --libs leakcheck-heap)
expect_eq "pkg-config version" "$(pkg-config --modversion leakcheck-heap)" "$project_version"
incdir=${cflags#-I}
incdir=${incdir%% *}
expect_eq "pkg-config include dir" "$(cd "$incdir" 2>/dev/null && pwd -P)" \
  "$(cd "$PREFIX/include" && pwd -P)"
# shellcheck disable=SC2086
if cc -std=c11 $sanflags $cflags -o count-pc count.c $libs 2>cc.log; then
  ok
  expect_eq "pkg-config build reads the snapshot" \
    "$(./count-pc snap.heapsnapshot 2>&1)" "$project_version $want"
else
  cat cc.log >&2
  fail "could not build against the library with pkg-config"
fi

# --- find_package(leakcheck) ---
mkdir consumer
cp count.c consumer/
cat >consumer/CMakeLists.txt <<'CM'
cmake_minimum_required(VERSION 3.16)
project(count C)
find_package(leakcheck 0.2 REQUIRED)
add_executable(count count.c)
target_link_libraries(count PRIVATE leakcheck::heap)
CM
if cmake -S consumer -B consumer/build -DCMAKE_PREFIX_PATH="$PREFIX" \
    -DCMAKE_C_FLAGS="$sanflags" -DCMAKE_EXE_LINKER_FLAGS="$sanflags" \
    >cmake.log 2>&1 && cmake --build consumer/build >>cmake.log 2>&1; then
  ok
  expect_eq "find_package build reads the snapshot" \
    "$(consumer/build/count snap.heapsnapshot 2>&1)" "$project_version $want"
else
  cat cmake.log >&2
  fail "could not build against the library with find_package(leakcheck)"
fi
expect_eq "leakcheck_DIR" "$(sed -n 's/^leakcheck_DIR:PATH=//p' consumer/build/CMakeCache.txt)" \
  "$PREFIX/lib/cmake/leakcheck"

finish
